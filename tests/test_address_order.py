"""Delivery order (issue 14): household cards and every household list come out by community,
grid, then the address in natural order — 五巷2号 before 五巷11号, 二巷 before 十三巷.

First the key itself (app/addresses.py), then from the outside: the card PDF read back with
pdftotext in page order, the not-reached list and the coverage workbook, the not-visited list,
the visit form's household choices and the key-visit register workbook.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.addresses import (address_key, address_parts, chinese_numeral, delivery_key, grid_key,
                           text_key)
from app.db import Database
from app.models import CommunityKind, Household, PersonCategory
from app.services import cards, communities, households, people, teams, visits

TODAY = date.today()


def natural(items: list[str]) -> list[str]:
    return sorted(items, key=address_key)


# --- the key ---------------------------------------------------------------------------------

def test_door_numbers_compare_as_numbers() -> None:
    walked = ["五巷2号", "五巷3号", "五巷11号", "五巷15号", "五巷26号"]
    assert sorted(walked) != walked                       # text order: 11, 15, 2, 26, 3
    assert natural(["五巷11号", "五巷15号", "五巷26号", "五巷2号", "五巷3号"]) == walked
    assert natural(["石岗村五巷11号", "石岗村五巷2号"]) == ["石岗村五巷2号", "石岗村五巷11号"]


def test_chinese_lane_numbers_compare_as_numbers() -> None:
    assert natural(["十三巷", "二巷"]) == ["二巷", "十三巷"]
    # code-point order and pinyin both put 十三巷 before 四巷
    assert natural(["十三巷", "四巷", "十巷", "二十巷", "九十九巷", "一百零一巷"]) == [
        "四巷", "十巷", "十三巷", "二十巷", "九十九巷", "一百零一巷"]
    assert natural(["十巷1号", "三巷10号", "三巷2号"]) == ["三巷2号", "三巷10号", "十巷1号"]
    assert natural(["石岗村十三巷1号", "石岗村二巷9号", "石岗村四巷6号"]) == [
        "石岗村二巷9号", "石岗村四巷6号", "石岗村十三巷1号"]
    # Arabic and Chinese numbers of the same lane sort together
    assert natural(["12巷", "十一巷", "十三巷", "11巷"]) == ["11巷", "十一巷", "12巷", "十三巷"]


def test_grids_compare_naturally() -> None:
    assert sorted(["第10网格", "第2网格"], key=grid_key) == ["第2网格", "第10网格"]
    assert sorted(["第十网格", "第四网格", "第二网格", "第十一网格"], key=grid_key) == [
        "第二网格", "第四网格", "第十网格", "第十一网格"]
    assert sorted(["第十网格", None, "第二网格", ""], key=grid_key) == [
        "第二网格", "第十网格", None, ""]                  # no grid: last (stable among blanks)
    assert address_parts("第五村民小组") == ("第", 5, "村民小组")


def test_community_then_grid_then_address() -> None:
    rows = [("石岗村", "第十网格", "石岗村一巷1号"), ("石岗村", None, "石岗村一巷1号"),
            ("石岗村", "第四网格", "石岗村九巷1号"), ("石岗村", "第四网格", "石岗村二巷3号"),
            ("陈屋村", "第二网格", "陈屋村十巷1号"), ("陈屋村", "第二网格", "陈屋村九巷20号")]
    assert sorted(rows, key=lambda r: delivery_key(*r)) == [
        ("陈屋村", "第二网格", "陈屋村九巷20号"), ("陈屋村", "第二网格", "陈屋村十巷1号"),
        ("石岗村", "第四网格", "石岗村二巷3号"), ("石岗村", "第四网格", "石岗村九巷1号"),
        ("石岗村", "第十网格", "石岗村一巷1号"), ("石岗村", None, "石岗村一巷1号")]


def test_full_width_digits() -> None:
    assert address_parts("五巷１２号") == (5, "巷", 12, "号")
    assert natural(["五巷１３号", "五巷１２号", "五巷2号"]) == ["五巷2号", "五巷１２号", "五巷１３号"]
    # the same number in two spellings: next to each other, in a fixed order
    assert natural(["五巷１２号", "五巷12号", "五巷11号"]) == ["五巷11号", "五巷12号", "五巷１２号"]


def test_sub_numbers() -> None:
    assert natural(["13号", "12-2号", "12号之二", "12-1号", "12号", "12号之一"]) == [
        "12号", "12号之一", "12号之二", "12-1号", "12-2号", "13号"]
    assert address_parts("12号之一") == (12, "号之", 1)
    assert address_parts("12-1号") == (12, "-", 1, "号")
    assert natural(["5栋1201房", "5栋302房", "5栋1101房", "12栋101房"]) == [
        "5栋302房", "5栋1101房", "5栋1201房", "12栋101房"]


def test_numeral_characters_in_words_stay_text() -> None:
    assert address_parts("万福路3号") == ("万福路", 3, "号")
    assert address_parts("九龙村一巷5号") == ("九龙村", 1, "巷", 5, "号")
    assert address_parts("三元里8号") == ("三元里", 8, "号")
    assert address_parts("百花路2号") == ("百花路", 2, "号")
    assert address_parts("一心路") == ("一心路",)
    assert address_parts("十十巷") == ("十十巷",)          # not a numeral: text
    assert address_parts("石岗村十三巷2号") == ("石岗村", 13, "巷", 2, "号")
    assert address_parts("新围花园5栋302房") == ("新围花园", 5, "栋", 302, "房")
    assert address_parts("沙富东坊二巷7号") == ("沙富东坊", 2, "巷", 7, "号")


def test_chinese_numerals() -> None:
    cases = {"十": 10, "十三": 13, "二十": 20, "二十三": 23, "一百": 100, "一百零五": 105,
             "三百二": 320, "一千零一": 1001, "两千": 2000, "八一": 81, "二〇二四": 2024,
             "廿三": 23, "零": 0, "十十": None, "三四十": None, "百": None, "": None}
    assert {text: chinese_numeral(text) for text in cases} == cases


def test_numbers_before_text_and_text_in_pinyin_order() -> None:
    assert natural(["石岗村大街1号", "石岗村三巷5号"]) == ["石岗村三巷5号", "石岗村大街1号"]
    # code-point order would give 周, 李, 陈
    assert natural(["周屋村1号", "陈屋村1号", "李屋村1号"]) == ["陈屋村1号", "李屋村1号", "周屋村1号"]
    assert natural(["建设路10号", "人民路2号", "滨江路5号"]) == ["滨江路5号", "建设路10号", "人民路2号"]
    assert text_key("A") == text_key("a")
    assert natural(["b栋1号", "A栋2号", "a栋1号"]) == ["a栋1号", "A栋2号", "b栋1号"]


def test_empty_and_shorter_first() -> None:
    assert address_key("") == address_key(None)
    assert natural(["1号", "", "号", "0"]) == ["", "0", "1号", "号"]
    assert natural(["12号之一", "12号", "12"]) == ["12", "12号", "12号之一"]
    assert address_parts("") == () and address_parts(None) == ()


def test_the_order_is_total_and_repeatable() -> None:
    spellings = ["2号", "02号", "二号", "两号", "２号"]
    assert len({address_key(s) for s in spellings}) == len(spellings)
    assert natural(spellings) == natural(list(reversed(spellings)))


# --- from the outside -------------------------------------------------------------------------

# 石岗村: the households in the order they were registered (grid, address).
SHIGANG = [("第四网格", "石岗村五巷11号"), ("第四网格", "石岗村五巷15号"),
           ("第四网格", "石岗村五巷26号"), ("第四网格", "石岗村五巷2号"),
           ("第四网格", "石岗村五巷3号"), ("第四网格", "石岗村十三巷1号"),
           ("第四网格", "石岗村二巷9号"), ("第四网格", "石岗村四巷6号"),
           ("第十网格", "石岗村大街12号"), ("第十网格", "石岗村大街3号"),
           ("第十网格", "石岗村十巷1号"), (None, "石岗村新村路1号")]
# …and the order to walk them: grid 第四 before 第十, no grid last; lanes and doors by number.
SHIGANG_WALKED = ["石岗村二巷9号", "石岗村四巷6号", "石岗村五巷2号", "石岗村五巷3号",
                  "石岗村五巷11号", "石岗村五巷15号", "石岗村五巷26号", "石岗村十三巷1号",
                  "石岗村十巷1号", "石岗村大街3号", "石岗村大街12号", "石岗村新村路1号"]
CHENWU = [("第二网格", "陈屋村十巷2号"), ("第二网格", "陈屋村九巷1号")]
CHENWU_WALKED = ["陈屋村九巷1号", "陈屋村十巷2号"]
MOVED_OUT = "石岗村五巷1号"


@dataclass(frozen=True)
class Town:
    team: int
    shigang: int
    chenwu: int
    ids: dict[str, int]           # address → household id


def make_town(db: Database) -> Town:
    with db.session() as s:
        shigang = communities.create_community(s, communities.CommunityInput(
            "石岗村", CommunityKind.VILLAGE))
        chenwu = communities.create_community(s, communities.CommunityInput(
            "陈屋村", CommunityKind.VILLAGE))
        leader = people.create_person(s, people.PersonInput(
            name="陈志强", phones="13800000001", category=PersonCategory.TOWN_LEADER))
        team = teams.create_team(s, teams.default_input(s, "石岗陈屋驻点团队",
                                                        [shigang.id, chenwu.id]),
                                 leader.id, date(2024, 1, 1)).team
        ids: dict[str, int] = {}
        for community, homes in ((shigang, [*SHIGANG, ("第四网格", MOVED_OUT)]),
                                 (chenwu, CHENWU)):
            for n, (grid, address) in enumerate(homes):
                grid_id = communities.ensure_grid(s, community, grid).id if grid else None
                ids[address] = households.create_household(s, households.HouseholdInput(
                    community_id=community.id, address=address, head_name=f"户主{n}",
                    phones=f"139{community.id:04d}{n:04d}", grid_id=grid_id)).id
        s.get(Household, ids[MOVED_OUT]).moved_out_on = date(2024, 6, 30)
        return Town(team.id, shigang.id, chenwu.id, ids)


@pytest.fixture
def town(db: Database) -> Town:
    return make_town(db)


def _serials_in_reading_order(pdf: Path) -> list[int]:
    """The household ids printed on the cards (No. 石岗村-000012), page by page, each page
    top to bottom and left to right, as pdftotext -bbox places them."""
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>[^<]*?-(\d{6})</word>')
    found = []
    for page, text in enumerate(xhtml.split("<page ")[1:]):
        found += [(page, round(float(y)), float(x), int(serial))
                  for x, y, serial in word.findall(text)]
    return [serial for *_, serial in sorted(found)]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils（pdftotext）")
def test_household_cards_print_in_walking_order(db: Database, town: Town, tmp_path: Path
                                                ) -> None:
    from app.cards.render import render_cards

    out = tmp_path / "发放到户.pdf"
    with db.session() as s:
        lines = list(cards.household_lines(s, town.shigang))
        content = cards.card_content(s, town.team, town.shigang)
        report = render_cards([content], out, front_only=True, households={town.shigang: lines})
    assert (report.pages, report.cards) == (2, 12)
    by_id = {hid: address for address, hid in town.ids.items()}
    assert [line.address for line in lines] == SHIGANG_WALKED
    assert [by_id[hid] for hid in _serials_in_reading_order(out)] == SHIGANG_WALKED
    plain = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert [a for a in re.findall(r"石岗村\S+?号", plain) if a in SHIGANG_WALKED] == SHIGANG_WALKED


def test_not_reached_list_and_coverage_workbook_in_walking_order(db: Database, town: Town,
                                                                 tmp_path: Path) -> None:
    with db.session() as s:
        cards.record_distribution(s, town.shigang, [town.ids["石岗村五巷15号"]], TODAY)
        missing = cards.not_reached(s, town.shigang)
        summary = cards.coverage(s)
        out = cards.export_coverage(s, tmp_path / "发放情况.xlsx")
    still = [a for a in SHIGANG_WALKED if a != "石岗村五巷15号"]
    assert [r.address for r in missing] == still
    assert [r.grid for r in missing][-1] == ""
    assert [r.community_name for r in summary] == ["陈屋村", "石岗村"]
    book = load_workbook(out, read_only=True)
    try:
        rows = list(book["未发放住户"].iter_rows(values_only=True))
    finally:
        book.close()
    column = next(r for r in rows if "门牌地址" in r).index("门牌地址")
    listed = [r[column] for r in rows if len(r) > column and str(r[column]).endswith("号")]
    assert listed == CHENWU_WALKED + still


def test_visit_lists_in_walking_order(db: Database, town: Town, tmp_path: Path) -> None:
    from app.ledgers.export import export_ledger

    with db.session() as s:
        for address in ("石岗村十三巷1号", "石岗村五巷11号", "石岗村五巷2号", "陈屋村十巷2号",
                        "石岗村二巷9号"):
            households.tag_household(s, town.ids[address], "孤寡老人", TODAY, "独居")
    with db.session() as s:
        not_visited = visits.not_visited(s, TODAY.year)
        key_only = visits.not_visited(s, TODAY.year, key_only=True)
        choices = visits.household_choices(s, town.team, "")
        lane_five = visits.household_choices(s, town.team, "五巷")
        first_three = visits.household_choices(s, town.team, "", limit=3)
        result = export_ledger(s, "register", date(TODAY.year, TODAY.month, 1),
                               tmp_path / "登记册.xlsx")
    everyone = CHENWU_WALKED + SHIGANG_WALKED
    assert [r.address for r in not_visited] == everyone
    assert [r.address for r in key_only] == ["陈屋村十巷2号", "石岗村二巷9号", "石岗村五巷2号",
                                             "石岗村五巷11号", "石岗村十三巷1号"]
    assert [c.address for c in choices] == everyone
    assert [c.address for c in lane_five] == ["石岗村五巷2号", "石岗村五巷3号", "石岗村五巷11号",
                                              "石岗村五巷15号", "石岗村五巷26号"]
    assert [c.address for c in first_three] == everyone[:3]
    book = load_workbook(result.path, read_only=True)
    try:
        rows = list(book["重点走访登记册"].iter_rows(values_only=True))
    finally:
        book.close()
    column = next(r for r in rows if "住址" in r).index("住址")
    assert [r[column] for r in rows if len(r) > column and str(r[column]).endswith("号")] == [
        "陈屋村十巷2号", "石岗村二巷9号", "石岗村五巷2号", "石岗村五巷11号", "石岗村十三巷1号"]


def test_window_lists_sort_addresses_naturally(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Clicking 网格 or 门牌地址 in the household list and the not-reached list sorts the same way."""
    from PySide6.QtCore import Qt

    from app.services.households import HouseholdRow
    from ui.cards.distribution import NotReachedModel
    from ui.households.model import COLUMNS, HouseholdModel

    shuffled = [SHIGANG[i] for i in (5, 0, 11, 3, 8, 1, 6, 10, 2, 4, 9, 7)]
    model = HouseholdModel()
    model.set_rows([HouseholdRow(n, "石岗村", grid or "", address, f"户主{n}", "", 1, "居民", "")
                    for n, (grid, address) in enumerate(shuffled)])
    model.sort([field for _, field in COLUMNS].index("address"), Qt.SortOrder.AscendingOrder)
    assert [model.row_at(i).address for i in range(model.rowCount())] == natural(
        [a for _, a in SHIGANG])
    model.sort([field for _, field in COLUMNS].index("grid"), Qt.SortOrder.AscendingOrder)
    grids = [model.row_at(i).grid for i in range(model.rowCount())]
    assert grids == ["第四网格"] * 8 + ["第十网格"] * 3 + [""]   # no grid last, as printed

    missing = NotReachedModel()
    missing.set_rows([cards.NotReachedRow(n, "石岗村", grid or "", address, f"户主{n}", "",
                                          cards.STATUS_NEVER, None)
                      for n, (grid, address) in enumerate(shuffled)])
    missing.sort(1, Qt.SortOrder.AscendingOrder)                      # 门牌地址
    assert [missing.row_at(i).address for i in range(missing.rowCount())] == natural(
        [a for _, a in SHIGANG])
    missing.sort(0, Qt.SortOrder.AscendingOrder)                      # 网格, then address
    assert [missing.row_at(i).address for i in range(missing.rowCount())] == SHIGANG_WALKED
