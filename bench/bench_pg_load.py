"""Several PCs on one PostgreSQL server, for a bounded time: throughput, p95 per operation,
every commit present afterwards, the audit chain intact.

    scripts/postgres.sh start          # prints a URL
    .venv/bin/python bench/bench_pg_load.py --url postgresql+psycopg://… [--pcs 5] [--seconds 60]

The database named in the URL is dropped and created afresh (use a throwaway server). Each
"PC" is a process with its own Database (own connections, the program's timeouts) doing, in
turn: add a person, edit a person (a shared row: edits collide), add a community, read a page.
A refused save ("另一台电脑正在保存", "已被其他人修改") is counted, not fatal: the user would
try again. Every save a process was told succeeded must be in the database at the end.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

OPS = ("add_person", "edit_person", "add_community", "read_page")


def pc(url: str, n: int, seconds: float, out: "mp.Queue") -> None:
    from app.auth import Actor
    from app.db import open_database
    from app.errors import DomainError
    from app.models import Person
    from app.services import communities, people

    db = open_database(url).act_as(Actor.program())
    times: dict[str, list[float]] = {op: [] for op in OPS}
    committed: list[str] = []
    refused: dict[str, int] = {}
    shared = None
    with db.session() as s:
        shared = s.scalar(select(Person.id).where(Person.name == "共用人员"))
    end, i = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        op = OPS[i % len(OPS)]
        name = f"pc{n}-{i}"
        started = time.perf_counter()
        try:
            with db.session() as s:
                if op == "add_person":
                    people.create_person(s, people.PersonInput(name=name))
                elif op == "edit_person":
                    s.get(Person, shared).note = name
                elif op == "add_community":
                    communities.ensure_community(s, name)
                else:
                    s.scalars(select(Person).order_by(Person.id.desc()).limit(50)).all()
        except DomainError as exc:
            refused[exc.message[:20]] = refused.get(exc.message[:20], 0) + 1
        else:
            times[op].append(time.perf_counter() - started)
            if op in ("add_person", "add_community"):
                committed.append(f"{op}:{name}")
        i += 1
    db.close()
    out.put((n, times, committed, refused))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--pcs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    url = make_url(args.url)
    name = url.database or "zhilian_load"
    if name == "postgres":
        name = "zhilian_load"
        url = url.set(database=name)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    target = url.render_as_string(hide_password=False)

    from app.auth import Actor
    from app.db import open_database
    from app.services import people

    with open_database(target).act_as(Actor.program()) as db, db.session() as s:
        people.create_person(s, people.PersonInput(name="共用人员"))

    out: mp.Queue = mp.Queue()
    ctx_procs = [mp.Process(target=pc, args=(target, n, args.seconds, out)) for n in range(args.pcs)]
    started = time.monotonic()
    for p in ctx_procs:
        p.start()
    results = [out.get(timeout=args.seconds + 120) for _ in ctx_procs]
    for p in ctx_procs:
        p.join()
    elapsed = time.monotonic() - started

    from app import audit
    from app.models import Community, Person

    all_times: dict[str, list[float]] = {op: [] for op in OPS}
    committed: list[str] = []
    refused: dict[str, int] = {}
    for _n, times, done, told in results:
        for op in OPS:
            all_times[op] += times[op]
        committed += done
        for k, v in told.items():
            refused[k] = refused.get(k, 0) + v
    with open_database(target).act_as(Actor.program()) as db, db.session() as s:
        persons = set(s.scalars(select(Person.name)))
        places = set(s.scalars(select(Community.name)))
        entries, chain = audit.verify(s)
        total_people = s.scalar(select(func.count()).select_from(Person))
    missing = [c for c in committed
               if c.split(":", 1)[1] not in (persons if c.startswith("add_person") else places)]
    ops = sum(len(v) for v in all_times.values())
    print(f"{args.pcs} 个进程，{elapsed:.0f} 秒：成功 {ops} 次操作，{ops / elapsed:.1f} 次/秒")
    for op in OPS:
        t = sorted(all_times[op])
        if t:
            p95 = t[min(len(t) - 1, int(len(t) * 0.95))]
            print(f"  {op:14s} {len(t):6d} 次  中位 {statistics.median(t) * 1000:6.1f} ms  "
                  f"p95 {p95 * 1000:6.1f} ms")
    print(f"被拒绝（用户会再试）：{refused or '无'}")
    print(f"已提交的新增 {len(committed)} 条，数据库中缺少 {len(missing)} 条；人员共 {total_people}")
    print(f"操作记录 {entries} 条，校验链" + ("完好" if not chain else f"有 {len(chain)} 处问题"))
    return 0 if not missing and not chain else 1


if __name__ == "__main__":
    sys.exit(main())
