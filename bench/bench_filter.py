"""One filter keystroke on 50,000 households (target ≤ 50 ms), median of several.

    .venv/bin/python bench/bench_filter.py [--db large.db]

Measures ``HouseholdModel.set_filter`` (what the debounce timer calls) including the model
reset an attached QTableView processes, on the rows ``household_rows`` returns.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.large_db import ensure_large_db  # noqa: E402

# What a user types, one keystroke at a time: a surname, a phone prefix, an address.
KEYSTROKES = ["陈", "陈伟", "", "1", "13", "138", "1380", "", "第1", "第12村", "第12村3", ""]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "zhilian-large.db")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from app.auth import Actor
    from app.db import open_database
    from app.services.households import household_rows
    from ui.households.model import HouseholdModel
    from ui.widgets.table import make_table_view

    app = QApplication([])
    with open_database(ensure_large_db(args.db)).act_as(Actor.program()) as db, db.session() as s:
        rows = household_rows(s)
    model = HouseholdModel()
    view = make_table_view(model)
    view.resize(1000, 700)
    view.show()
    model.set_rows(rows)
    app.processEvents()
    timings = []
    for _round in range(3):
        for text in KEYSTROKES:
            start = time.perf_counter()
            model.set_filter(text)
            app.processEvents()
            timings.append((time.perf_counter() - start) * 1000)
    print(f"住户 {model.total:,} 行，按键 {len(timings)} 次")
    print(f"过滤一次按键：中位数 {statistics.median(timings):.1f} ms，"
          f"最慢 {max(timings):.1f} ms（目标 ≤ 50 ms）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
