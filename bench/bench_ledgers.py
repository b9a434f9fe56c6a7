"""The ledgers on the large demo town (50,000 households, ~20,000 problems, ~200,000 visits):
opening each list, one filter keystroke, the town's coverage figures and a year of problem
exports, each beside a bare baseline in the same run.

    .venv/bin/python bench/bench_ledgers.py [--db /tmp/zhilian-ledgers.db]

"Open a list" is what the tab does. The problem ledger and the visits are paged lists
(ui/ledgers/paged.py): the worker's query for the ordered ids, the first block of rows, the
counts and months, then the ids handed to the PagedModel and the first screen (40 rows)
painted. The station log and the reception ledger are read whole (ui/ledgers/data.py) into the
in-memory LedgerModel. Baselines: every row of the same columns read with raw SQL through the
sqlite3 module (names joined; members or visitors as a second statement); the same problem rows
written with raw openpyxl write-only (no styles, no page set-up). A year of
problems is measured both ways: twelve monthly files, and one file for the year
(``export-ledger --year``). Targets (issue 5): list ≤ 300 ms, keystroke ≤ 50 ms, coverage
≤ 200 ms, a year of problems ≤ 5 s. Times are medians of 3 runs (exports: 1 run).
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
    from app.ledgers.export import Period, export_problems, export_problems_year, problem_rows
    from app.services import visits
    from ui.ledgers import data
    from ui.ledgers.model import LedgerModel
    from ui.ledgers.problems import problem_model
    from ui.ledgers.receptions import COLUMNS as RECEPTION_COLUMNS
    from ui.ledgers.receptions import ReceptionsTab
    from ui.ledgers.sessions import COLUMNS as SESSION_COLUMNS
    from ui.ledgers.sessions import SessionsTab
    from ui.ledgers.visits import COLUMNS as VISIT_COLUMNS
    from ui.ledgers.paged import Listing, PagedModel
    from ui.ledgers.paged_tab import KEYS_LIMIT, needle_of
    from ui.ledgers.visits import (LATEST, VisitQuery, visit_listing, visit_page,
                                   visit_search_keys)

    app = QApplication([])
    db = open_database(args.db).act_as(Actor.program())
    raw = sqlite3.connect(args.db)
    lines = []
    problems = problem_model(db)
    visit_model = PagedModel(VISIT_COLUMNS, lambda ids: visit_page(db, ids), (0, True))

    def shown(model, listing, fresh: bool = True) -> object:  # type: ignore[no-untyped-def]
        """What the tab does with a worker's answer: the ids in, the first screen painted
        (40 rows of every column)."""
        model.set_ids(listing.ids, listing.total, listing.rows, fresh)
        for row in range(min(40, model.rowCount())):
            for column in range(model.columnCount()):
                model.index(row, column).data()
        return listing

    problem_sql = ("SELECT p.id, p.version, p.number, p.community_id, c.name, p.team_id,"
                   " p.reported_on, p.category, p.description, p.anonymous, p.reporter_name,"
                   " p.level, p.deadline, p.status FROM problem p"
                   " JOIN community c ON c.id = p.community_id")
    visit_sql = ("SELECT v.id, v.version, v.visited_on, v.team_id, v.community_id, v.household_id,"
                 " h.address, h.head_name, v.notes FROM visit v JOIN household h ON h.id = v.household_id")
    visitor_sql = "SELECT vv.visit_id, vv.person_id FROM visit_visitor vv JOIN visit v ON v.id = vv.visit_id"
    latest_month = "v.visited_on >= (SELECT date(max(visited_on), 'start of month') FROM visit)"
    year = "v.visited_on BETWEEN '2026-01-01' AND '2026-12-31'"
    # (name, open the list, its raw SQL baseline: every row of the same columns, names joined)
    paged = (
        ("问题台账（本年及往年未办结，打开时的样子）",
         lambda: shown(problems, data.problem_listing(db, data.ProblemQuery(year=2026))),
         [problem_sql + " WHERE p.year = 2026 OR p.status IN ('registered', 'in_progress')"
          " ORDER BY p.reported_on DESC, p.id DESC"]),
        ("问题台账（全部年份）",
         lambda: shown(problems, data.problem_listing(db, data.ProblemQuery(year=None))),
         [problem_sql + " ORDER BY p.reported_on DESC, p.id DESC"]),
        ("走访记录（最近一个月，打开时的样子）",
         lambda: shown(visit_model, visit_listing(db, VisitQuery(LATEST))),
         [f"{visit_sql} WHERE {latest_month}", f"{visitor_sql} WHERE {latest_month}"]),
        ("走访记录（2026 全年）",
         lambda: shown(visit_model, visit_listing(db, VisitQuery(2026))),
         [f"{visit_sql} WHERE {year}", f"{visitor_sql} WHERE {year}"]),
        ("走访记录（全部）",
         lambda: shown(visit_model, visit_listing(db, VisitQuery(None))),
         [visit_sql, visitor_sql]))
    for name, open_list, sqls in paged:
        took, listing = timed(open_list)
        base, _ = timed(lambda sqls=sqls: [raw.execute(sql).fetchall() for sql in sqls])
        mark = "" if took <= 0.3 else "（未达标）"
        lines.append(f"打开{name}（{len(listing.ids):,} 行，查询、填入列表并画出第一屏）："
                     f"{took * 1000:.0f} ms{mark}；原始 SQL 读出全部行 {base * 1000:.0f} ms")

    in_memory = (
        ("驻点日志", data.session_rows, SESSION_COLUMNS, SessionsTab.key,
         ["SELECT s.id, s.version, s.team_id, t.name, s.community_id, c.name, s.held_on,"
          " s.start_time, s.end_time, s.place, s.kind, s.make_up_for, s.summary,"
          " (SELECT count(*) FROM problem p WHERE p.station_session_id = s.id)"
          " FROM station_session s JOIN team t ON t.id = s.team_id"
          " JOIN community c ON c.id = s.community_id ORDER BY s.held_on DESC, s.id DESC",
          "SELECT m.station_session_id, p.name FROM station_session_member m"
          " JOIN person p ON p.id = m.person_id ORDER BY m.station_session_id, p.id"]),
        ("接待台账", data.reception_rows, RECEPTION_COLUMNS, ReceptionsTab.key,
         ["SELECT r.id, r.version, r.team_id, t.name, r.community_id, c.name, r.received_on,"
          " r.visitor_name, r.phone, r.matter, r.handling, coalesce(p.number, '')"
          " FROM reception r JOIN team t ON t.id = r.team_id"
          " JOIN community c ON c.id = r.community_id LEFT JOIN problem p ON p.id = r.problem_id"
          " ORDER BY r.received_on DESC, r.id DESC"]))
    for name, load, columns, key, sqls in in_memory:
        def open_list(load=load, columns=columns, key=key) -> list[object]:
            rows = load(db)
            LedgerModel(columns, key=key).set_rows(rows)
            return rows

        took, rows = timed(open_list)
        base, _ = timed(lambda sqls=sqls: [raw.execute(sql).fetchall() for sql in sqls])
        mark = "" if took <= 0.3 else "（未达标）"
        lines.append(f"打开{name}（{len(rows):,} 行，读取并填入列表）：{took * 1000:.0f} ms{mark}；"
                     f"原始 SQL {base * 1000:.0f} ms")

    # A keystroke in a search box. Once the tab has read the period's search keys (in a
    # worker, after the list is shown) typing narrows the listed ids in memory on the UI
    # thread; before that (and right after a reload) it is a query in a worker.
    needles = ("石", "石岗", "路", "路灯", "匿", "纠纷", "2026", "")
    cases = (
        ("问题台账（全部年份）", problems,
         lambda: data.problem_listing(db, data.ProblemQuery(year=None), False),
         lambda: data.problem_search_keys(db, None),
         lambda n: data.problem_listing(db, data.ProblemQuery(year=None, text=n), False)),
        ("走访记录（最近一个月）", visit_model,
         lambda: visit_listing(db, VisitQuery(LATEST), False),
         lambda: visit_search_keys(db, LATEST),
         lambda n: visit_listing(db, VisitQuery(LATEST, text=n), False)),
        ("走访记录（2026 全年）", visit_model,
         lambda: visit_listing(db, VisitQuery(2026), False),
         lambda: visit_search_keys(db, 2026),
         lambda n: visit_listing(db, VisitQuery(2026, text=n), False)),
        ("走访记录（全部）", visit_model,
         lambda: visit_listing(db, VisitQuery(None), False),
         lambda: visit_search_keys(db, None),
         lambda n: visit_listing(db, VisitQuery(None, text=n), False)))
    for name, model, listing_of, read_keys, ask in cases:
        base = listing_of()
        by_query = []
        for needle in needles:
            started = time.perf_counter()
            shown(model, ask(needle), fresh=False)
            by_query.append(time.perf_counter() - started)
        queried = (f"每次停顿查询数据库（在后台）：中位数 {statistics.median(by_query) * 1000:.0f} ms，"
                   f"最慢 {max(by_query) * 1000:.0f} ms")
        if base.total > KEYS_LIMIT:
            lines.append(f"{name}搜索（{base.total:,} 行，超过 {KEYS_LIMIT:,} 行只查询）：{queried}；"
                         "界面线程只换上结果")
            continue
        keys_took, keys = timed(read_keys, runs=1)
        in_memory = []
        for needle in needles:
            started = time.perf_counter()
            wanted = needle_of(needle)
            ids = [i for i in base.ids if wanted in keys[i]] if wanted else base.ids
            shown(model, Listing(ids, base.total), fresh=False)
            app.processEvents()
            in_memory.append(time.perf_counter() - started)
        mark = "" if statistics.median(in_memory) <= 0.05 else "（未达标）"
        lines.append(f"{name}搜索一次按键（界面线程在内存中筛选，{len(needles)} 次）：中位数 "
                     f"{statistics.median(in_memory) * 1000:.1f} ms{mark}，最慢 "
                     f"{max(in_memory) * 1000:.1f} ms；搜索键在后台读取一次 {keys_took * 1000:.0f} ms"
                     f"（{len(keys):,} 行），读完之前{queried}")
        del keys

    for name, model, ask in (
            ("问题台账（全部年份）按“问题描述”排序", problems,
             lambda: data.problem_listing(db, data.ProblemQuery(year=None, column=4), False)),
            ("走访记录（2026 全年）按“驻点团队”排序", visit_model,
             lambda: visit_listing(db, VisitQuery(2026, column=1), False))):
        took, _ = timed(lambda model=model, ask=ask: shown(model, ask(), False))
        lines.append(f"{name}：{took * 1000:.0f} ms")

    with db.session() as s:
        took, cover = timed(lambda: visits.coverage(s, 2026, 10))
    base, _ = timed(lambda: raw.execute(
        "SELECT count(DISTINCT household_id) FROM visit WHERE visited_on BETWEEN '2026-01-01' AND '2026-12-31'"
    ).fetchall())
    mark = "" if took <= 0.2 else "（未达标）"
    lines.append(f"全镇走访覆盖率（{cover.households:,} 户、重点户 {cover.key_households:,}，含各团队本月进度）："
                 f"{took * 1000:.0f} ms{mark}；原始 SQL（仅一项计数）{base * 1000:.0f} ms")

    with tempfile.TemporaryDirectory() as folder:
        def year_of_exports() -> int:
            written = 0
            with db.session() as s:
                for month in range(1, 13):
                    result = export_problems(s, date(2025, month, 1), Path(folder) / f"{month}.xlsx")
                    written += result.rows
            return written

        took, written = timed(year_of_exports, runs=1)

        def one_file() -> int:
            with db.session() as s:
                return export_problems_year(s, 2025, Path(folder) / "2025.xlsx").rows

        took_year, written_year = timed(one_file, runs=1)
        # the same rows as the one-file year, values only
        with db.session() as s:
            rows = problem_rows(s, Period.year(2025), None, date.today())

        def raw_write() -> None:
            book = Workbook(write_only=True)
            sheet = book.create_sheet()
            for row in rows:
                sheet.append(row)
            book.save(Path(folder) / "raw.xlsx")

        base, _ = timed(raw_write, runs=1)
        lines.append(f"导出 2025 年全年问题台账（12 个月的文件，共 {written:,} 行，含跨月未结的）：{took:.2f} s"
                     f"{'' if took <= 5 else '（未达标）'}；原始 openpyxl 只写同样的 {len(rows):,} 行（一个文件）{base:.2f} s")
        lines.append(f"导出 2025 年问题台账为一个文件（--year，{written_year:,} 行）：{took_year:.2f} s"
                     f"{'' if took_year <= 5 else '（未达标）'}")
    db.close()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
