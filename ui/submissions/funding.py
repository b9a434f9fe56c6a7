"""经费项目 tab: the funding projects (附件2) in a list, the year's queue against the town's funds,
and the dialogs: new / edit an application (KEEP_RECORDS on the team), the party committee's
decision, 拨付 and the year's funds (KEEP_TOWN_MEETINGS), monthly progress (KEEP_RECORDS);
导出附件1 / 附件2 of a month as xlsx through app.forms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel,
                               QRadioButton, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from app.auth import Permission
from app.errors import DomainError
from app.models import Urgency
from app.services import funding
from app.services.funding import ProjectInput, ProjectRow, Queue, QueueRow
from ui import tasks
from ui.context import AppContext
from ui.ledgers import data as ledger_data
from ui.ledgers.common import text_box
from ui.ledgers.data import TeamChoice
from ui.submissions import common
from ui.submissions.common import MonthPicker, button, day_text, money_text
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, date_edit, date_of, line_edit
from ui.widgets.messages import error, saved_file
from ui.widgets.stale import ReloadsWhenShown
from ui.widgets.table import Column, RowTableModel, make_table_view, selected_row

COVERED = QColor("#d5f5e3")
NOT_COVERED = QColor("#fadbd8")

PROJECT_COLUMNS = (
    Column("申请日期", lambda p: day_text(p.applied_on), width=92),
    Column("驻点团队", lambda p: p.team, width=130),
    Column("村（社区）", lambda p: p.community, width=90),
    Column("项目名称", lambda p: p.name, fit="stretch"),
    Column("紧急程度", lambda p: p.urgency.label, width=70),
    Column("总预算", lambda p: money_text(p.budget), lambda p: p.budget, width=100),
    Column("申请补贴", lambda p: money_text(p.subsidy), lambda p: p.subsidy, width=100),
    Column("状态", lambda p: p.status.label, width=60),
    Column("批准金额", lambda p: money_text(p.approved_amount),
           lambda p: p.approved_amount or Decimal(0), width=100),
    Column("已拨付", lambda p: money_text(p.disbursed), lambda p: p.disbursed, width=100),
    Column("进度", lambda p: "—" if p.percent is None else f"{p.percent}%",
           lambda p: -1 if p.percent is None else p.percent, width=50),
    Column("预计完工", lambda p: day_text(p.expected_completion), width=92),
    Column("实际完工", lambda p: day_text(p.actual_completion), width=92),
)


class QueueModel(RowTableModel[QueueRow]):
    """The queue: rows the year's funds cover in green, the rest in red."""

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid() and index.row() < len(self.rows):
            return QBrush(COVERED if self.rows[index.row()].covered else NOT_COVERED)
        return super().data(index, role)


QUEUE_COLUMNS = (
    Column("顺序", lambda r: r.position, width=44),
    Column("紧急程度", lambda r: r.urgency.label, width=70),
    Column("申请日期", lambda r: day_text(r.applied_on), width=92),
    Column("驻点团队", lambda r: r.team, width=130),
    Column("村（社区）", lambda r: r.community, width=90),
    Column("项目名称", lambda r: r.name, fit="stretch"),
    Column("状态", lambda r: r.status.label, width=60),
    Column("金额", lambda r: money_text(r.amount), width=100),
    Column("累计", lambda r: money_text(r.cumulative), width=110),
    Column("经费", lambda r: "可安排" if r.covered else "超出本年经费", width=90),
)


class FundingTab(ReloadsWhenShown, QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False
        self.teams: list[TeamChoice] = []
        self.queue: Queue | None = None
        self._generation = 0
        self.keep = ctx.can(Permission.KEEP_RECORDS)
        self.town = ctx.can(Permission.KEEP_TOWN_MEETINGS)
        self.new_button = button("newProject", "新建项目…", self.new_project,
                                 "团队申请专项经费补贴：现状、解决方案、总预算、申请补贴")
        self.edit_button = button("editProject", "修改…", self.edit_project,
                                  "党委会决定之前可以修改申请内容")
        self.decide_button = button("decideProject", "党委会决定…", self.decide,
                                    "登记党委会的决定：批准金额，或不批准及原因")
        self.disburse_button = button("disburseProject", "拨付…", self.disburse)
        self.progress_button = button("projectProgress", "月度进度…", self.record_progress,
                                      "登记本月进度（百分比和说明）；100% 时填写实际完工日期")
        for b in (self.new_button, self.edit_button, self.progress_button):
            b.setVisible(self.keep)
        for b in (self.decide_button, self.disburse_button):
            b.setVisible(self.town)
        self.export_month = MonthPicker("formMonth")
        self.form1_button = button("exportForm1", "导出附件1…", lambda: self.export(1),
                                   "需提请党委会研究解决问题表（xlsx）")
        self.form2_button = button("exportForm2", "导出附件2…", lambda: self.export(2),
                                   "专项经费补贴项目进度登记表（xlsx）")
        self.model: RowTableModel[ProjectRow] = RowTableModel(PROJECT_COLUMNS, self)
        self.table = make_table_view(self.model)
        self.table.setObjectName("projectTable")
        self.table.doubleClicked.connect(lambda _i: self.edit_project())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.update_buttons())
        self.count = QLabel("尚未加载")
        self.count.setObjectName("countLabel")
        self.year = QSpinBox()
        self.year.setObjectName("queueYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.year.setSuffix(" 年")
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.funds_button = button("setFunds", "设定本年经费…", self.set_funds)
        self.funds_button.setVisible(self.town)
        self.funds_label = QLabel()
        self.funds_label.setObjectName("fundsLabel")
        self.queue_model = QueueModel(QUEUE_COLUMNS, self)
        self.queue_table = make_table_view(self.queue_model)
        self.queue_table.setObjectName("queueTable")

        buttons = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.decide_button, self.disburse_button,
                  self.progress_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.export_month)
        buttons.addWidget(self.form1_button)
        buttons.addWidget(self.form2_button)
        upper = QWidget()
        column = QVBoxLayout(upper)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(buttons)
        column.addWidget(self.table, 1)
        column.addWidget(self.count)
        queue_top = QHBoxLayout()
        title = QLabel("经费安排顺序（紧急程度 → 申请先后 → 金额）")
        title.setObjectName("sectionTitle")
        queue_top.addWidget(title)
        queue_top.addWidget(self.year)
        queue_top.addWidget(self.funds_button)
        queue_top.addWidget(self.funds_label, 1)
        lower = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(queue_top)
        column.addWidget(self.queue_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.update_buttons()

    # -- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        self._stale = False
        self._generation += 1
        generation = self._generation
        db, year = self.ctx.db, self.year.value()

        def work(_p: Any, _c: Any) -> tuple[Any, ...]:
            teams = ledger_data.team_choices(db)
            with db.session() as s:
                return teams, funding.project_rows(s), funding.queue(s, year)

        tasks.start(work, lambda found: self._loaded(generation, found),
                    lambda exc: self._failed(generation, exc), owner=self)

    def _loaded(self, generation: int, found: tuple[Any, ...]) -> None:
        if generation != self._generation:
            return
        current = selected_row(self.table)
        self.teams, rows, self.queue = found
        self.model.set_rows(rows)
        self.queue_model.set_rows(self.queue.rows)
        approved = sum((r.approved_amount or Decimal(0) for r in rows), Decimal("0.00"))
        disbursed = sum((r.disbursed for r in rows), Decimal("0.00"))
        self.count.setText(f"共 {len(rows)} 个项目；批准合计 {money_text(approved)} 元，"
                           f"已拨付 {money_text(disbursed)} 元")
        q = self.queue
        if q.funds is None:
            self.funds_label.setText(f"{q.year} 年专项经费尚未设定")
        else:
            covered = sum(1 for r in q.rows if r.covered)
            self.funds_label.setText(
                f"{q.year} 年专项经费 {money_text(q.funds)} 元，可安排 {covered} 个项目共 "
                f"{money_text(q.committed)} 元，结余 {money_text(q.funds - q.committed)} 元；"
                f"{len(q.rows) - covered} 个超出本年经费")
        if current is not None:
            self.select_project(current.id)
        self.loaded = True
        self.update_buttons()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.count.setText("读取经费项目失败")
        error(self, "经费项目", f"读取经费项目失败：{exc}")

    def select_project(self, project_id: int) -> bool:
        for r, row in enumerate(self.model.rows):
            if row.id == project_id:
                self.table.selectRow(r)
                return True
        return False

    def selected(self) -> ProjectRow | None:
        return selected_row(self.table)  # type: ignore[no-any-return]

    def update_buttons(self) -> None:
        p = self.selected()
        actor = self.ctx.db.actor
        keeps = p is not None and actor is not None and actor.can_team(
            Permission.KEEP_RECORDS, p.team_id)
        from app.models import ProjectStatus

        self.edit_button.setEnabled(keeps and p.status == ProjectStatus.APPLIED)
        self.decide_button.setEnabled(p is not None and p.status == ProjectStatus.APPLIED)
        self.disburse_button.setEnabled(p is not None and p.status in (
            ProjectStatus.APPROVED, ProjectStatus.COMPLETED))
        self.progress_button.setEnabled(keeps and p.status == ProjectStatus.APPROVED)
        self.new_button.setEnabled(bool(self.keep_teams()))

    def keep_teams(self) -> list[TeamChoice]:
        actor = self.ctx.db.actor
        return [t for t in self.teams
                if actor is not None and actor.can_team(Permission.KEEP_RECORDS, t.id)]

    def after_change(self) -> None:
        self.changed.emit()
        self.ctx.data_changed.emit()
        self.reload()

    # -- actions ---------------------------------------------------------------------------
    def _open(self, dialog: FormDialog) -> None:
        if dialog.exec():
            self.after_change()

    def new_project(self) -> None:
        teams = self.keep_teams()
        if teams:
            self._open(ProjectDialog(self.ctx, teams, None, self))

    def edit_project(self) -> None:
        p = self.selected()
        if p is not None and self.edit_button.isEnabled() and self.edit_button.isVisible():
            self._open(ProjectDialog(self.ctx, self.keep_teams(), p, self))

    def decide(self) -> None:
        p = self.selected()
        if p is not None:
            self._open(DecisionDialog(self.ctx, p, self))

    def disburse(self) -> None:
        p = self.selected()
        if p is not None:
            self._open(DisburseDialog(self.ctx, p, self))

    def record_progress(self) -> None:
        p = self.selected()
        if p is not None:
            self._open(ProgressDialog(self.ctx, p, self))

    def set_funds(self) -> None:
        self._open(FundsDialog(self.ctx, self.year.value(),
                               self.queue.funds if self.queue else None, self))

    def export(self, form: int) -> None:
        from app import forms

        year, month = self.export_month.value()
        title = {1: "附件1_需提请党委会研究解决问题表", 2: "附件2_专项经费补贴项目进度登记表"}[form]
        out = common.ask_save_path(self, f"导出附件{form}", "xlsx", f"{year}年{month:02d}月_{title}.xlsx")
        if out is None:
            return
        writer = forms.form1_xlsx if form == 1 else forms.form2_xlsx
        db = self.ctx.db

        def work(_p: Any, _c: Any) -> Any:
            with db.session() as s:
                return writer(s, year, month, None, out)

        tasks.start(work, lambda path: saved_file(self, f"导出附件{form}", f"已导出：{path}", path),
                    lambda exc: error(self, f"导出附件{form}", exc.message if isinstance(
                        exc, DomainError) else f"导出失败：{exc}"), owner=self)


# --- dialogs --------------------------------------------------------------------------------

def money_edit(value: Decimal | None, name: str) -> Any:
    edit = line_edit(money_text(value) if value is not None else "", "如 12,345.60", name)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit


class ProjectDialog(FormDialog):
    """新建 / 修改 a funding application."""

    def __init__(self, ctx: AppContext, teams: Sequence[TeamChoice], row: ProjectRow | None,
                 parent: QWidget | None = None) -> None:
        super().__init__("修改经费项目" if row else "新建经费项目", parent)
        self.setMinimumWidth(600)
        self.ctx, self.row = ctx, row
        self.project: Any = None
        if row is not None:
            with ctx.db.session() as s:
                p = funding.get_project(s, row.id)
                self.project = (p.community_id, p.situation, p.plan)
        self.teams = list(teams)
        self.team = self.add_field("team_id", "驻点团队", choice_combo(
            [(t.name, t.id) for t in self.teams], row.team_id if row else None, "projectTeam"))
        self.team.setEnabled(row is None and len(self.teams) > 1)
        self.community: QComboBox = self.add_field("community_id", "村（社区）",
                                                   choice_combo([], name="projectCommunity"))
        self.team.currentIndexChanged.connect(lambda _i: self._communities())
        self._communities(self.project[0] if self.project else None)
        self.name = self.add_field("name", "项目名称", line_edit(row.name if row else "",
                                                              "如：石岗村村道硬化", "projectName"))
        self.situation = self.add_field("situation", "现状", text_box("projectSituation", 60))
        self.plan = self.add_field("plan", "解决方案", text_box("projectPlan", 60))
        if self.project:
            self.situation.setPlainText(self.project[1])
            self.plan.setPlainText(self.project[2])
        self.budget = self.add_field("budget", "总预算（元）",
                                     money_edit(row.budget if row else None, "projectBudget"))
        self.subsidy = self.add_field("subsidy", "申请补贴（元）",
                                      money_edit(row.subsidy if row else None, "projectSubsidy"))
        self.applied_on = self.add_field("applied_on", "申请日期", date_edit(
            row.applied_on if row else date.today(), "projectAppliedOn"))
        self.urgency = self.add_field("urgency", "紧急程度", choice_combo(
            [(u.label, u) for u in Urgency], row.urgency if row else Urgency.NORMAL,
            "projectUrgency"))
        self.has_expected = QCheckBox("填写")
        self.has_expected.setObjectName("projectHasExpected")
        self.expected: QDateEdit = date_edit(
            row.expected_completion if row and row.expected_completion else date.today(),
            "projectExpected")
        self.has_expected.setChecked(bool(row and row.expected_completion))
        self.expected.setEnabled(self.has_expected.isChecked())
        self.has_expected.toggled.connect(self.expected.setEnabled)
        box = QWidget()
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.has_expected)
        line.addWidget(self.expected, 1)
        self.add_field("expected_completion", "预计完工日期", box)

    def _communities(self, current: int | None = None) -> None:
        team_id = self.team.currentData()
        team = next((t for t in self.teams if t.id == team_id), None)
        chosen = current if current is not None else self.community.currentData()
        self.community.clear()
        for cid, name in team.communities if team else ():
            self.community.addItem(name, cid)
        self.community.setCurrentIndex(max(0, self.community.findData(chosen)))

    def save(self) -> int:
        community = self.community.currentData()
        if community is None:
            raise DomainError("请选择村（社区）")
        data = ProjectInput(
            int(self.team.currentData()), int(community), self.name.text(),
            self.budget.text(), self.subsidy.text(), date_of(self.applied_on),
            Urgency(self.urgency.currentData()), self.situation.toPlainText(),
            self.plan.toPlainText(),
            date_of(self.expected) if self.has_expected.isChecked() else None)
        with self.ctx.db.session() as s:
            if self.row is None:
                return funding.create_project(s, data).id
            return funding.update_project(s, self.row.id, data, self.row.version).id


def _project_head(row: ProjectRow) -> QLabel:
    label = QLabel(f"{row.team} · {row.community} · {row.name}\n申请补贴 {money_text(row.subsidy)} 元"
                   f"（{row.applied_on:%Y-%m-%d} 申请，{row.urgency.label}）")
    label.setObjectName("projectHead")
    label.setWordWrap(True)
    return label


class DecisionDialog(FormDialog):
    """党委会决定: approve an amount (≤ the subsidy asked) or refuse with a reason."""

    def __init__(self, ctx: AppContext, row: ProjectRow, parent: QWidget | None = None) -> None:
        super().__init__("党委会决定", parent)
        self.ctx, self.row = ctx, row
        self.add_field("project", "项目", _project_head(row))
        self.decided_on = self.add_field("decided_on", "决定日期",
                                         date_edit(date.today(), "decidedOn"))
        self.approve = QRadioButton("批准")
        self.approve.setObjectName("decisionApprove")
        self.refuse = QRadioButton("不批准")
        self.refuse.setObjectName("decisionRefuse")
        self.approve.setChecked(True)
        choice = QWidget()
        line = QHBoxLayout(choice)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.approve)
        line.addWidget(self.refuse)
        line.addStretch(1)
        self.add_field("decision", "决定", choice)
        self.amount = self.add_field("approved_amount", "批准金额（元）",
                                     money_edit(row.subsidy, "approvedAmount"))
        self.reason = self.add_field("refusal_reason", "不批准原因",
                                     text_box("refusalReason", 60))
        self.approve.toggled.connect(self._switch)
        self._switch()
        self.save_button.setText("登记决定")

    def _switch(self) -> None:
        self.amount.setEnabled(self.approve.isChecked())
        self.reason.setEnabled(not self.approve.isChecked())

    def save(self) -> int:
        with self.ctx.db.session() as s:
            if self.approve.isChecked():
                return funding.decide(s, self.row.id, date_of(self.decided_on),
                                      self.amount.text(), expected_version=self.row.version).id
            return funding.decide(s, self.row.id, date_of(self.decided_on), None,
                                  self.reason.toPlainText(), expected_version=self.row.version).id


class DisburseDialog(FormDialog):
    def __init__(self, ctx: AppContext, row: ProjectRow, parent: QWidget | None = None) -> None:
        super().__init__("拨付经费", parent)
        self.ctx, self.row = ctx, row
        self.add_field("project", "项目", _project_head(row))
        left = (row.approved_amount or Decimal(0)) - row.disbursed
        self.add_field("info", "批准 / 已拨付", QLabel(
            f"批准 {money_text(row.approved_amount)} 元，已拨付 {money_text(row.disbursed)} 元，"
            f"尚可拨付 {money_text(left)} 元"))
        self.paid_on = self.add_field("paid_on", "拨付日期", date_edit(date.today(), "paidOn"))
        self.amount = self.add_field("amount", "拨付金额（元）", money_edit(None, "paidAmount"))
        self.note = self.add_field("note", "说明", line_edit(name="paidNote"))
        self.save_button.setText("拨付")

    def save(self) -> int:
        with self.ctx.db.session() as s:
            return funding.disburse(s, self.row.id, date_of(self.paid_on), self.amount.text(),
                                    self.note.text()).id


class ProgressDialog(FormDialog):
    """月度进度: percent and a note for a month; 100 % asks the completion date."""

    def __init__(self, ctx: AppContext, row: ProjectRow, parent: QWidget | None = None) -> None:
        super().__init__("登记月度进度", parent)
        self.ctx, self.row = ctx, row
        self.add_field("project", "项目", _project_head(row))
        self.month = self.add_field("month", "月份", MonthPicker("progressMonth"))
        self.percent = QSpinBox()
        self.percent.setObjectName("progressPercent")
        self.percent.setRange(0, 100)
        self.percent.setSuffix(" %")
        self.percent.setValue(row.percent or 0)
        self.add_field("percent", "进度", self.percent)
        self.note = self.add_field("note", "进度说明", text_box("progressNote", 60))
        self.completed = self.add_field("actual_completion", "实际完工日期",
                                        date_edit(date.today(), "completedOn"))
        self.percent.valueChanged.connect(lambda _v: self._switch())
        self._switch()

    def _switch(self) -> None:
        self.completed.setEnabled(self.percent.value() == 100)

    def save(self) -> int:
        year, month = self.month.value()
        done = date_of(self.completed) if self.percent.value() == 100 else None
        with self.ctx.db.session() as s:
            return funding.record_progress(s, self.row.id, year, month, self.percent.value(),
                                           self.note.toPlainText(), done).id


class FundsDialog(FormDialog):
    def __init__(self, ctx: AppContext, year: int, current: Decimal | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"设定 {year} 年专项经费", parent)
        self.ctx, self.year = ctx, year
        self.amount = self.add_field("amount", f"{year} 年专项经费（元）",
                                     money_edit(current, "fundsAmount"))

    def save(self) -> int:
        with self.ctx.db.session() as s:
            return funding.set_year_funds(s, self.year, self.amount.text()).year
