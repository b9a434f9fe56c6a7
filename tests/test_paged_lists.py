"""The big lists (problem ledger, visits) filter and sort in the database and read their rows a
block at a time: the queries behind them, the text search on both databases, and the paged
model on its own and in the window (rows past the first block, a header click sorting in
Chinese order, a visitor's name found)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from app.db import Database
from app.models import ProblemStatus
from app.services import problems, visits
from app.services.problems import ProblemFilter, ProblemInput
from app.services.visits import VisitFilter, VisitInput
from tests.test_services_visits import TODAY as VISIT_TODAY
from tests.test_services_visits import make_visit_town, visit
from tests.test_ui_ledgers import open_page, settle
from tests.test_ui_visits import open_tab
from tests.ui_support import seed_town, type_text
from ui import tasks
from ui.ledgers import paged_tab
from ui.ledgers.model import Col
from ui.ledgers.paged import BLOCK, PagedModel, collated, months_between

TODAY = date.today()


@pytest.fixture
def finish_tasks():  # type: ignore[no-untyped-def]
    yield
    tasks.wait_all()


def raise_(db: Database, ids: dict[str, int], on: date, description: str, reporter: str = "村民",
           anonymous: bool = False, category: str = "其他", deadline: date | None = None) -> int:
    with db.session() as s:
        return problems.raise_problem(s, ProblemInput(
            ids["shigang"], on, category, description, reporter_name=reporter,
            anonymous=anonymous, team_id=ids["team"], deadline=deadline)).id


# -- the queries ---------------------------------------------------------------------------

def test_problem_ids_come_in_the_asked_order_with_the_overdue_counted(db: Database) -> None:
    ids = seed_town(db)
    old = raise_(db, ids, TODAY - timedelta(days=30), "旧的", deadline=TODAY - timedelta(days=1))
    same_day_a = raise_(db, ids, TODAY - timedelta(days=5), "同一天甲", deadline=TODAY)
    same_day_b = raise_(db, ids, TODAY - timedelta(days=5), "同一天乙",
                        deadline=TODAY + timedelta(days=9))
    with db.session() as s:
        problems.advance(s, same_day_b, ProblemStatus.IN_PROGRESS, TODAY - timedelta(days=4))
    with db.session() as s:
        flt = ProblemFilter(on=TODAY)
        # newest first, ties by id (newest registered first)
        assert problems.problem_ids(s, flt) == ([same_day_b, same_day_a, old], [old])
        assert problems.problem_ids(s, flt, "reported_on", False)[0] == [old, same_day_a,
                                                                         same_day_b]
        assert problems.problem_ids(s, flt, "deadline", False)[0] == [old, same_day_a,
                                                                      same_day_b]
        # the status column follows the flow: 登记 before 办理中
        assert problems.problem_ids(s, flt, "status", False)[0][-1] == same_day_b
        assert problems.problem_count(s, flt) == 3
        assert problems.problem_count(s, ProblemFilter(overdue_only=True, on=TODAY)) == 1
        first, last = problems.problem_span(s, flt)
        assert (first, last) == (TODAY - timedelta(days=30), TODAY - timedelta(days=5))
        assert problems.problem_communities(s, flt) == [(ids["shigang"], "石岗村")]


def test_problem_search_ignores_latin_case_and_takes_wildcards_literally(db: Database) -> None:
    ids = seed_town(db)
    percent = raise_(db, ids, TODAY, "整改完成 100%")
    underscore = raise_(db, ids, TODAY, "编号 a_b 的路灯")
    plain = raise_(db, ids, TODAY, "编号 axb 的路灯", reporter="Wang Fang")
    hidden = raise_(db, ids, TODAY, "邻里纠纷", anonymous=True)

    def found(text: str) -> set[int]:
        with db.session() as s:
            return set(problems.problem_ids(s, ProblemFilter(text=text))[0])
    assert found("%") == {percent}
    assert found("a_b") == {underscore}          # "_" is not "any character"
    assert found("WANG") == {plain}              # Latin letters in either case
    assert found("匿名") == {hidden}             # the list shows an anonymous reporter so
    assert found("路灯") == {underscore, plain}
    with db.session() as s:
        texts = dict(problems.problem_texts(s, ProblemFilter(), "reporter"))
    assert texts[hidden] == "匿名" and texts[plain] == "Wang Fang"


def test_visit_search_finds_notes_households_visitors_and_team_in_any_period(
        db: Database) -> None:
    town = make_visit_town(db)
    with db.session() as s:
        noted = visit(s, town, 2, "a", date(2026, 5, 6), notes="老人腿脚不便，代办医保").id

    def found(text: str, start: date | None, end: date | None) -> set[int]:
        with db.session() as s:
            return set(visits.visit_ids(s, VisitFilter(start=start, end=end, text=text)))

    def of_household(n: int, start: date | None, end: date | None) -> set[int]:
        with db.session() as s:
            return {r[0] for r in visits.visit_values(s, VisitFilter(start=start, end=end))
                    if r[7] == town.h[n]}

    # a month (tested row by row) and a year or all (found as a set first) agree
    for start, end in ((date(2026, 5, 1), date(2026, 5, 31)),
                       (date(2026, 1, 1), date(2026, 12, 31)), (None, None)):
        assert found("医保", start, end) == {noted}                          # the notes
        assert found("2 号", start, end) == of_household(2, start, end)      # the address
        assert found("户主5", start, end) == of_household(5, start, end)     # the head
        assert found("李文", start, end) == of_household(5, start, end)      # team B's visitor
        assert found("东湖社区驻点", start, end) == of_household(5, start, end)  # the team
    with db.session() as s:
        assert len(visits.visit_ids(s, VisitFilter(text="户主1"))) == 3
        assert visits.visit_count(s, VisitFilter(start=date(2026, 1, 1))) == 8
        assert visits.visit_span(s, VisitFilter()) == (date(2025, 6, 1), date(2026, 5, 20))
        assert dict(visits.visit_keys(s, VisitFilter(), "visitors"))[noted] == "陈志强"
        assert dict(visits.visit_keys(s, VisitFilter(), "address"))[noted] == "2 号"
        newest_first = visits.visit_ids(s, VisitFilter())
        assert visits.visit_ids(s, VisitFilter(), descending=False) == newest_first[::-1]


def test_visit_values_read_a_page_by_ids(db: Database) -> None:
    town = make_visit_town(db)
    with db.session() as s:
        wanted = visits.visit_ids(s, VisitFilter())[2:5]
        rows = visits.visit_values(s, VisitFilter(ids=wanted))
    assert {r[0] for r in rows} == set(wanted)
    assert all(r[4] in ("石岗村驻点团队", "东湖社区驻点团队") for r in rows)
    assert town.team_a in {r[3] for r in rows} or town.team_b in {r[3] for r in rows}


# -- the model on its own ------------------------------------------------------------------

class Row:
    def __init__(self, row_id: int) -> None:
        self.id = row_id
        self.name = f"第{row_id}行"
        self.overdue = row_id % 2 == 0


def test_the_paged_model_reads_only_the_blocks_it_shows(qtbot) -> None:  # type: ignore[no-untyped-def]
    asked: list[list[int]] = []

    def fetch(ids: list[int]) -> list[Row]:
        asked.append(list(ids))
        return [Row(i) for i in ids if i != 7]      # 7 is gone since the ids were read

    model = PagedModel([Col("名称", lambda r: r.name)], fetch, (0, True))
    ids = list(range(1000, 0, -1))
    model.set_ids(ids, 1000, [Row(i) for i in ids[:BLOCK]])
    assert model.rowCount() == 1000 and model.total == 1000
    assert model.index(0, 0).data() == "第1000行" and asked == []      # the first block came along
    assert model.index(999, 0).data() == "第1行"
    assert asked == [ids[800:1000]]
    assert model.index(993, 0).data() is None                        # id 7: blank, not re-read
    assert model.index(993, 0).data() is None and len(asked) == 1
    assert model.index(998, 0).data(Qt.ItemDataRole.ForegroundRole) is not None   # id 2: overdue
    assert model.row_of_id(500) == 500 and model.row_of_id(5000) is None
    # the same ids again keep the cache; a fresh set does not
    model.set_ids(ids, 1000)
    model.index(999, 0).data()
    assert len(asked) == 1
    model.set_ids(ids, 1000, fresh=True)
    model.index(999, 0).data()
    assert len(asked) == 2
    # a header click is a request to the owner, not a sort in memory
    requests: list[tuple[int, bool]] = []
    model.sort_requested.connect(lambda: requests.append((model.sort_column, model.descending)))
    model.sort(0, Qt.SortOrder.DescendingOrder)    # already so
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert requests == [(0, False)]


def test_collation_and_months() -> None:
    pairs = [(1, "周"), (2, "陈"), (3, "安"), (4, "陈")]
    assert collated(pairs, False) == [3, 2, 4, 1]      # pinyin; ties keep their order
    assert collated(pairs, True) == [1, 2, 4, 3]
    assert months_between(date(2025, 11, 30), date(2026, 2, 1)) == [
        "2026-02", "2026-01", "2025-12", "2025-11"]
    assert months_between(None, date(2026, 2, 1)) == []


# -- in the window ---------------------------------------------------------------------------

def test_the_problem_list_shows_rows_past_the_first_block_and_sorts_by_a_header(
        qtbot, db, finish_tasks) -> None:  # type: ignore[no-untyped-def]
    ids = seed_town(db)
    reporters = ["周", "陈", "安"]
    with db.session() as s:
        for n in range(BLOCK + 50):
            problems.raise_problem(s, ProblemInput(
                ids["shigang"], TODAY - timedelta(days=n % 300), "其他", f"问题{n:03d}",
                reporter_name=reporters[n % 3], team_id=ids["team"]))
    page = open_page(qtbot, db)
    tab = page.problems
    assert tab.model.rowCount() == BLOCK + 50
    last = tab.model.row_at(BLOCK + 49)
    assert last.reported_on == min(tab.model.row_at(i).reported_on for i in (0, BLOCK, BLOCK + 49))
    tab.table.scrollToBottom()
    qtbot.wait(50)
    assert tab.model.index(BLOCK + 49, 4).data().startswith("问题")
    header = tab.table.horizontalHeader()
    x = header.sectionViewportPosition(5) + 5     # 反映人
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, 5))
    settle(qtbot, tab)
    names = [tab.model.row_at(i).reporter for i in range(tab.model.rowCount())]
    assert names == sorted(names, key=["安", "陈", "周"].index) or \
        names == sorted(names, key=["安", "陈", "周"].index, reverse=True)
    first = names[0]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, 5))
    settle(qtbot, tab)
    assert tab.model.row_at(0).reporter != first          # the other way round
    assert {tab.model.row_at(0).reporter, first} == {"安", "周"}


def test_the_visit_list_finds_a_visitor_in_a_whole_year(
        qtbot, db, finish_tasks) -> None:  # type: ignore[no-untyped-def]
    town = make_visit_town(db)
    with db.session() as s:
        visits.record_visit(s, VisitInput(team_id=town.team_b, household_id=town.h[6],
                                          visited_on=date(2026, 4, 2),
                                          visitor_ids=[town.visitor_b], notes="送春联"),
                            today=VISIT_TODAY)
    page = open_tab(qtbot, db)
    tab = page.visits
    tab.year.setCurrentIndex(tab.year.findData(2026))
    qtbot.waitUntil(lambda: not tab.pending and tab.model.total == 8)
    type_text(qtbot, tab.search, "李文")
    qtbot.waitUntil(lambda: not tab.timer.isActive() and not tab.pending)
    shown = [tab.model.row_at(i) for i in range(tab.model.rowCount())]
    assert shown and all("李文" in row.visitors for row in shown)
    assert {row.head_name for row in shown} == {"户主5", "户主6"}
    assert tab.count.text() == f"显示 {len(shown)} / 共 8 次走访"


def test_another_year_starts_the_month_filter_again(
        qtbot, db, finish_tasks) -> None:  # type: ignore[no-untyped-def]
    ids = seed_town(db)
    this_month = raise_(db, ids, TODAY, "本月的问题")
    with db.session() as s:
        last_year = problems.raise_problem(s, ProblemInput(
            ids["shigang"], date(TODAY.year - 1, 3, 1), "其他", "去年的问题",
            reporter_name="村民", team_id=ids["team"])).id
        problems.advance(s, last_year, ProblemStatus.IN_PROGRESS, date(TODAY.year - 1, 3, 2))
        problems.advance(s, last_year, ProblemStatus.DONE, date(TODAY.year - 1, 3, 3), result="已处理完毕")
    page = open_page(qtbot, db)
    tab = page.problems
    assert [tab.model.row_at(i).id for i in range(tab.model.rowCount())] == [this_month]
    tab.month.setCurrentIndex(tab.month.findData(f"{TODAY:%Y-%m}"))
    settle(qtbot, tab)
    tab.year.setCurrentIndex(tab.year.findData(TODAY.year - 1))
    settle(qtbot, tab)
    assert tab.month.currentData() is None
    assert tab.month.findData(f"{TODAY.year - 1}-03") > 0
    # last year's problems and every problem still open (this month's too)
    assert {tab.model.row_at(i).id for i in range(tab.model.rowCount())} == {this_month,
                                                                            last_year}


def test_once_the_keys_are_read_typing_narrows_in_memory_as_the_database_would(
        qtbot, db, finish_tasks) -> None:  # type: ignore[no-untyped-def]
    ids = seed_town(db)
    raise_(db, ids, TODAY, "村口路灯不亮", reporter="Wang Fang")
    raise_(db, ids, TODAY - timedelta(days=3), "路灯 100% 修好了吗", category="基础设施")
    raise_(db, ids, TODAY - timedelta(days=9), "邻里纠纷", anonymous=True)
    page = open_page(qtbot, db)
    tab = page.problems
    qtbot.waitUntil(lambda: tab.searching_in_memory)
    asked = tab._generation
    for needle in ("路灯", "wang", "匿名", "100%", "石岗村-", "基础", "纠纷", "没有这个", " 路灯 "):
        tab.search.setText(needle)                      # narrowed at once, no query
        assert tab._generation == asked and not tab.timer.isActive()
        shown = {tab.model.row_at(i).id for i in range(tab.model.rowCount())}
        with db.session() as s:
            wanted = set(problems.problem_ids(s, ProblemFilter(
                year_or_open=TODAY.year, text=needle))[0])
        assert shown == wanted, needle
    tab.search.clear()
    assert tab.model.rowCount() == 3
    # a reload (records may have changed) reads the keys again; meanwhile a search is a query
    tab.reload()
    assert not tab.searching_in_memory
    qtbot.waitUntil(lambda: tab.searching_in_memory)


def test_the_visit_search_in_memory_matches_the_database(
        qtbot, db, finish_tasks, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    town = make_visit_town(db)
    with db.session() as s:
        visit(s, town, 2, "a", date(2026, 5, 6), notes="老人腿脚不便，代办医保")
    page = open_tab(qtbot, db)
    tab = page.visits
    tab.year.setCurrentIndex(tab.year.findData(None))       # every visit
    qtbot.waitUntil(lambda: not tab.pending and tab.searching_in_memory)
    sql_answers = {}
    for needle in ("医保", "李文", "2 号", "户主1", "东湖", "石岗村驻点", "没有"):
        with db.session() as s:
            sql_answers[needle] = set(visits.visit_ids(s, VisitFilter(text=needle)))
    for needle in ("医保", "李文", "2 号", "户主1", "东湖", "石岗村驻点", "没有"):
        tab.search.setText(needle)
        assert not tab.timer.isActive() and not tab.pending
        shown = {tab.model.row_at(i).id for i in range(tab.model.rowCount())}
        assert shown == sql_answers[needle], needle
    # a period longer than KEYS_LIMIT keeps asking the database, the same answers
    monkeypatch.setattr(paged_tab, "KEYS_LIMIT", 5)
    tab.search.clear()
    tab.reload()
    qtbot.waitUntil(lambda: not tab.pending)
    qtbot.wait(100)
    assert not tab.searching_in_memory
    type_text(qtbot, tab.search, "李文")
    qtbot.waitUntil(lambda: not tab.timer.isActive() and not tab.pending)
    assert {tab.model.row_at(i).id for i in range(tab.model.rowCount())} == sql_answers["李文"]


def test_the_selected_problem_stays_selected_through_sorting_and_filtering(
        qtbot, db, finish_tasks) -> None:  # type: ignore[no-untyped-def]
    ids = seed_town(db)
    made = [raise_(db, ids, TODAY - timedelta(days=n), f"问题{n}") for n in range(5)]
    page = open_page(qtbot, db)
    tab = page.problems
    tab.select_problem(made[3])
    tab.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)      # 问题描述
    settle(qtbot, tab)
    assert tab.selected().id == made[3]
    assert tab.model.row_of_id(made[3]) == 3
    tab.select_problem(made[1])
    tab.team.setCurrentIndex(tab.team.findData(ids["team"]))
    settle(qtbot, tab)
    assert tab.selected().id == made[1]
    tab.status.setCurrentIndex(tab.status.findData(ProblemStatus.CLOSED.value))
    settle(qtbot, tab)
    assert tab.model.rowCount() == 0 and tab.selected() is None
