"""One writer per database file: an OS lock on a file beside it.

The operating system drops the lock when the process ends, however it ends, so a crashed
copy of the program never leaves a stale lock behind. The lock file also says who holds it,
so the second copy can tell the user which computer and process to look for.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
from datetime import datetime
from pathlib import Path
from typing import IO

from app.errors import DatabaseInUseError

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

# Byte 0 is the locked byte (Windows locks are mandatory per byte); the holder's note follows it.
_NOTE_OFFSET = 1
# The file's identity (device and inode) is locked too, so a hard link (another name for the
# same file) cannot open it past the lock beside the first name.
IDENTITY_DIR = Path(tempfile.gettempdir()) / "zhilian-locks"


class WriterLock:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = db_path.with_name(db_path.name + ".lock")
        self._handle: IO[str] | None = None
        self._identity: tuple[str, IO[str]] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        if not _try_lock(handle):
            note = self._read_note(handle)
            handle.close()
            raise DatabaseInUseError(self._in_use_message(note))
        try:
            self.cover_identity()
        except BaseException:
            _unlock(handle)
            handle.close()
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(" " + json.dumps({
            "host": socket.gethostname(), "pid": os.getpid(),
            "since": datetime.now().isoformat(timespec="seconds"),
        }, ensure_ascii=False))
        handle.flush()
        self._handle = handle

    def cover_identity(self) -> None:
        """Lock the database file's identity as well (again after the file was replaced, as
        a restore or a first start does); DatabaseInUseError when another name of the same
        file is open for writing. Nothing to lock while the file does not exist."""
        try:
            st = self.db_path.stat()
        except OSError:
            return
        key = f"{st.st_dev:x}-{st.st_ino:x}"
        if self._identity is not None and self._identity[0] == key:
            return
        try:
            IDENTITY_DIR.mkdir(parents=True, exist_ok=True)
            handle = open(IDENTITY_DIR / f"{key}.lock", "a+", encoding="utf-8")
        except OSError:
            return  # no temporary folder to lock in: the lock beside the file still holds
        if not _try_lock(handle):
            note = self._read_note(handle)
            handle.close()
            raise DatabaseInUseError(self._in_use_message(note))
        handle.seek(0)
        handle.truncate()
        handle.write(" " + json.dumps({
            "host": socket.gethostname(), "pid": os.getpid(), "path": str(self.db_path),
            "since": datetime.now().isoformat(timespec="seconds"),
        }, ensure_ascii=False))
        handle.flush()
        self._drop_identity()
        self._identity = (key, handle)

    def _drop_identity(self) -> None:
        if self._identity is None:
            return
        handle = self._identity[1]
        self._identity = None
        try:
            _unlock(handle)
        finally:
            handle.close()

    def release(self) -> None:
        self._drop_identity()
        if self._handle is None:
            return
        try:
            _unlock(self._handle)
        finally:
            self._handle.close()
            self._handle = None

    @staticmethod
    def _read_note(handle: IO[str]) -> dict[str, object]:
        try:
            handle.seek(_NOTE_OFFSET)
            return json.loads(handle.read() or "{}")
        except (OSError, ValueError):
            return {}

    def _in_use_message(self, note: dict[str, object]) -> str:
        who = ""
        if note:
            who = f"（计算机 {note.get('host', '?')}，进程 {note.get('pid', '?')}，" \
                  f"自 {str(note.get('since', '?')).replace('T', ' ')} 起）"
        return (f"数据库 {self.db_path} 正被另一个驻点直联工作台使用{who}。"
                "同一时间只能有一个程序修改它：请先关闭另一个窗口，再重新打开。")

    def __enter__(self) -> "WriterLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
