"""Roster import speed: 10,000 households plus a team roster, against the readers alone.

Run: .venv/bin/python bench/bench_import.py [ROWS]
Target: the full import (read, checks, normalisation, backup, one transaction into a fresh
database) within 3 s on a 2-core machine, from .xlsx and from .xls. Every figure is the median
of 3 runs of the same file: the baselines are openpyxl's read-only iteration (xlsx; the import
no longer uses it) and xlrd opening the .xls and reading every cell (what the import builds on).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
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


def write_xls(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """The same roster as Excel 97-2003 saves it."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        ws = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value not in (None, ""):
                    ws.write(r, c, value)
    book.save(str(path))
    return path


def raw_xls(path: Path) -> int:
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True)
    cells = 0
    for index in range(book.nsheets):
        ws = book.sheet_by_index(index)
        cells += sum(len(ws.row_values(r)) for r in range(ws.nrows))
        book.unload_sheet(index)
    book.release_resources()
    return cells


def raw_read(path: Path) -> int:
    book = load_workbook(path, read_only=True, data_only=True)
    cells = sum(len(row) for ws in book.worksheets for row in ws.iter_rows(values_only=True))
    book.close()
    return cells


RUNS = 3
_INLINE = re.compile(r'<c r="([A-Z]+\d+)" t="inlineStr"(?: />|/>|><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>)')
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def excel_style(source: Path, target: Path) -> Path:
    """The same workbook as Excel and WPS save it: every text shared, empty cells left out."""
    strings: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        if match.group(2) is None:
            return ""
        index = strings.setdefault(match.group(2), len(strings))
        return f'<c r="{match.group(1)}" t="s"><v>{index}</v></c>'

    with zipfile.ZipFile(source) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    for name in [n for n in parts if n.startswith("xl/worksheets/")]:
        parts[name] = _INLINE.sub(shared, parts[name].decode()).encode()
    table = "".join(f"<si><t>{text}</t></si>" for text in strings)
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{table}</sst>'.encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdSst" Type="{RELS}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'.encode())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return target


def median_time(action: Callable[[int], object]) -> float:
    times = []
    for run in range(RUNS):
        started = time.perf_counter()
        action(run)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["ZHILIAN_DATA_DIR"] = str(folder / "data")
        from app.auth import Actor
        from app.db import open_database
        from app.roster import apply_import

        sheets = good_rows()
        sheets["住户"] = household_rows(count)
        book = write_book(folder / "名册.xlsx", sheets)
        shared = excel_style(book, folder / "名册-共享文本.xlsx")
        old = write_xls(folder / "名册.xls", sheets)
        results = []

        def full_import(path: Path, run: int) -> None:
            fresh = folder / f"{path.name}-{run}.db"  # a fresh database each run
            with open_database(fresh).act_as(Actor.program()) as db:
                results.append(apply_import(db, path))

        baseline = median_time(lambda _run: raw_read(book))
        full = median_time(lambda run: full_import(book, run))
        full_shared = median_time(lambda run: full_import(shared, run))
        xls_baseline = median_time(lambda _run: raw_xls(old))
        full_xls = median_time(lambda run: full_import(old, run))
        for result in results:
            assert result.households_new == count and not result.problems, result.summary()
        print(f"{count:,} 户住户 + {results[0].memberships_new} 条团队成员（各 {RUNS} 次取中位数）")
        print(f"openpyxl 只读遍历（基线）：{baseline:.2f} s")
        print(f"完整导入（含备份、校验、写库）：{full:.2f} s  {_verdict(full)}")
        print(f"同一名册按 Excel/WPS 方式存（共享文本）：{full_shared:.2f} s  {_verdict(full_shared)}")
        print(f"xlrd 读 .xls 全部单元格（基线）：{xls_baseline:.2f} s")
        print(f"同一名册存为 Excel 97-2003（.xls）完整导入：{full_xls:.2f} s  {_verdict(full_xls)}")


def _verdict(seconds: float) -> str:
    return f"{'达标' if seconds <= 3 else '未达标'}（目标 ≤ 3 s）"


if __name__ == "__main__":
    main()
