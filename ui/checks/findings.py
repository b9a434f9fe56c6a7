"""整改跟踪 tab: every finding the user may read (the office all, liaisons and leaders their
teams'), filtered by team, status and 只看超期, overdue in red; 报送整改 (the team's response),
核查 (the office's re-check: passed closes, failed reopens with a new deadline), 更正 (a reported
finding, with the reason), and the selected finding's details and amendment history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from app.auth import Permission
from app.errors import DomainError
from app.models import FindingStatus
from app.services import findings as service
from ui.checks import data
from ui.checks.common import (AmendDialog, CheckListTab, button, filter_combo, headline,
                              only_overdue_box, refill, text_box)
from ui.checks.data import FindingDetail, FindingListRow
from ui.context import AppContext
from ui.ledgers.model import Col
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, date_edit, date_of
from ui.widgets.messages import error
from ui.widgets.table import list_beside_pane

S = FindingStatus


class FindingsTab(CheckListTab):
    NAME = "finding"
    WHAT = "督查问题"
    UNIT = "个问题"
    SEARCH_HINT = "搜索团队、干部、问题、整改要求或整改情况…"
    COLUMNS = (
        Col("发现日期", lambda r: r.found_on, 108), Col("来源", lambda r: r.source, 95),
        Col("团队", lambda r: r.team, 130), Col("干部", lambda r: r.person, 70),
        Col("严重程度", lambda r: r.severity, 65), Col("发现的问题", lambda r: r.description, 240),
        Col("整改要求", lambda r: r.requirement, 160), Col("整改期限", lambda r: r.deadline, 90),
        Col("状态", lambda r: r.status_label + ("（超期）" if r.overdue else ""), 125),
        Col("整改情况", lambda r: r.response, 160))

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.office = ctx.can(Permission.RUN_SPOT_CHECKS)
        self.may_respond = self.office or ctx.can(Permission.KEEP_RECORDS)
        self.detail_value: FindingDetail | None = None
        self.team = filter_combo("findingTeamFilter", [], "全部团队")
        self.status = filter_combo("findingStatusFilter", [(s.label, s.value) for s in S],
                                   "全部状态")
        self.overdue = only_overdue_box("findingOverdueOnly")
        for combo in (self.team, self.status):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.overdue.toggled.connect(self.apply_filter)
        self.filters.insertWidget(0, self.team)
        self.filters.insertWidget(1, self.status)
        self.filters.insertWidget(3, self.overdue)
        self.respond_button = button("respondFinding", "报送整改…", self.respond,
                                     "登记团队的整改情况，等待组织办核查")
        self.recheck_button = button("recheckFinding", "核查…", self.recheck,
                                     "核查整改：通过则销号，未通过则写明原因并给出新的整改期限")
        self.amend_button = button("amendFinding", "更正…", self.amend,
                                   "已上报的问题不能直接修改：更正时写明原因，原内容保留可查")
        self.respond_button.setVisible(self.may_respond)
        self.recheck_button.setVisible(self.office)
        self.amend_button.setVisible(self.office)
        for b in (self.respond_button, self.recheck_button, self.amend_button):
            self.buttons.addWidget(b)
        self.buttons.addStretch(1)

        self.detail_title = headline("选中一个问题，这里显示它的详情、整改与核查情况和更正记录。",
                                     "findingDetailTitle")
        self.detail_text = headline("", "findingDetailText")
        self.history = QListWidget()
        self.history.setObjectName("findingAmendments")
        self.history.setWordWrap(True)
        pane = QWidget()
        pane_layout = QVBoxLayout(pane)
        pane_layout.setContentsMargins(8, 0, 0, 0)
        pane_layout.addWidget(self.detail_title)
        pane_layout.addWidget(self.detail_text)
        pane_layout.addWidget(QLabel("更正记录："))
        pane_layout.addWidget(self.history, 1)
        layout = self.layout()
        layout.removeWidget(self.table)
        layout.removeWidget(self.count)
        layout.addWidget(list_beside_pane(self.table, self.count, pane, 320), 1)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_detail())
        self.model.modelReset.connect(self._show_detail)
        self.update_buttons()

    @staticmethod
    def rows(db: Any) -> list[FindingListRow]:
        return data.finding_rows(db)

    def _loaded(self, generation: int, rows: list[Any]) -> None:
        if generation == self._generation:
            refill(self.team, [(t, t) for t in sorted({r.team for r in rows if r.team})])
        super()._loaded(generation, rows)

    def filter_values(self) -> dict[str, Any]:
        return {**super().filter_values(), "team": self.team.currentData(),
                "status": self.status.currentData(),
                "overdue": True if self.overdue.isChecked() else None}

    def count_text(self) -> str:
        late = sum(1 for i in range(self.model.rowCount()) if self.model.row_at(i).overdue)
        return super().count_text() + (f"，其中超期未整改 {late} 个" if late else "")

    def update_buttons(self) -> None:
        row = self.selected()
        status = S(row.status) if row else None
        actor = self.ctx.actor
        own_team = row is not None and actor is not None and (
            self.office or actor.can_team(Permission.KEEP_RECORDS, row.team_id))
        self.respond_button.setEnabled(own_team and status != S.CLOSED)
        self.recheck_button.setEnabled(status == S.RESPONDED)
        self.amend_button.setEnabled(row is not None and row.reported)

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if self.office and S(row.status) == S.RESPONDED:
            self.recheck()
        elif self.may_respond and S(row.status) != S.CLOSED:
            self.respond()

    # -- detail --------------------------------------------------------------------------------
    def _show_detail(self) -> None:
        row = self.selected()
        self.history.clear()
        if row is None:
            self.detail_value = None
            self.detail_title.setText("选中一个问题，这里显示它的详情、整改与核查情况和更正记录。")
            self.detail_text.clear()
            return
        try:
            detail = data.finding_detail(self.ctx.db, row.id)   # one finding: a few rows
        except DomainError as exc:
            self.detail_title.setText(exc.message)
            return
        self.detail_value = detail
        f = detail.line
        late = "（已超期）" if f.overdue else ""
        self.detail_title.setText(f"<b>{f.source}</b>　{f.status}{late}")
        lines = [f"团队：{f.team or '—'}" + (f"　干部：{f.person}" if f.person else ""),
                 f"发现日期：{f.found_on:%Y-%m-%d}　严重程度：{f.severity}",
                 f"发现的问题：{f.description}", f"整改要求：{f.requirement}",
                 f"整改期限：{f.deadline:%Y-%m-%d}"]
        if detail.responded_on:
            lines.append(f"整改情况（{detail.responded_on:%Y-%m-%d}）：{detail.response}")
        if detail.recheck_on:
            verdict = "通过，已销号" if detail.recheck_passed else "未通过"
            lines.append(f"核查（{detail.recheck_on:%Y-%m-%d}）：{verdict}"
                         + (f"；{detail.recheck_note}" if detail.recheck_note else ""))
        lines.append("已上报" if f.reported else "未上报（随所属督查一并上报）")
        self.detail_text.setText("\n".join(lines))
        for a in detail.amendments:
            self.history.addItem(f"{a.at:%Y-%m-%d %H:%M}　{a.user}　更正“{a.what}”：\n"
                                 f"原：{a.before}\n改为：{a.after}\n原因：{a.reason}")
        if not detail.amendments:
            self.history.addItem("（没有更正）")

    # -- actions -------------------------------------------------------------------------------
    def _act(self, dialog: FormDialog) -> None:
        if dialog.exec():
            self.after_change(dialog.result_value)

    def respond(self) -> None:
        row = self.selected()
        if row is not None and S(row.status) != S.CLOSED:
            self._act(RespondDialog(self.ctx, row, self))

    def recheck(self) -> None:
        row = self.selected()
        if row is not None and S(row.status) == S.RESPONDED:
            self._act(RecheckDialog(self.ctx, row, self))

    def amend(self) -> None:
        row = self.selected()
        if row is None or not row.reported:
            return
        try:
            detail = data.finding_detail(self.ctx.db, row.id)
        except DomainError as exc:
            error(self, "更正", exc.message)
            return
        self._act(AmendDialog(self.ctx, detail.line, self))


def _summary(row: FindingListRow) -> QLabel:
    label = headline(f"{row.team}{('　' + row.person) if row.person else ''}　{row.severity}\n"
                     f"{row.description}\n整改要求：{row.requirement}\n"
                     f"整改期限：{row.deadline:%Y-%m-%d}", "findingSummary")
    label.setMaximumWidth(520)
    return label


class RespondDialog(FormDialog):
    """报送整改: what the team did, and when."""

    def __init__(self, ctx: AppContext, row: FindingListRow, parent: QWidget | None = None) -> None:
        super().__init__("报送整改情况", parent)
        self.ctx = ctx
        self.row = row
        self.add_field("info", "问题", _summary(row))
        self.response = self.add_field("response", "整改情况", text_box("respondText", 90))
        self.response.setPlainText(row.response)
        self.on = self.add_field("responded_on", "整改日期", date_edit(name="respondDate"))
        self.save_button.setText("报送")

    def save(self) -> int:
        with self.ctx.db.session() as s:
            service.respond(s, self.row.id, self.response.toPlainText(), date_of(self.on),
                            self.row.version)
        return self.row.id


class RecheckDialog(FormDialog):
    """核查整改: passed closes it; failed needs the reason and a new deadline."""

    def __init__(self, ctx: AppContext, row: FindingListRow, parent: QWidget | None = None) -> None:
        super().__init__("核查整改", parent)
        self.ctx = ctx
        self.row = row
        self.add_field("info", "问题", _summary(row))
        self.add_field("response_info", "整改情况", headline(row.response, "recheckResponse"))
        self.on = self.add_field("recheck_on", "核查日期", date_edit(name="recheckDate"))
        self.passed = self.add_field("passed", "核查结果", choice_combo(
            [("通过（销号）", True), ("未通过（重新整改）", False)], name="recheckPassed"))
        self.note = self.add_field("recheck_note", "核查意见", text_box("recheckNote", 60))
        self.deadline = self.add_field("deadline", "新的整改期限", date_edit(
            date.today() + timedelta(days=15), "recheckDeadline"))
        self.passed.currentIndexChanged.connect(self._shown)
        self._shown()
        self.save_button.setText("保存核查结果")

    def _shown(self) -> None:
        self.form.setRowVisible(self.deadline.parentWidget(), self.passed.currentData() is False)

    def save(self) -> int:
        passed = bool(self.passed.currentData())
        with self.ctx.db.session() as s:
            service.recheck(s, self.row.id, date_of(self.on), passed, self.note.toPlainText(),
                            None if passed else date_of(self.deadline), self.row.version)
        return self.row.id

