"""走访记录 tab: the home visits (入户走访), filtered by team, community, month and text;
recording a visit (the household found by typing its address or head's name, visitors ticked
from the team's members, problems raised inline go to the problem ledger) and correcting one
(date, visitors, notes)."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from app.auth import Permission
from app.db import Database
from app.errors import DomainError, ValidationError
from app.services import problems as problem_service
from app.services import visits as service
from ui import tasks
from ui.context import AppContext
from ui.ledgers.common import LedgerTab, refill, text_box
from ui.ledgers.data import TeamChoice
from ui.ledgers.model import Col, select_by_id, selected_in
from ui.ledgers.paged import BLOCK, Listing, PagedModel, collated, months_between
from ui.ledgers.paged_tab import PagedQueries, search_key
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, date_edit, date_of, line_edit
from ui.widgets.messages import error

SEARCH_DELAY_MS = 200
HOUSEHOLD_LIMIT = 50


@dataclass(slots=True)
class VisitLine:
    id: int
    version: int
    visited_on: date
    month: str           # "2026-03"
    team_id: int
    team: str
    community_id: int
    community: str
    household_id: int
    address: str
    head_name: str
    visitors: str
    notes: str
    problems: int


LATEST = "latest"   # 最近一个月: the calendar month of today (not the newest month with visits)


def period_range(period: Any, today: date | None = None) -> tuple[date | None, date | None]:
    """(first, last day) of a period of the visit list: LATEST (this calendar month, visits or
    not), (year, month), a year, or None for every visit."""
    if period == LATEST:
        today = today or date.today()
        period = (today.year, today.month)
    if isinstance(period, tuple):
        year, month = period
        return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    if isinstance(period, int):
        return date(period, 1, 1), date(period, 12, 31)
    return None, None


@dataclass(frozen=True)
class VisitQuery:
    """What the visit list shows: a period (see period_range), the filters, and the order (a
    column of the list, descending)."""

    period: Any = LATEST
    team_id: int | None = None
    community_id: int | None = None
    month: str | None = None      # "2026-03", within the period
    text: str = ""
    column: int = 0               # 日期
    descending: bool = True


# The list's columns (COLUMNS below) by what orders them; None: the day, ordered by SQL.
VISIT_ORDERS = (None, "team", "community", "address", "head_name", "visitors", "notes",
                "problems")


def visit_listing(db: Database, query: VisitQuery, fresh: bool = True) -> Listing:
    """Runs in a worker: the ids of the visits ``query`` selects, in its order, the first block
    of rows and the count of the period; with ``fresh`` also its months."""
    with db.session() as s:
        start, end = period_range(query.period)
        base = service.VisitFilter(start=start, end=end)
        flt = base
        if query.month:
            year, month = (int(part) for part in query.month.split("-"))
            flt = replace(base, start=max(start or date.min, date(year, month, 1)),
                          end=min(end or date.max,
                                  date(year, month, monthrange(year, month)[1])))
        flt = replace(flt, team_id=query.team_id, community_id=query.community_id,
                      text=query.text)
        order = VISIT_ORDERS[query.column]
        if order is None:
            ids = service.visit_ids(s, flt, query.descending)
        else:
            ids = collated(service.visit_keys(s, flt, order), query.descending)
        # The period's count is the list's own length when nothing else narrows it.
        total = len(ids) if flt == base else service.visit_count(s, base)
        months = months_between(*service.visit_span(s, base)) if fresh else None
        rows = _lines(s, ids[:BLOCK])
    return Listing(ids, total, rows, months=months)


def visit_page(db: Database, ids: list[int]) -> list[VisitLine]:
    """The rows of these visits (a block of the list, read when the view shows it)."""
    with db.session() as s:
        return _lines(s, ids)


def visit_search_keys(db: Database, period: Any) -> dict[int, str]:
    """Runs in a worker: the search text of every visit of the period, for a search done in
    memory (ui/ledgers/paged_tab.py)."""
    with db.session() as s:
        start, end = period_range(period)
        values = service.visit_search_values(s, service.VisitFilter(start=start, end=end))
    return {vid: search_key(*texts) for vid, *texts in values}


def _lines(s: Any, ids: list[int]) -> list[VisitLine]:
    if not ids:
        return []
    return [VisitLine(vid, version, on, on.isoformat()[:7], tid, team, cid, community, hid,
                      address, head, visitors, notes, raised)
            for (vid, version, on, tid, team, cid, community, hid, address, head, visitors,
                 notes, raised) in service.visit_values(s, service.VisitFilter(ids=ids))]


COLUMNS = (
    Col("日期", lambda r: r.visited_on, 90), Col("驻点团队", lambda r: r.team, 130),
    Col("村（社区）", lambda r: r.community, 90), Col("住户地址", lambda r: r.address, 170),
    Col("户主", lambda r: r.head_name, 70), Col("走访人", lambda r: r.visitors, 130),
    Col("走访情况", lambda r: r.notes, 240, "stretch"), Col("问题", lambda r: r.problems or "", 40))


class VisitsTab(PagedQueries, LedgerTab):
    """Filtered and sorted by the database, read a page at a time (ui/ledgers/paged.py,
    paged_tab.py): a year of the large town's visits (96,000) opens as fast as a month."""

    NAME, WHAT, UNIT = "visit", "走访记录", "次走访"
    SEARCH_HINT, RECORD_LABEL = "搜索地址、户主、走访人或走访情况…", "记录走访"
    COLUMNS = COLUMNS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.search.textChanged.disconnect(self.apply_filter)   # PagedQueries takes it
        self.timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        # A month at a time by default, as the paper register is kept: this calendar month
        # first (最近一个月, empty until its first visit), then the eleven before it; a year, or
        # every visit, on request.
        self.year = QComboBox()
        self.year.setObjectName("visitYear")
        today = date.today()
        self.year.addItem("最近一个月", LATEST)
        self.year.setItemData(0, f"本月：{today.year}年{today.month}月", Qt.ItemDataRole.ToolTipRole)
        year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
        for _ in range(11):
            self.year.addItem(f"{year}年{month}月", (year, month))
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        for year in range(today.year, today.year - 6, -1):
            self.year.addItem(f"{year}年全年", year)
        self.year.addItem("全部", None)
        self.year.currentIndexChanged.connect(self.period_changed)
        self.filters.insertWidget(0, self.year)
        self.may_keep = ctx.can(Permission.KEEP_RECORDS)
        self.edit_button = QPushButton("修改")
        self.edit_button.setObjectName("editVisit")
        self.edit_button.setToolTip("修改选中走访的日期、走访人和走访情况（也可双击一行）")
        self.edit_button.clicked.connect(self.edit_selected)
        self.edit_button.setVisible(self.may_keep)
        self.edit_button.setEnabled(False)
        self.top.insertWidget(1, self.edit_button)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addLayout(self.filters)
        layout.addWidget(self.listing, 1)
        self._asked = VisitQuery()
        self.init_queries()

    def make_model(self) -> PagedModel:
        db = self.ctx.db
        return PagedModel(COLUMNS, lambda ids: visit_page(db, ids), (0, True), self)

    # -- the paged list's hooks (ui/ledgers/paged_tab.py) -----------------------------------
    def listing_work(self, text: str, fresh: bool) -> Any:
        query = VisitQuery(period=self.year.currentData(), team_id=self.team.currentData(),
                           community_id=self.community.currentData(),
                           month=self.month.currentData(), text=text,
                           column=self.model.sort_column, descending=self.model.descending)
        self._asked = query
        db = self.ctx.db
        return lambda: visit_listing(db, query, fresh)

    def keys_work(self) -> Any:
        db, period = self.ctx.db, self.year.currentData()
        return lambda: visit_search_keys(db, period)

    def took_listing(self, listing: Listing, fresh: bool) -> bool:
        if listing.months is None:
            return False
        refill(self.month, [(m, m) for m in listing.months])
        return self._asked.month != self.month.currentData()   # the chosen month is gone

    def update_count(self) -> None:
        self._update_count()

    def listed(self) -> None:
        self._update_buttons()

    def current_id(self) -> int | None:
        row = self.selected()
        return row.id if row else None

    def after_record(self, select_id: int | None = None) -> None:  # type: ignore[override]
        self.changed.emit()
        self.ctx.data_changed.emit()
        self.reload(select_id=select_id)

    def select_id(self, record_id: int) -> bool:
        return self.select_visit(record_id)

    # -- selection ---------------------------------------------------------------------------
    def selected(self) -> VisitLine | None:
        return selected_in(self.table, self.model)  # type: ignore[no-any-return]

    def select_visit(self, visit_id: int) -> bool:
        return select_by_id(self.table, self.model, visit_id)

    def _update_buttons(self, *_args: Any) -> None:
        row = self.selected()
        self.edit_button.setEnabled(
            row is not None and self.ctx.actor is not None
            and self.ctx.actor.can_team(Permission.KEEP_RECORDS, row.team_id))

    # -- actions -----------------------------------------------------------------------------
    def record(self) -> None:
        dialog = VisitDialog(self.ctx, self.teams, self)
        if dialog.exec() and dialog.result_value is not None:
            self.after_record(dialog.result_value)

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None or not self.edit_button.isEnabled():
            return
        try:
            with self.ctx.db.session() as s:   # one visit: a few rows, fast
                form = service.visit_form(s, row.id)
        except DomainError as exc:
            error(self, "走访记录", exc.message)
            return
        dialog = VisitDialog(self.ctx, self.teams, self, form)
        if dialog.exec() and dialog.result_value is not None:
            self.after_record(dialog.result_value)


class VisitDialog(FormDialog):
    """记录走访, or with ``form`` 修改走访 (team and household fixed)."""

    def __init__(self, ctx: AppContext, teams: Sequence[TeamChoice], parent: QWidget | None = None,
                 form: service.VisitForm | None = None) -> None:
        super().__init__("修改走访" if form else "记录走访", parent)
        self.setMinimumWidth(580)
        self.ctx = ctx
        self.form_value = form
        actor = ctx.actor
        mine = [t for t in teams if actor is not None
                and actor.can_team(Permission.KEEP_RECORDS, t.id)]
        self.teams = {t.id: t for t in mine}
        self.household_id: int | None = form.household_id if form else None
        self._search_generation = 0
        self.searches_shown = 0     # answers shown so far (tests wait on it)
        if form is None:
            self.team = self.add_field("team_id", "驻点团队", choice_combo(
                [(t.name, t.id) for t in mine], name="visitTeamField"))
        else:
            self.team = self.add_field("team_id", "驻点团队", choice_combo(
                [(form.team, form.team_id)], name="visitTeamField"))
            self.team.setEnabled(False)
        self.household_box = QWidget()
        box = QVBoxLayout(self.household_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        self.household_search = line_edit(placeholder="输入门牌地址或户主姓名查找",
                                          name="visitHouseholdSearch")
        self.household_list = QListWidget()
        self.household_list.setObjectName("visitHouseholdList")
        self.household_list.setFixedHeight(110)
        self.household_chosen = QLabel("尚未选择住户")
        self.household_chosen.setObjectName("visitHouseholdChosen")
        self.household_chosen.setWordWrap(True)
        if form is None:
            box.addWidget(self.household_search)
            box.addWidget(self.household_list)
        else:
            self.household_search.hide()
            self.household_list.hide()
            self.household_chosen.setText(form.household)
        box.addWidget(self.household_chosen)
        self.add_field("household_id", "住户", self.household_box)
        self.visited_on = self.add_field("visited_on", "走访日期", date_edit(
            form.visited_on if form else None, name="visitDate"))
        self.visited_on.setMaximumDate(QDate.currentDate())
        self.members_box = QWidget()
        self.members_box.setObjectName("visitVisitors")
        self.members_grid = QGridLayout(self.members_box)
        self.members_grid.setContentsMargins(0, 0, 0, 0)
        self.member_checks: list[QCheckBox] = []
        self.add_field("visitor_ids", "走访人", self.members_box)
        self.notes = self.add_field("notes", "走访情况", text_box(
            "visitNotes", 70, "家庭近况、诉求、宣传的政策等"))
        if form and form.problems:
            raised = QLabel("、".join(form.problems))
            raised.setObjectName("visitRaised")
            raised.setWordWrap(True)
            self.add_field("raised", "已登记的问题", raised)
        self.problems_text = self.add_field(
            "problems", "新反映的问题" if form else "反映的问题", text_box(
                "visitProblems", 60, "每行一个问题：类别：描述，如 基础设施：巷口路灯不亮"))
        self.anonymous = QCheckBox("匿名反映（不记户主为反映人）")
        self.anonymous.setObjectName("visitAnonymous")
        self.add_field("anonymous", "", self.anonymous)
        self._me: int | None = None
        if form is None:
            try:
                with ctx.db.session() as s:   # one small read: the account's roster person
                    self._me = service.signed_in_person(s)
            except DomainError:
                self._me = None
        self.timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.find_households)
        self.household_search.textChanged.connect(lambda _t: self.timer.start())
        self.household_list.currentItemChanged.connect(self._household_picked)
        if form is None:
            self.team.currentIndexChanged.connect(self._team_chosen)
            self._team_chosen()
        else:
            self.notes.setPlainText(form.notes)
            self._fill_members(form.members, set(form.visitor_ids))

    # -- team, members and household ---------------------------------------------------------
    def _team_chosen(self) -> None:
        team = self.teams.get(self.team.currentData())
        members = team.members if team else ()
        self._fill_members(members, {self._me} if self._me is not None else set())
        self._choose(None)
        self.find_households()

    def _fill_members(self, members: Sequence[tuple[int, str]], ticked: set[int | None]) -> None:
        for check in self.member_checks:
            self.members_grid.removeWidget(check)
            check.deleteLater()
        self.member_checks = []
        for n, (person_id, name) in enumerate(members):
            check = QCheckBox(name)
            check.setProperty("person_id", person_id)
            check.setChecked(person_id in ticked)
            self.members_grid.addWidget(check, n // 4, n % 4)
            self.member_checks.append(check)

    def find_households(self) -> None:
        """Ask for the households matching what was typed, in a worker (never the whole roster)."""
        self.timer.stop()
        team_id = self.team.currentData()
        self._search_generation += 1
        generation = self._search_generation
        if team_id is None or self.form_value is not None:
            return
        db, text = self.ctx.db, self.household_search.text()

        def work(_p: Any, _c: Any) -> list[service.HouseholdChoice]:
            with db.session() as s:
                return service.household_choices(s, team_id, text, HOUSEHOLD_LIMIT + 1)
        tasks.start(work, lambda found: self._show_households(generation, found),
                    lambda exc: self._show_search_error(generation, exc), owner=self)

    def _show_households(self, generation: int, found: list[service.HouseholdChoice]) -> None:
        if generation != self._search_generation:
            return  # an older search arriving late
        self.household_list.blockSignals(True)
        self.household_list.clear()
        for choice in found[:HOUSEHOLD_LIMIT]:
            item = QListWidgetItem(choice.label)
            item.setData(256, choice.id)
            self.household_list.addItem(item)
            if choice.id == self.household_id:
                self.household_list.setCurrentItem(item)
        if not found:
            self.household_list.addItem("没有找到，请换个地址或姓名再试")
        elif len(found) > HOUSEHOLD_LIMIT:
            self.household_list.addItem(f"只列出前 {HOUSEHOLD_LIMIT} 户，请多输入几个字")
        self.household_list.blockSignals(False)
        self.searches_shown += 1

    def _show_search_error(self, generation: int, exc: BaseException) -> None:
        if generation == self._search_generation:
            self.household_list.clear()
            self.household_list.addItem(f"无法查找住户：{exc}")

    def _household_picked(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        household_id = item.data(256) if item is not None else None
        if household_id is not None:
            self._choose(household_id, item.text())  # type: ignore[union-attr]

    def _choose(self, household_id: int | None, label: str = "") -> None:
        self.household_id = household_id
        self.household_chosen.setText(f"已选：{label}" if household_id else "尚未选择住户")

    # -- saving ------------------------------------------------------------------------------
    def problem_inputs(self) -> list[problem_service.ProblemInput]:
        anonymous = self.anonymous.isChecked()
        items = []
        for line in self.problems_text.toPlainText().splitlines():
            line = line.strip()
            if not line:
                continue
            category, sep, description = line.replace(":", "：").partition("：")
            if not sep:
                category, description = "其他", line
            # community, team, date and reporter come from the visit (the service sets them)
            items.append(problem_service.ProblemInput(
                community_id=0, reported_on=date_of(self.visited_on),
                category=category.strip() or "其他", description=description.strip(),
                anonymous=anonymous))
        return items

    def save(self) -> int:
        team_id = self.team.currentData()
        if team_id is None:
            raise ValidationError("请选择驻点团队（只能为您负责的团队记录走访）", "team_id")
        if self.household_id is None:
            raise ValidationError("请在列表中选择被走访的住户", "household_id")
        entry = service.VisitInput(
            team_id=team_id, household_id=self.household_id, visited_on=date_of(self.visited_on),
            visitor_ids=[c.property("person_id") for c in self.member_checks if c.isChecked()],
            notes=self.notes.toPlainText(), problems=self.problem_inputs())
        with self.ctx.db.session() as s:
            try:
                if self.form_value is None:
                    return service.record_visit(s, entry).id
                return service.update_visit(s, self.form_value.id, entry,
                                            expected_version=self.form_value.version).id
            except ValidationError as exc:
                # A problem line the ledger refuses: say it belongs to 反映的问题.
                if set(exc.problems) & {"category", "description"}:
                    raise ValidationError(exc.message, "problems") from exc
                raise


__all__ = ["VisitDialog", "VisitLine", "VisitQuery", "VisitsTab", "visit_listing", "visit_page"]
