"""驻点团队 tab: the searchable team list and, beside it, the selected team's page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QMessageBox, QPushButton, QSplitter, QVBoxLayout,
                               QWidget)

from app.auth import Permission
from app.errors import DomainError
from app.services import teams as team_service
from ui.communities.rows import community_choices
from ui.context import AppContext
from ui.widgets.empty_hint import set_empty_hint
from ui.teams.detail import TeamDetail
from ui.teams.member_dialogs import AddMemberDialog, EndMembershipDialog, ReplaceMemberDialog
from ui.teams.rows import SaveResult, TeamRow, people_choices, team_input, team_rows, team_view
from ui.teams.team_dialog import TeamDialog
from ui.widgets.form import FormDialog
from ui.widgets.messages import show_warnings
from ui.widgets.table import (Column, RowTableModel, SearchProxy, make_table_view,
                              select_first_where, selected_row)
from ui.widgets.inputs import line_edit

COLUMNS: list[Column[TeamRow]] = [
    Column("团队", lambda r: r.name, fit="stretch"),
    Column("责任人", lambda r: r.leader, fit="contents"),
    Column("驻点村（社区）", lambda r: r.communities),
    Column("驻点时间", lambda r: r.schedule, fit="contents"),
    Column("驻点地点", lambda r: r.place),
    Column("团队人数", lambda r: r.size, sort_key=lambda r: r.size, fit="contents"),
]
# Searched but not shown in the list: the team name says the villages, and the team page
# beside the list shows both in full.
HIDDEN_COLUMNS = (2, 4)


class TeamsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model: RowTableModel[TeamRow] = RowTableModel(COLUMNS, self)
        self.proxy = SearchProxy(self.model, self)
        self.search = line_edit(placeholder="搜索团队、责任人、村（社区）…", name="teamSearch")
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = make_table_view(self.proxy)
        self.table.setObjectName("teamTable")
        set_empty_hint(self.table, "还没有驻点团队。先在“村（社区）”和“人员”中登记，再点“新建团队”；"
                                   "或用“文件 → 导入花名册…”一次导入团队和成员。")
        for column in HIDDEN_COLUMNS:
            self.table.setColumnHidden(column, True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().selectionChanged.connect(self.show_selected)
        self.detail = TeamDetail()
        self._fills = 0  # how often the team page was filled; see reload
        self._layout()
        ctx.data_changed.connect(self.reload)
        self.reload()

    def _layout(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.table)
        splitter = QSplitter()
        splitter.setObjectName("teamSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 6)
        # At 1280×800 the list keeps name, leader, times and size; the page keeps every phone.
        splitter.setSizes([430, 640])
        layout = QVBoxLayout(self)
        layout.addLayout(self._buttons())
        layout.addWidget(splitter, 1)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("new", "新建团队", self.new_team), ("edit", "编辑团队", self.edit_team),
                                ("add", "添加成员", self.add_member),
                                ("replace", "替换成员", self.replace_member),
                                ("end", "成员退出", self.end_member)):
            button = QPushButton(text)
            button.setObjectName(f"team_{key}")
            button.clicked.connect(slot)
            row.addWidget(button)
            self.action_buttons[key] = button
        self.action_buttons["new"].setProperty("primary", True)
        # Read-only roles (组织办, 驻点领导, 联络员) see the teams without the buttons.
        self.can_edit = self.ctx.can(Permission.EDIT_DIRECTORY)
        for button in self.action_buttons.values():
            button.setVisible(self.can_edit)
        row.addStretch(1)
        return row

    # -- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        chosen = self.current_id()
        with self.ctx.db.session() as s:
            self.model.set_rows(team_rows(s))
        # Selecting fills the team page through selectionChanged; fill it here only when the
        # selection did not change (or there is nothing to select), not twice at start-up.
        fills = self._fills
        if chosen is None or not self.select_team(chosen):
            self.table.selectRow(0)
        if self._fills == fills:
            self.show_selected()

    def current_id(self) -> int | None:
        row = selected_row(self.table)
        return row.id if row else None

    def select_team(self, team_id: int) -> bool:
        return select_first_where(self.table, lambda r: r is not None and r.id == team_id)

    def show_selected(self) -> None:
        self._fills += 1
        team_id = self.current_id()
        view = None
        if team_id is not None:
            with self.ctx.db.session() as s:
                view = team_view(s, team_id)
        self.detail.show_team(view)
        for key in ("edit", "add", "replace", "end"):
            self.action_buttons[key].setEnabled(view is not None)

    # -- actions ----------------------------------------------------------------------------
    def new_team(self) -> None:
        if not self.can_edit:
            return
        with self.ctx.db.session() as s:
            data = team_service.default_input(s)
            communities, people = community_choices(s), people_choices(s)
        dialog = TeamDialog(self.ctx.db, data, communities, people, parent=self)
        self._run(dialog)

    def edit_team(self) -> None:
        team_id = self.current_id()
        if team_id is None:
            return
        try:
            with self.ctx.db.session() as s:
                data, version = team_input(s, team_id)
                communities = community_choices(s)
        except DomainError as exc:
            QMessageBox.warning(self, "编辑团队", exc.message)
            return
        dialog = TeamDialog(self.ctx.db, data, communities, [], team_id, version, parent=self)
        self._run(dialog)

    def add_member(self) -> None:
        view = self.detail.view
        if view is None:
            return
        with self.ctx.db.session() as s:
            people = people_choices(s)
        self._run(AddMemberDialog(self.ctx.db, view.id, view.name, people, self))

    def replace_member(self) -> None:
        view = self.detail.view
        if view is None:
            return
        with self.ctx.db.session() as s:
            people = people_choices(s)
        self._run(ReplaceMemberDialog(self.ctx.db, view.name, view.current, people,
                                      self.detail.selected_member(), self))

    def end_member(self) -> None:
        view = self.detail.view
        if view is None:
            return
        self._run(EndMembershipDialog(self.ctx.db, view.name, view.current,
                                      self.detail.selected_member(), self))

    def _run(self, dialog: FormDialog) -> None:
        if not dialog.exec():
            return
        result: SaveResult = dialog.result_value
        self.ctx.data_changed.emit()
        self.select_team(result.team_id)
        show_warnings(self, "已保存", result.warnings)
