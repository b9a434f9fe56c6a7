"""接待台账 tab: visitors received at the station room, and recording one (optionally
raising a problem in the ledger from it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QVBoxLayout, QWidget

from app.errors import ValidationError
from app.services import problems as problem_service
from app.services import station_logs
from ui.context import AppContext
from ui.ledgers import data
from ui.ledgers.common import LedgerTab, text_box
from ui.ledgers.data import ReceptionRow, TeamChoice
from ui.ledgers.model import Col
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, date_edit, date_of, line_edit

COLUMNS = (
    Col("日期", lambda r: r.received_on, 90), Col("驻点团队", lambda r: r.team, 130),
    Col("村（社区）", lambda r: r.community, 90), Col("来访人", lambda r: r.visitor, 70),
    Col("电话", lambda r: r.phone, 110), Col("反映事项", lambda r: r.matter, 240, "stretch"),
    Col("办理情况", lambda r: r.handling, 180), Col("问题编号", lambda r: r.problem, 140))


class ReceptionsTab(LedgerTab):
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


class ReceptionDialog(FormDialog):
    def __init__(self, ctx: AppContext, teams: Sequence[TeamChoice],
                 parent: QWidget | None = None) -> None:
        super().__init__("登记接待", parent)
        self.ctx = ctx
        self.teams = {t.id: t for t in teams}
        self.team = self.add_field("team_id", "驻点团队", choice_combo(
            [(t.name, t.id) for t in teams], name="receptionTeamField"))
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
            [(c, c) for c in problem_service.DEFAULT_DEADLINE_DAYS], name="receptionCategory"))
        self.team.currentIndexChanged.connect(self._team_chosen)
        self._team_chosen()

    def _team_chosen(self) -> None:
        team = self.teams.get(self.team.currentData())
        self.community.clear()
        for cid, name in team.communities if team else ():
            self.community.addItem(name, cid)

    def save(self) -> Any:
        team_id, community_id = self.team.currentData(), self.community.currentData()
        if team_id is None or community_id is None:
            raise ValidationError("请选择驻点团队和村（社区）", "team_id")
        new_problem = None
        if self.to_ledger.isChecked():
            new_problem = problem_service.ProblemInput(
                community_id=community_id, reported_on=date_of(self.received_on),
                category=self.category.currentText(), description=self.matter.toPlainText())
        entry = station_logs.ReceptionInput(
            team_id=team_id, community_id=community_id, received_on=date_of(self.received_on),
            visitor_name=self.visitor.text(), matter=self.matter.toPlainText(),
            handling=self.handling.toPlainText(), phone=self.phone.text(),
            new_problem=new_problem)
        with self.ctx.db.session() as s:
            return station_logs.create_reception(s, entry).id
