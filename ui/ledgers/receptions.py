"""接待台账 tab: visitors received at the station room, recording one (optionally raising a
problem in the ledger from it) and correcting one (修改 or a double-click: the same form filled
in, the team fixed, the linked problem shown)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QVBoxLayout, QWidget

from app.errors import ValidationError
from app.services import problems as problem_service
from app.services import station_logs
from ui.context import AppContext
from ui.ledgers import data
from ui.ledgers.common import EditableLedgerTab, text_box
from ui.ledgers.data import ReceptionRow, TeamChoice
from ui.ledgers.model import Col
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, date_edit, date_of, line_edit

COLUMNS = (
    Col("日期", lambda r: r.received_on, 90), Col("驻点团队", lambda r: r.team, 130),
    Col("村（社区）", lambda r: r.community, 90), Col("来访人", lambda r: r.visitor, 70),
    Col("电话", lambda r: r.phone, 110), Col("反映事项", lambda r: r.matter, 240, "stretch"),
    Col("办理情况", lambda r: r.handling, 180), Col("问题编号", lambda r: r.problem, 140))


class ReceptionsTab(EditableLedgerTab):
    NAME, WHAT, UNIT = "reception", "接待台账", "条接待"
    SEARCH_HINT, RECORD_LABEL = "搜索来访人、电话、事项…", "登记接待"
    COLUMNS = COLUMNS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addLayout(self.filters)
        layout.addWidget(self.listing, 1)

    @staticmethod
    def key(row: ReceptionRow) -> str:
        return "\x1f".join((row.visitor, row.phone, row.matter, row.handling, row.problem)).lower()

    @staticmethod
    def rows(db: Any) -> list[ReceptionRow]:
        return data.reception_rows(db)

    def record(self) -> None:
        if ReceptionDialog(self.ctx, self.teams, self).exec():
            self.after_record()

    def edit(self, row: ReceptionRow) -> int | None:
        dialog = ReceptionDialog(self.ctx, self.teams, self,
                                 data.reception_form(self.ctx.db, row.id))
        return dialog.result_value if dialog.exec() else None


class ReceptionDialog(FormDialog):
    """登记接待, or with ``form`` 修改接待记录: the recorded values filled in and the team fixed;
    a reception with a linked problem shows it, one without may still raise one."""

    def __init__(self, ctx: AppContext, teams: Sequence[TeamChoice],
                 parent: QWidget | None = None,
                 form: station_logs.ReceptionForm | None = None) -> None:
        super().__init__("登记接待" if form is None else "修改接待记录", parent)
        self.ctx = ctx
        self.edit = form
        self.teams = {t.id: t for t in teams}
        team_items = ([(t.name, t.id) for t in teams] if form is None
                      else [(form.team_name, form.data.team_id)])
        self.team = self.add_field("team_id", "驻点团队", choice_combo(
            team_items, name="receptionTeamField"))
        self.community = self.add_field("community_id", "村（社区）", QComboBox())
        self.community.setObjectName("receptionCommunityField")
        self.received_on = self.add_field("received_on", "接待日期", date_edit(name="receptionDate"))
        self.visitor = self.add_field("visitor_name", "来访人", line_edit(name="receptionVisitor"))
        self.phone = self.add_field("phone", "联系电话", line_edit(name="receptionPhone"))
        self.matter = self.add_field("matter", "反映事项", text_box("receptionMatter"))
        self.handling = self.add_field("handling", "办理情况", text_box("receptionHandling", 50))
        self.to_ledger = QCheckBox("同时登记到问题台账")
        self.to_ledger.setObjectName("receptionToLedger")
        self.add_field("new_problem", "", self.to_ledger)
        self.category = self.add_field("category", "问题类别", choice_combo(
            [(c, c) for c in data.category_choices(ctx.db)], name="receptionCategory"))
        # A reception already linked to a problem shows it instead (edited in the ledger).
        self.linked = form is not None and bool(form.problem)
        if self.linked:
            assert form is not None
            for widget in (self.to_ledger, self.category):
                self.form.setRowVisible(widget.parentWidget(), False)
            linked = QLabel(form.problem)
            linked.setObjectName("receptionLinkedProblem")
            linked.setWordWrap(True)
            linked.setToolTip("关联的问题在“问题台账”中修改")
            self.add_field("problem_id", "关联问题", linked)
        if form is None:
            self.team.currentIndexChanged.connect(self._team_chosen)
            self._team_chosen()
        else:
            self.team.setEnabled(False)
            self.team.setToolTip("接待记录记下后不能改到别的团队")
            self._show(form)

    def _team_chosen(self) -> None:
        team = self.teams.get(self.team.currentData())
        self.community.clear()
        for cid, name in team.communities if team else ():
            self.community.addItem(name, cid)

    def _show(self, form: station_logs.ReceptionForm) -> None:
        entry = form.data
        for cid, name in form.communities:
            self.community.addItem(name, cid)
        self.community.setCurrentIndex(max(0, self.community.findData(entry.community_id)))
        if entry.received_on is not None:
            self.received_on.setDate(QDate(entry.received_on))
        self.visitor.setText(entry.visitor_name)
        self.phone.setText(entry.phone)
        self.matter.setPlainText(entry.matter)
        self.handling.setPlainText(entry.handling)

    def save(self) -> Any:
        team_id, community_id = self.team.currentData(), self.community.currentData()
        if team_id is None or community_id is None:
            raise ValidationError("请选择驻点团队和村（社区）", "team_id")
        new_problem = None
        if not self.linked and self.to_ledger.isChecked():
            new_problem = problem_service.ProblemInput(
                community_id=community_id, reported_on=date_of(self.received_on),
                category=self.category.currentText(), description=self.matter.toPlainText())
        # What the form does not show (household, station session, linked problem) stays.
        kept = self.edit.data if self.edit is not None else None
        entry = station_logs.ReceptionInput(
            team_id=team_id, community_id=community_id, received_on=date_of(self.received_on),
            visitor_name=self.visitor.text(), matter=self.matter.toPlainText(),
            handling=self.handling.toPlainText(), phone=self.phone.text(),
            household_id=kept.household_id if kept else None,
            station_session_id=kept.station_session_id if kept else None,
            problem_id=kept.problem_id if kept else None,
            new_problem=new_problem)
        with self.ctx.db.session() as s:
            if self.edit is None:
                return station_logs.create_reception(s, entry).id
            return station_logs.update_reception(s, self.edit.reception_id, entry,
                                                 self.edit.version).id
