"""接待台账 tab: visitors received at the station room, and recording one (optionally
raising a problem in the ledger from it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.auth import Permission
from app.errors import ValidationError
from app.services import problems as problem_service
from app.services import station_logs
from ui import tasks
from ui.context import AppContext
from ui.ledgers import data
from ui.ledgers.common import communities_of, filter_combo, months, refill, text_box
from ui.ledgers.data import ReceptionRow, TeamChoice
from ui.ledgers.model import Col, LedgerModel
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, date_edit, date_of, line_edit
from ui.widgets.messages import error
from ui.widgets.table import make_table_view

COLUMNS = (
    Col("日期", lambda r: r.received_on, 90), Col("驻点团队", lambda r: r.team, 130),
    Col("村（社区）", lambda r: r.community, 90), Col("来访人", lambda r: r.visitor, 70),
    Col("电话", lambda r: r.phone, 110), Col("反映事项", lambda r: r.matter, 240, "stretch"),
    Col("办理情况", lambda r: r.handling, 180), Col("问题编号", lambda r: r.problem, 140))


def reception_key(row: ReceptionRow) -> str:
    return f"{row.visitor}\x1f{row.phone}\x1f{row.matter}\x1f{row.handling}\x1f{row.problem}".lower()


class ReceptionsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.teams: list[TeamChoice] = []
        self.loaded = False
        self._stale = True
        self._generation = 0
        self.model = LedgerModel(COLUMNS, reception_key, self)
        self.team = filter_combo("receptionTeam", [], "全部团队")
        self.community = filter_combo("receptionCommunity", [], "全部村（社区）")
        self.month = filter_combo("receptionMonth", [], "全部月份")
        self.search = line_edit(placeholder="搜索来访人、电话、事项…", name="receptionSearch")
        self.search.textChanged.connect(self.apply_filter)
        for combo in (self.team, self.community, self.month):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.record_button = QPushButton("登记接待")
        self.record_button.setObjectName("recordReception")
        self.record_button.clicked.connect(self.record)
        self.record_button.setVisible(ctx.can(Permission.KEEP_RECORDS))
        self.table = make_table_view(self.model)
        self.table.setObjectName("receptionTable")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        for i, column in enumerate(COLUMNS):
            self.table.setColumnWidth(i, column.width)
        self.count = QLabel("尚未加载")
        self.count.setObjectName("countLabel")
        top = QHBoxLayout()
        top.addWidget(self.record_button)
        top.addStretch(1)
        filters = QHBoxLayout()
        for combo in (self.team, self.community, self.month):
            filters.addWidget(combo)
        filters.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

    def set_teams(self, teams: Sequence[TeamChoice]) -> None:
        self.teams = list(teams)
        refill(self.team, [(t.name, t.id) for t in self.teams])
        refill(self.community, communities_of(self.teams))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def mark_stale(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def reload(self) -> None:
        self._stale = False
        self._generation += 1
        generation = self._generation
        db = self.ctx.db
        tasks.start(lambda _p, _c: data.reception_rows(db),
                    lambda rows: self._loaded(generation, rows),
                    lambda exc: error(self, "接待台账", f"读取接待台账失败：{exc}"))

    def _loaded(self, generation: int, rows: list[ReceptionRow]) -> None:
        if generation != self._generation:
            return
        self.model.set_rows(rows)
        refill(self.month, months(r.month for r in rows))
        self.loaded = True
        self._update_count()

    def apply_filter(self) -> None:
        self.model.set_filter(self.search.text(), team_id=self.team.currentData(),
                              community_id=self.community.currentData(),
                              month=self.month.currentData())
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(f"显示 {self.model.rowCount()} / 共 {self.model.total} 条接待")

    def record(self) -> None:
        dialog = ReceptionDialog(self.ctx, self.teams, self)
        if dialog.exec():
            self.changed.emit()
            self.ctx.data_changed.emit()
            self.reload()


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
