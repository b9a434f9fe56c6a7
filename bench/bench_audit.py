"""The audit trail at scale: appending, checking the whole chain, and the audit view's query,
on a database holding 200,000 entries (about what a busy office writes in a few years).

    .venv/bin/python bench/bench_audit.py [--entries 200000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.audit.chain import NewEntry, append, verify  # noqa: E402
from app.auth import Actor  # noqa: E402
from app.db import open_database  # noqa: E402
from app.models import Role  # noqa: E402
from app.services import audit_log  # noqa: E402

BATCH = 10_000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "audit.db").act_as(Actor.program())
        started = time.perf_counter()
        for first in range(0, args.entries, BATCH):
            with db.session() as s:
                append(s, [NewEntry("update", "household", first + i, f"住户：户主{first + i}",
                                    {"mobile": {"前": "13800000000", "后": f"139{first + i:08d}"}},
                                    None, f"user{i % 7}")
                           for i in range(min(BATCH, args.entries - first))])
        appended = time.perf_counter() - started
        with db.session() as s:
            started = time.perf_counter()
            count, problems = verify(s)
            checked = time.perf_counter() - started
            assert count == args.entries and not problems, problems
        office = Actor(None, "zuzhiban", "组织办", frozenset({Role.ORG_OFFICE}))
        db.act_as(office)
        with db.session() as s:
            started = time.perf_counter()
            first_screen = audit_log.audit_rows(s)
            shown = time.perf_counter() - started
            started = time.perf_counter()
            found = audit_log.audit_rows(s, text="户主1234", start=date(2000, 1, 1))
            searched = time.perf_counter() - started
        db.close()
    print(f"{args.entries:,} 条操作记录")
    print(f"追加（每批 {BATCH:,} 条一个事务）：{appended:.2f} s，每条 {appended / args.entries * 1e6:.0f} µs")
    print(f"校验整条链（check 命令、“校验完整性”）：{checked:.2f} s")
    print(f"操作记录页首屏（最新 {len(first_screen):,} 条）：{shown * 1000:.0f} ms")
    print(f"文字搜索（{len(found)} 条命中）：{searched * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
