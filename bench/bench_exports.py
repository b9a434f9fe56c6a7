"""Every xlsx export, timed beside a raw openpyxl write-only write of the same rows in the same
run (issue 14: the page set-up and the row heights must cost nothing against the baseline).

    .venv/bin/python bench/bench_exports.py [--db /tmp/zhilian-exports.db] [--size small]

The demo town is made first when the file does not exist (``main.py demo``). Three times per
export, medians of 3 runs:

- 导出: the export as the commands run it — reading its records from the database, styles,
  widths fitted to the paper, every row's height from its wrapped text, the audit entry;
- 套件: the document kit (app.documents.xlsx) writing the same cells again, without the
  database: widths from the contents fitted to the paper, page set-up, row heights, styles;
- 原始: openpyxl's write-only workbook appending the same cell values and nothing else (no
  styles, widths, page set-up or row heights) — the baseline.

The cells are read back from the export's file, so all three write the same rows.
"""

from __future__ import annotations

import argparse
import os
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

MARCH = date(2026, 3, 1)


def timed(work: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def exports(person_id: int) -> dict[str, Callable]:  # type: ignore[type-arg]
    from app.checks.personal_file import personal_file_xlsx
    from app.forms.bulletin_xlsx import bulletin_xlsx
    from app.forms.form1 import form1_xlsx
    from app.forms.form2 import form2_xlsx
    from app.ledgers.export import export_ledger, export_problems_year
    from app.meetings.attendance_xlsx import export_attendance
    from app.roster.export import export_roster
    from app.services.audit_log import export_audit
    from app.services.cards import export_coverage

    def ledger(kind: str) -> Callable:  # type: ignore[type-arg]
        return lambda s, out: export_ledger(s, kind, MARCH, out)

    return {
        "export-roster": export_roster,
        "export-ledger --kind log": ledger("log"),
        "export-ledger --kind reception": ledger("reception"),
        "export-ledger --kind problems": ledger("problems"),
        "export-ledger --kind problems --year 2025":
            lambda s, out: export_problems_year(s, 2025, out),
        "export-ledger --kind visits": ledger("visits"),
        "export-ledger --kind register": ledger("register"),
        "export-attendance": lambda s, out: export_attendance(s, 2026, 3, None, out),
        "card-coverage": export_coverage,
        "bulletin --xlsx": lambda s, out: bulletin_xlsx(s, 2026, 3, out),
        "export-form --form 1": lambda s, out: form1_xlsx(s, 2026, 3, None, out),
        "export-form --form 2": lambda s, out: form2_xlsx(s, 2026, 3, None, out),
        "personal-file --xlsx": lambda s, out: personal_file_xlsx(s, person_id, 2026, out),
        "操作记录导出": export_audit,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path,
                        default=Path(tempfile.gettempdir()) / "zhilian-exports.db")
    parser.add_argument("--size", default="small")
    args = parser.parse_args()
    if not args.db.exists():
        subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(args.db),
                        "--size", args.size], check=True, cwd=ROOT)
    from openpyxl import Workbook, load_workbook
    from sqlalchemy import func, select

    from app.auth import Actor
    from app.db import open_database
    from app.documents.xlsx import A4_LANDSCAPE, Book, Column
    from app.models import Finding

    db = open_database(args.db).act_as(Actor.program())
    with db.session() as s:
        person = s.execute(select(Finding.person_id).where(Finding.person_id.is_not(None))
                           .group_by(Finding.person_id).order_by(func.count().desc())).scalar()
    table = []
    with tempfile.TemporaryDirectory() as folder:
        for name, export in exports(person).items():
            out = Path(folder) / "export.xlsx"

            def run(export=export, out=out) -> None:
                with db.session() as s:
                    export(s, out)

            took = timed(run)
            book = load_workbook(out, read_only=True)
            sheets = [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)])
                      for ws in book.worksheets]
            book.close()

            def raw(sheets=sheets, folder=folder) -> None:
                plain = Workbook(write_only=True)
                for title, rows in sheets:
                    ws = plain.create_sheet(title)
                    for row in rows:
                        ws.append(row)
                plain.save(Path(folder) / "raw.xlsx")

            def kit(sheets=sheets, folder=folder) -> None:
                book = Book()
                for title, rows in sheets:
                    width = max((len(row) for row in rows), default=1)
                    sheet = book.sheet(title, [Column(f"{i}") for i in range(width)],
                                       A4_LANDSCAPE, rows=rows)
                    sheet.body(rows)
                book.save(Path(folder) / "kit.xlsx")

            base = timed(raw)
            written = timed(kit)
            rows = sum(len(r) for _, r in sheets)
            cells = sum(len(row) for _, r in sheets for row in r)
            table.append((name, rows, cells, took, written, base))
    db.close()

    print(f"{args.db}（{args.size}）：导出（含查询）、套件只写同样的行、原始 openpyxl 只写同样的行"
          "（无样式、页面设置、行高），同场计时，取 3 次中位数（ms）")
    head = ("导出", "行", "单元格", "导出", "套件", "原始", "导出/原始", "套件/原始")
    print(f"{head[0]:<42}{head[1]:>7}{head[2]:>9}" + "".join(f"{h:>8}" for h in head[3:6])
          + "".join(f"{h:>10}" for h in head[6:]))
    totals = [0.0, 0.0, 0.0]
    for name, rows, cells, took, written, base in table:
        totals = [totals[0] + took, totals[1] + written, totals[2] + base]
        print(f"{name:<42}{rows:>7,}{cells:>9,}{took * 1000:>8.0f}{written * 1000:>8.0f}"
              f"{base * 1000:>8.0f}{took / base:>10.2f}{written / base:>10.2f}")
    took, written, base = totals
    print(f"{'合计':<42}{sum(t[1] for t in table):>7,}{sum(t[2] for t in table):>9,}"
          f"{took * 1000:>8.0f}{written * 1000:>8.0f}{base * 1000:>8.0f}"
          f"{took / base:>10.2f}{written / base:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
