"""问题台账 tab: the problems the user may read, filtered and sorted by the database and read
a page at a time (ui/ledgers/paged.py: 20,000 problems open as fast as 200); raising a problem and
moving it along 登记 → 办理中 → 已办结 → 已反馈 → 已销案 (or back with 重新办理); correcting
what was registered (修改 or a double-click) while it is still 登记 or 办理中.

The buttons that write are shown only with ``Permission.KEEP_RECORDS``; the services check
the team scope anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QListWidget,
                               QPushButton, QVBoxLayout, QWidget)

from app.auth import Permission
from app.errors import DomainError
from app.models import FeedbackMethod, HandlingLevel, ProblemSource, ProblemStatus, Satisfaction
from app.services import problems as service
from ui.context import AppContext
from ui.ledgers import data
from ui.ledgers.common import communities_of, filter_combo, refill, text_box
from ui.ledgers.data import ProblemDetail, ProblemRow, TeamChoice
from ui.ledgers.model import Col, select_by_id, selected_in
from ui.ledgers.paged import Listing, PagedModel
from ui.ledgers.paged_tab import PagedQueries
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, date_edit, date_of, line_edit
from ui.widgets.messages import error
from ui.widgets.table import list_beside_pane, make_table_view
from ui.widgets.stale import ReloadsWhenShown

S = ProblemStatus
NEXT_ACTION = {S.REGISTERED: (S.IN_PROGRESS, "开始办理"), S.IN_PROGRESS: (S.DONE, "办结"),
               S.DONE: (S.FED_BACK, "登记反馈"), S.FED_BACK: (S.CLOSED, "销案")}
DEBOUNCE_MS = 150

COLUMNS = (
    Col("编号", lambda r: r.number, 150), Col("村（社区）", lambda r: r.community, 90),
    Col("登记日期", lambda r: r.reported_on, 90), Col("类别", lambda r: r.category, 80),
    Col("问题描述", lambda r: r.description, 240), Col("反映人", lambda r: r.reporter, 70),
    Col("办理层级", lambda r: r.level, 100), Col("办结时限", lambda r: r.deadline, 90),
    Col("状态", lambda r: r.status_label + ("（超期）" if r.overdue else ""), 100))


def problem_model(db: Any, parent: Any = None) -> PagedModel:
    return PagedModel(COLUMNS, lambda ids: data.problem_page(db, ids), (2, True), parent)


class ProblemsTab(PagedQueries, ReloadsWhenShown, QWidget):
    changed = Signal()   # after a save here
    WHAT = "问题台账"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.teams: list[TeamChoice] = []
        self._communities: list[tuple[int, str]] = []
        self._late: frozenset[int] = frozenset()
        self._asked = data.ProblemQuery()
        self.detail_value: ProblemDetail | None = None
        self.model = problem_model(ctx.db, self)
        self.team = filter_combo("problemTeam", [], "全部团队")
        self.community = filter_combo("problemCommunity", [], "全部村（社区）")
        self.status = filter_combo("problemStatus", [(s.label, s.value) for s in S], "全部状态")
        self.month = filter_combo("problemMonth", [], "全部月份")
        # Numbers run per year, as the paper ledger does: it opens on this year's problems
        # with every earlier one still open.
        self.year = QComboBox()
        self.year.setObjectName("problemYear")
        this_year = date.today().year
        for year in range(this_year, this_year - 6, -1):
            self.year.addItem(f"{year}年（含往年未办结）", year)
        self.year.addItem("全部年份", None)
        self.year.currentIndexChanged.connect(self.period_changed)
        self.search = line_edit(placeholder="搜索编号、类别、描述或反映人…", name="problemSearch")
        self.overdue = QCheckBox("只看超期")
        self.overdue.setObjectName("problemOverdueOnly")
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        for combo in (self.team, self.community, self.status, self.month):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.overdue.toggled.connect(self.apply_filter)

        self.raise_button = self._button("raiseProblem", "登记问题", self.raise_problem)
        self.next_button = self._button("advanceProblem", "下一步", self.advance_selected)
        self.reopen_button = self._button("reopenProblem", "重新办理", self.reopen_selected)
        self.edit_button = self._button("editProblem", "修改", self.edit_selected)
        # The party committee's decision on a problem raised to it (附件1), recorded by the
        # office that keeps the committee's minutes.
        self.committee_button = self._button("committeeDecision", "党委会意见…",
                                             self.record_decision)
        self.committee_button.setVisible(ctx.can(Permission.KEEP_TOWN_MEETINGS))
        self.edit_button.setToolTip("修改选中问题的登记内容（也可双击一行）；已办结的问题须先重新办理")
        self.may_keep = ctx.can(Permission.KEEP_RECORDS)
        for button in (self.raise_button, self.edit_button, self.next_button, self.reopen_button):
            button.setVisible(self.may_keep)

        self.table = make_table_view(self.model)
        self.table.setObjectName("problemTable")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # newest first
        for i, column in enumerate(COLUMNS):
            self.table.setColumnWidth(i, column.width)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.count = QLabel("尚未加载")
        self.count.setObjectName("countLabel")

        self.detail_title = QLabel("选中一个问题，这里显示它的详情和办理经过。")
        self.detail_title.setObjectName("problemDetailTitle")
        self.detail_title.setWordWrap(True)
        self.detail_text = QLabel()
        self.detail_text.setObjectName("problemDetailText")
        self.detail_text.setWordWrap(True)
        self.detail_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.steps = QListWidget()
        self.steps.setObjectName("problemSteps")
        pane = QWidget()
        pane_layout = QVBoxLayout(pane)
        pane_layout.setContentsMargins(8, 0, 0, 0)
        pane_layout.addWidget(self.detail_title)
        pane_layout.addWidget(self.detail_text)
        pane_layout.addWidget(QLabel("办理经过："))
        pane_layout.addWidget(self.steps, 1)

        filters = QHBoxLayout()
        for widget in (self.year, self.team, self.community, self.status, self.month):
            filters.addWidget(widget)
        filters.addWidget(self.overdue)
        filters.addWidget(self.search, 1)
        buttons = QHBoxLayout()
        for button in (self.raise_button, self.edit_button, self.next_button, self.reopen_button,
                       self.committee_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        split = list_beside_pane(self.table, self.count, pane, 300)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        self.init_queries()
        self._update_buttons()

    def _button(self, name: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # -- loading -----------------------------------------------------------------------------
    def set_teams(self, teams: Sequence[TeamChoice]) -> None:
        self.teams = list(teams)
        refill(self.team, [(t.name, t.id) for t in self.teams])
        self._refill_communities()

    def _refill_communities(self) -> None:
        known = dict((cid, name) for name, cid in communities_of(self.teams))
        for cid, name in self._communities:
            known.setdefault(cid, name)
        refill(self.community, sorted(((n, c) for c, n in known.items()), key=lambda x: x[0]))

    # -- the paged list's hooks (ui/ledgers/paged_tab.py) -----------------------------------
    def listing_work(self, text: str, fresh: bool) -> Any:
        query = data.ProblemQuery(
            year=self.year.currentData(), team_id=self.team.currentData(),
            community_id=self.community.currentData(), status=self.status.currentData(),
            month=self.month.currentData(), overdue=self.overdue.isChecked(), text=text,
            column=self.model.sort_column, descending=self.model.descending)
        self._asked = query
        db = self.ctx.db
        return lambda: data.problem_listing(db, query, fresh)

    def keys_work(self) -> Any:
        db, year = self.ctx.db, self.year.currentData()
        return lambda: data.problem_search_keys(db, year)

    def took_listing(self, listing: Listing, fresh: bool) -> bool:
        asked = (self._asked.month, self._asked.community_id)
        if listing.months is not None:
            refill(self.month, [(m, m) for m in listing.months])
        if listing.communities is not None:
            self._communities = listing.communities
            self._refill_communities()
        self._late = listing.late
        # a chosen month or community no longer offered: ask again without it
        return asked != (self.month.currentData(), self.community.currentData())

    def update_count(self) -> None:
        late = sum(1 for i in self.model.ids if i in self._late) if self._late else 0
        self.count.setText(f"显示 {self.model.rowCount()} / 共 {self.model.total} 个问题"
                           + (f"，其中超期 {late} 个" if late else ""))

    def listed(self) -> None:
        self._update_buttons()

    def current_id(self) -> int | None:
        return self._current_id()

    def select_id(self, record_id: int) -> bool:
        return self.select_problem(record_id)

    # -- selection and detail ----------------------------------------------------------------
    def selected(self) -> ProblemRow | None:
        return selected_in(self.table, self.model)  # type: ignore[no-any-return]

    def _current_id(self) -> int | None:
        row = self.selected()
        return row.id if row else None

    def select_problem(self, problem_id: int) -> bool:
        return select_by_id(self.table, self.model, problem_id)

    def _selection_changed(self, *_args: Any) -> None:
        self._update_buttons()
        row = self.selected()
        if row is None:
            self._show_detail(None)
            return
        try:
            detail = data.problem_detail(self.ctx.db, row.id)  # one problem: a few rows, fast
        except DomainError as exc:
            self.detail_title.setText(exc.message)
            return
        self._show_detail(detail)

    def _show_detail(self, detail: ProblemDetail | None) -> None:
        self.detail_value = detail
        self.steps.clear()
        if detail is None:
            self.detail_title.setText("选中一个问题，这里显示它的详情和办理经过。")
            self.detail_text.clear()
            return
        row = detail.row
        late = "（已超期）" if row.overdue else ""
        self.detail_title.setText(f"<b>{row.number}</b>　{row.status_label}{late}")
        lines = [f"村（社区）：{row.community}", f"来源：{detail.source}　类别：{row.category}",
                 f"反映人：{row.reporter or '—'}", f"问题：{row.description}",
                 f"办理层级：{row.level}" + (f"　责任部门：{detail.department}"
                                          if detail.department else ""),
                 f"办结时限：{row.deadline:%Y-%m-%d}"]
        if detail.result:
            lines.append(f"办理结果：{detail.result}")
        if detail.feedback:
            lines.append(f"反馈：{detail.feedback}")
        if detail.committee:
            lines.append(f"党委会意见：{detail.committee}")
        self.detail_text.setText("\n".join(lines))
        for step in detail.steps:
            note = f"　{step.note}" if step.note else ""
            self.steps.addItem(f"{step.on:%Y-%m-%d}　{step.change}　{step.by}{note}")

    def _update_buttons(self) -> None:
        row = self.selected()
        status = S(row.status) if row else None
        step = NEXT_ACTION.get(status) if status else None
        self.next_button.setEnabled(step is not None)
        self.next_button.setText(step[1] if step else "下一步")
        self.reopen_button.setEnabled(status is not None and status.finished)
        # A handled problem (已办结 and on) is not rewritten: reopen it first.
        self.edit_button.setEnabled(status is not None and not status.finished)
        self.committee_button.setEnabled(
            row is not None and row.level == HandlingLevel.PARTY_COMMITTEE.label)

    # -- actions -----------------------------------------------------------------------------
    def raise_problem(self) -> None:
        dialog = RaiseProblemDialog(self.ctx, self.teams, self)
        if dialog.exec() and dialog.result_value is not None:
            self.after_save(dialog.result_value)

    def edit_selected(self) -> None:
        row = self.selected()
        if not self.may_keep or row is None or S(row.status).finished:
            return
        try:
            form = data.problem_form(self.ctx.db, row.id)  # one problem: a few rows, fast
        except DomainError as exc:
            error(self, "问题台账", exc.message)
            return
        dialog = RaiseProblemDialog(self.ctx, self.teams, self, form)
        if dialog.exec() and dialog.result_value is not None:
            self.after_save(dialog.result_value)

    def advance_selected(self) -> None:
        row = self.selected()
        if row is None or S(row.status) not in NEXT_ACTION:
            return
        dialog = StepDialog(self.ctx, row, self)
        if dialog.exec():
            self.after_save(row.id)

    def reopen_selected(self) -> None:
        row = self.selected()
        if row is None or not S(row.status).finished:
            return
        dialog = ReopenDialog(self.ctx, row, self)
        if dialog.exec():
            self.after_save(row.id)

    def record_decision(self) -> None:
        row = self.selected()
        if row is None or row.level != HandlingLevel.PARTY_COMMITTEE.label:
            return
        dialog = CommitteeDialog(self.ctx, row, self)
        if dialog.exec():
            self.after_save(row.id)

    def after_save(self, problem_id: int) -> None:
        self.changed.emit()
        self.ctx.data_changed.emit()
        self.reload(select_id=problem_id)


class RaiseProblemDialog(FormDialog):
    """登记问题: the ledger's fields; 提请党委会 shows the 附件1 fields it requires.

    With ``form`` it is 修改问题: the registered values filled in, the community fixed (numbers
    run per community); what the form does not show (reporter household or person, leader,
    result, station session) is kept as it is.
    """

    def __init__(self, ctx: AppContext, teams: Sequence[TeamChoice],
                 parent: QWidget | None = None, form: data.ProblemForm | None = None) -> None:
        super().__init__("登记问题" if form is None else f"修改问题：{form.number}", parent)
        self.ctx = ctx
        self.edit = form
        self.teams = list(teams)
        self.community = self.add_field("community_id", "村（社区）", choice_combo(
            communities_of(self.teams) if form is None
            else [(form.community, form.data.community_id)], name="problemCommunityField"))
        self.community.setEnabled(form is None)
        self.team = self.add_field("team_id", "驻点团队", QComboBox())
        self.team.setObjectName("problemTeamField")
        self.community.currentIndexChanged.connect(self._fill_teams)
        self._fill_teams()
        self.reported_on = self.add_field("reported_on", "登记日期", date_edit(name="problemDate"))
        self.source = self.add_field("source", "问题来源", choice_combo(
            [(s.label, s) for s in ProblemSource], ProblemSource.STATION_LOG, "problemSource"))
        self.category = self.add_field("category", "问题类别", choice_combo(
            [(c, c) for c in data.category_choices(ctx.db)], name="problemCategory"))
        # chosen from the town's list (设置 adds categories): a typo must not become a category
        self.category.setToolTip("从本镇的问题类别中选择；要新增类别，请到“设置”页添加")
        self.description = self.add_field("description", "问题描述", text_box("problemDescription"))
        reporter_row = QWidget()
        reporter_layout = QHBoxLayout(reporter_row)
        reporter_layout.setContentsMargins(0, 0, 0, 0)
        self.reporter = line_edit(placeholder="反映人姓名", name="problemReporter")
        self.anonymous = QCheckBox("匿名")
        self.anonymous.setObjectName("problemAnonymous")
        self.anonymous.toggled.connect(lambda on: self.reporter.setEnabled(not on))
        reporter_layout.addWidget(self.reporter, 1)
        reporter_layout.addWidget(self.anonymous)
        self.add_field("reporter_name", "反映人", reporter_row)
        self.level = self.add_field("level", "办理层级", choice_combo(
            [(h.label, h) for h in HandlingLevel], HandlingLevel.COMMUNITY, "problemLevel"))
        self.department = self.add_field("department", "责任部门", line_edit(name="problemDepartment"))
        self.use_deadline = QCheckBox("自定办结时限（不勾选则按类别默认）")
        self.use_deadline.setObjectName("problemOwnDeadline")
        self.add_field("own_deadline", "", self.use_deadline)
        self.deadline = self.add_field("deadline", "办结时限", date_edit(name="problemDeadline"))
        self.deadline.setEnabled(False)
        self.use_deadline.toggled.connect(self.deadline.setEnabled)
        # 附件1 (需提请党委会研究解决问题表)
        self.situation = self.add_field("situation", "现状", text_box("problemSituation", 50))
        self.solution = self.add_field("solution", "解决方案", text_box("problemSolution", 50))
        self.budget = self.add_field("budget", "预算金额（元）", line_edit(name="problemBudget"))
        self.subsidy = self.add_field("subsidy", "申请补贴金额（元）", line_edit(name="problemSubsidy"))
        self.expected = self.add_field("expected_completion", "预计完工时间",
                                       date_edit(name="problemExpected"))
        self.committee_fields = [self.situation, self.solution, self.budget, self.subsidy,
                                 self.expected]
        self.level.currentIndexChanged.connect(self._committee_shown)
        if form is not None:
            self._show(form)
        self._committee_shown()

    def _show(self, form: data.ProblemForm) -> None:
        entry = form.data
        if entry.team_id is not None and self.team.findData(entry.team_id) < 0:
            self.team.addItem(form.team or f"团队（编号 {entry.team_id}）", entry.team_id)
        self.team.setCurrentIndex(max(0, self.team.findData(entry.team_id)))
        self.reported_on.setDate(QDate(entry.reported_on))
        self.source.setCurrentIndex(max(0, self.source.findData(entry.source)))
        if self.category.findText(entry.category) < 0:
            self.category.addItem(entry.category, entry.category)
        self.category.setCurrentIndex(self.category.findText(entry.category))
        self.description.setPlainText(entry.description)
        self.reporter.setText(entry.reporter_name)
        self.anonymous.setChecked(entry.anonymous)
        self.level.setCurrentIndex(max(0, self.level.findData(entry.level)))
        self.department.setText(entry.department)
        self.use_deadline.setChecked(form.own_deadline)
        if entry.deadline is not None:
            self.deadline.setDate(QDate(entry.deadline))
        self.situation.setPlainText(entry.situation)
        self.solution.setPlainText(entry.solution)
        self.budget.setText("" if entry.budget is None else str(entry.budget))
        self.subsidy.setText("" if entry.subsidy is None else str(entry.subsidy))
        if entry.expected_completion is not None:
            self.expected.setDate(QDate(entry.expected_completion))

    def _fill_teams(self) -> None:
        community_id = self.community.currentData()
        self.team.clear()
        self.team.addItem("（不指定）", None)
        for team in self.teams:
            if any(cid == community_id for cid, _ in team.communities):
                self.team.addItem(team.name, team.id)
        if self.team.count() > 1:
            self.team.setCurrentIndex(1)

    def _committee_shown(self) -> None:
        shown = self.level.currentData() == HandlingLevel.PARTY_COMMITTEE
        for widget in self.committee_fields:
            self.form.setRowVisible(widget.parentWidget(), shown)

    def problem_input(self) -> service.ProblemInput:
        committee = self.level.currentData() == HandlingLevel.PARTY_COMMITTEE
        return service.ProblemInput(
            community_id=self.community.currentData(), reported_on=date_of(self.reported_on),
            category=self.category.currentText(), description=self.description.toPlainText(),
            source=self.source.currentData(), level=self.level.currentData(),
            team_id=self.team.currentData(), anonymous=self.anonymous.isChecked(),
            reporter_name=self.reporter.text(), department=self.department.text(),
            deadline=date_of(self.deadline) if self.use_deadline.isChecked() else None,
            situation=self.situation.toPlainText() if committee else "",
            solution=self.solution.toPlainText() if committee else "",
            budget=self.budget.text() if committee else None,
            subsidy=self.subsidy.text() if committee else None,
            expected_completion=date_of(self.expected) if committee else None)

    def save(self) -> int:
        if self.community.currentData() is None:
            from app.errors import ValidationError

            raise ValidationError("请选择村（社区）", "community_id")
        with self.ctx.db.session() as s:
            if self.edit is None:
                return service.raise_problem(s, self.problem_input()).id
            kept = self.edit.data   # the fields this form does not show stay as they are
            entry = replace(self.problem_input(), reporter_household_id=kept.reporter_household_id,
                            reporter_person_id=kept.reporter_person_id, leader_id=kept.leader_id,
                            result=kept.result, station_session_id=kept.station_session_id)
            return service.update_problem(s, self.edit.problem_id, entry, self.edit.version).id


class StepDialog(FormDialog):
    """The next step of one problem; 登记反馈 (→ 已反馈) asks for the feedback."""

    def __init__(self, ctx: AppContext, row: ProblemRow, parent: QWidget | None = None) -> None:
        self.to_status, action = NEXT_ACTION[S(row.status)]
        super().__init__(f"{action}：{row.number}", parent)
        self.ctx = ctx
        self.row = row
        self.save_button.setText(action)
        self.add_field("info", "当前状态", QLabel(f"{row.status_label} → {self.to_status.label}"))
        self.on = self.add_field("on", "日期", date_edit(name="stepDate"))
        self.feedback_fields = self.to_status == S.FED_BACK
        if self.feedback_fields:
            self.method = self.add_field("feedback_method", "反馈方式", choice_combo(
                [("（请选择）", None)] + [(m.label, m) for m in FeedbackMethod],
                name="feedbackMethod"))
            self.feedback_on = self.add_field("feedback_on", "反馈日期",
                                              date_edit(name="feedbackDate"))
            self.satisfaction = self.add_field("satisfaction", "群众满意度", choice_combo(
                [("（请选择）", None)] + [(m.label, m) for m in Satisfaction],
                name="feedbackSatisfaction"))
        # 办结 writes the 办理结果; a later step asks for it only if an old record has none
        self.result = None
        if self.to_status == S.DONE or (self.to_status.finished
                                        and not data.problem_detail(ctx.db, row.id).result):
            self.result = self.add_field("result", "办理结果", text_box(
                "stepResult", 70, "怎么解决的、结果如何，如：已更换路灯 3 盏，恢复照明"))
        self.note = self.add_field("note", "说明", text_box("stepNote", 60))

    def save(self) -> int:
        if self.result is not None and not self.result.toPlainText().strip():
            from app.errors import ValidationError

            raise ValidationError("请填写办理结果（怎么解决的、结果如何）", "result")
        feedback = None
        if self.feedback_fields:
            method, satisfaction = self.method.currentData(), self.satisfaction.currentData()
            problems = {}
            if method is None:
                problems["feedback_method"] = "请选择反馈方式"
            if satisfaction is None:
                problems["satisfaction"] = "请选择群众满意度"
            if problems:
                from app.errors import ValidationError

                raise ValidationError("要标为“已反馈”，请先填写" + "、".join(
                    ("反馈方式" if k == "feedback_method" else "群众满意度") for k in problems),
                    problems=problems)
            feedback = service.Feedback(method, date_of(self.feedback_on), satisfaction)
        with self.ctx.db.session() as s:
            service.advance(s, self.row.id, self.to_status, date_of(self.on),
                            self.note.toPlainText(), self.row.version, feedback,
                            self.result.toPlainText() if self.result is not None else None)
        return self.row.id


class CommitteeDialog(FormDialog):
    """党委会意见: written onto the problem and into its history (附件1 shows it)."""

    def __init__(self, ctx: AppContext, row: ProblemRow, parent: QWidget | None = None) -> None:
        super().__init__(f"党委会意见：{row.number}", parent)
        self.ctx = ctx
        self.row = row
        self.save_button.setText("登记")
        self.on = self.add_field("committee_decided_on", "会议日期",
                                 date_edit(name="committeeDate"))
        self.decision = self.add_field("committee_decision", "党委会意见",
                                       text_box("committeeDecisionText", 80,
                                                "如：同意补贴 5 万元，由城建办组织施工"))

    def save(self) -> int:
        with self.ctx.db.session() as s:
            service.record_committee_decision(s, self.row.id, date_of(self.on),
                                              self.decision.toPlainText())
        return self.row.id


class ReopenDialog(FormDialog):
    def __init__(self, ctx: AppContext, row: ProblemRow, parent: QWidget | None = None) -> None:
        super().__init__(f"重新办理：{row.number}", parent)
        self.ctx = ctx
        self.row = row
        self.save_button.setText("重新办理")
        self.add_field("info", "", QLabel(f"现为“{row.status_label}”，将退回“办理中”；"
                                          "原反馈记录写入办理经过，需重新反馈。"))
        self.on = self.add_field("on", "日期", date_edit(name="reopenDate"))
        self.reason = self.add_field("reason", "原因", text_box("reopenReason", 60))

    def save(self) -> int:
        with self.ctx.db.session() as s:
            service.reopen(s, self.row.id, date_of(self.on), self.reason.toPlainText(),
                           self.row.version)
        return self.row.id
