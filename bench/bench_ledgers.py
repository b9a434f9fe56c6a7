"""The ledgers on the large demo town (50,000 households, ~20,000 problems, ~200,000 visits):
opening each list, one filter keystroke, the town's coverage figures and a year of problem
exports, each beside a bare baseline in the same run.

    .venv/bin/python bench/bench_ledgers.py [--db /tmp/zhilian-ledgers.db]

Baselines: the same rows read with raw SQL through the sqlite3 module; the same problem rows
written with raw openpyxl write-only (no styles, no page set-up). Targets (issue 5): list
≤ 300 ms, keystroke ≤ 50 ms, coverage ≤ 200 ms, a year of problems ≤ 5 s.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def timed(work: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "zhilian-ledgers.db")
    args = parser.parse_args()
    if not args.db.exists():
        subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(args.db),
                        "--size", "large"], check=True, cwd=ROOT)
    from openpyxl import Workbook
    from PySide6.QtWidgets import QApplication

    from app.auth import Actor
    from app.db import open_database
    from app.ledgers.export import export_problems
    from app.services import visits
    from ui.ledgers import data
    from ui.ledgers.model import LedgerModel
    from ui.ledgers.problems import COLUMNS

    app = QApplication([])
    db = open_database(args.db).act_as(Actor.program())
    raw = sqlite3.connect(args.db)
    lines = []

    for name, load, sql in (
            ("问题台账", data.problem_rows, "SELECT p.*, c.name FROM problem p JOIN community c ON c.id = p.community_id"),
            ("驻点日志", data.session_rows, "SELECT * FROM station_session"),
            ("接待台账", data.reception_rows, "SELECT * FROM reception")):
        took, rows = timed(lambda load=load: load(db))
        base, _ = timed(lambda sql=sql: raw.execute(sql).fetchall())
        lines.append(f"打开{name}（{len(rows):,} 行）：{took * 1000:.0f} ms；原始 SQL {base * 1000:.0f} ms")

    problems = data.problem_rows(db)
    model = LedgerModel(COLUMNS, key=lambda r: r.search)
    model.set_rows(problems)
    keystrokes = []
    for needle in ("石", "石岗", "路", "路灯", "匿", "纠纷", "2026", ""):
        started = time.perf_counter()
        model.set_filter(needle)
        app.processEvents()
        keystrokes.append(time.perf_counter() - started)
    lines.append(f"问题台账筛选一次按键：中位数 {statistics.median(keystrokes) * 1000:.1f} ms，"
                 f"最慢 {max(keystrokes) * 1000:.1f} ms（{len(keystrokes)} 次）")

    with db.session() as s:
        took, cover = timed(lambda: visits.coverage(s, 2026, 10))
    base, _ = timed(lambda: raw.execute(
        "SELECT count(DISTINCT household_id) FROM visit WHERE visited_on BETWEEN '2026-01-01' AND '2026-12-31'"
    ).fetchall())
    lines.append(f"全镇走访覆盖率（{cover.households:,} 户、重点户 {cover.key_households:,}，含各团队本月进度）："
                 f"{took * 1000:.0f} ms；原始 SQL（仅一项计数）{base * 1000:.0f} ms")

    with tempfile.TemporaryDirectory() as folder:
        def year_of_exports() -> int:
            written = 0
            with db.session() as s:
                for month in range(1, 13):
                    result = export_problems(s, date(2025, month, 1), Path(folder) / f"{month}.xlsx")
                    written += result.rows
            return written

        took, written = timed(year_of_exports, runs=1)
        rows = raw.execute("SELECT number, reported_on, category, description, reporter_name, status,"
                           " deadline FROM problem WHERE reported_on BETWEEN '2025-01-01' AND '2025-12-31'"
                           ).fetchall()

        def raw_write() -> None:
            book = Workbook(write_only=True)
            sheet = book.create_sheet()
            for row in rows:
                sheet.append(row)
            book.save(Path(folder) / "raw.xlsx")

        base, _ = timed(raw_write, runs=1)
        lines.append(f"导出 2025 年全年问题台账（12 个月的文件，共 {written:,} 行，含跨月未结的）：{took:.2f} s；"
                     f"原始 openpyxl 只写 {len(rows):,} 行 {base:.2f} s")
    db.close()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
