"""One writer per file: a second copy is refused at once, a crashed copy leaves no stale lock."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.auth import Actor
from app.db import open_database
from app.errors import DatabaseError, DatabaseInUseError
from app.models import Person
from app.services import people

pytestmark = pytest.mark.sqlite_only  # about SQLite files: locks, WAL, backups, damage

ROOT = Path(__file__).resolve().parent.parent

# The other copy of the program: opens the file for writing, commits one person (left in the
# WAL, not yet checkpointed), says so, and waits to be killed.
HOLDER = """
import sys
from app.auth import Actor
from app.db import open_database
from app.services import people
db = open_database(sys.argv[1]).act_as(Actor.program())
with db.session() as s:
    people.create_person(s, people.PersonInput(name="张三"))
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def holder(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    open_database(db_path).close()  # created here, so the holder only opens it
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], cwd=ROOT,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready"
            yield proc
        finally:
            proc.kill()
            proc.wait(timeout=30)


def test_second_writer_is_refused_naming_the_holder(holder: subprocess.Popen[str],
                                                    db_path: Path) -> None:
    with pytest.raises(DatabaseInUseError) as refused:
        open_database(db_path)
    message = str(refused.value)
    assert "正被另一个驻点直联工作台使用" in message
    assert f"进程 {holder.pid}" in message and socket.gethostname() in message
    assert holder.poll() is None  # the refusal came back while the holder still runs


def test_reader_works_while_a_writer_holds_the_lock(holder: subprocess.Popen[str],
                                                    db_path: Path) -> None:
    with open_database(db_path, write=False).act_as(Actor.program()) as db:
        with db.session() as s:
            assert s.scalars(select(Person.name)).all() == ["张三"]
        with pytest.raises(DatabaseError, match="只读"):  # a reader cannot write behind the lock
            with db.session() as s:
                people.create_person(s, people.PersonInput(name="李四"))
        assert db.backup("manual").exists()


def test_killed_writer_leaves_no_stale_lock(holder: subprocess.Popen[str], db_path: Path) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert db_path.with_name(db_path.name + "-wal").exists()  # the crash left its WAL behind
    with open_database(db_path).act_as(Actor.program()) as db, db.session() as s:
        people.create_person(s, people.PersonInput(name="李梅"))
    with open_database(db_path, write=False) as db, db.session() as s:
        assert sorted(s.scalars(select(Person.name))) == sorted(["张三", "李梅"])


def test_same_process_cannot_open_twice_until_closed(db_path: Path) -> None:
    first = open_database(db_path)
    with pytest.raises(DatabaseInUseError, match=f"进程 {os.getpid()}"):
        open_database(db_path)
    first.close()
    open_database(db_path).close()
