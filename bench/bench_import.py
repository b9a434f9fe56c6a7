"""Roster import speed: 10,000 households plus a team roster, against raw openpyxl reading.

Run: .venv/bin/python bench/bench_import.py [ROWS]
Target: the full import (checks, normalisation, one transaction) within 3 s on a 2-core machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from openpyxl import load_workbook  # noqa: E402

from roster_files import HOUSEHOLD_HEADER, good_rows, write_book  # noqa: E402

KEY_GROUPS = ("", "", "", "孤寡老人", "", "残疾人", "", "", "流动人员", "")
KINDS = ("居民户",) * 8 + ("个体商户", "驻社区单位")


def household_rows(count: int) -> list[list[object]]:
    rows: list[list[object]] = [["云溪镇住户名册"], HOUSEHOLD_HEADER]
    for i in range(count):
        community = ("石岗村", "新围社区", "龙溪联社")[i % 3]
        phone = f"139{i:08d}" if i % 4 else f"0750-66{i % 100000:05d}"
        rows.append([community, f"第{i % 12 + 1}网格", f"{community}{i // 3 + 1}号", f"户主{i}",
                     phone, i % 6 + 1, KINDS[i % 10], KEY_GROUPS[i % 10], "", ""])
    return rows


def raw_read(path: Path) -> int:
    book = load_workbook(path, read_only=True, data_only=True)
    cells = sum(len(row) for ws in book.worksheets for row in ws.iter_rows(values_only=True))
    book.close()
    return cells


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["ZHILIAN_DATA_DIR"] = str(folder / "data")
        from app.db import open_database
        from app.roster import apply_import

        sheets = good_rows()
        sheets["住户"] = household_rows(count)
        book = write_book(folder / "名册.xlsx", sheets)
        started = time.perf_counter()
        raw_read(book)
        baseline = time.perf_counter() - started
        with open_database(folder / "bench.db") as db:
            started = time.perf_counter()
            result = apply_import(db, book)
            full = time.perf_counter() - started
        assert result.households_new == count and not result.problems, result.summary()
        print(f"{count:,} 户住户 + {result.memberships_new} 条团队成员")
        print(f"openpyxl 只读遍历（基线）：{baseline:.2f} s")
        print(f"完整导入（含备份、校验、写库）：{full:.2f} s  {'达标' if full <= 3 else '未达标'}（目标 ≤ 3 s）")


if __name__ == "__main__":
    main()
