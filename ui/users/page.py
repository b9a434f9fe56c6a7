"""账户 page (administrator): every account with its roles and teams; 新增、编辑、重设密码、停用/启用.

Accounts are never deleted — the audit trail names them — so leaving staff are 停用.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.errors import DomainError
from app.services import accounts
from app.services.accounts import UserInput, UserRow
from ui.context import AppContext
from ui.widgets.empty_hint import set_empty_hint
from ui.users.dialog import ResetPasswordDialog, UserDialog, user_choices
from ui.widgets.list_page import ListPage
from ui.widgets.messages import confirm, error
from ui.widgets.table import Column, select_first_where

COLUMNS: list[Column[UserRow]] = [
    Column("用户名", lambda r: r.username, width=120),
    Column("姓名", lambda r: r.display_name, width=100),
    Column("角色", lambda r: r.roles, width=150),
    Column("负责团队", lambda r: r.teams, width=200),
    Column("状态", lambda r: "启用" if r.active else "停用", width=60),
    Column("最近登录", lambda r: f"{r.last_login_at:%Y-%m-%d %H:%M}" if r.last_login_at else "从未登录",
           sort_key=lambda r: r.last_login_at.isoformat() if r.last_login_at else ""),
]


class UsersPage(ListPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, "搜索用户名、姓名、角色、团队…", "users", parent)
        self.ctx = ctx
        set_empty_hint(self.table, "还没有其他账户。点“新增账户”为党政办、组织办、联络员和驻点领导开账户。")
        self.add_button("user_new", "新增账户", self.new_user).setProperty("primary", True)
        self.edit_button = self.add_button("user_edit", "编辑", self.edit_user)
        self.reset_button = self.add_button("user_reset_password", "重设密码", self.reset_password)
        self.toggle_button = self.add_button("user_toggle_active", "停用", self.toggle_active)
        self.notice = QLabel()
        self.notice.setObjectName("usersNotice")
        self.notice.setStyleSheet("color: #1e8449;")
        self.layout().addWidget(self.notice)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(lambda _index: self.edit_user())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        ctx.data_changed.connect(self.mark_stale)
        self._selection_changed()

    def reload(self) -> None:
        chosen = self.selected()
        try:
            with self.ctx.db.session() as s:
                self.set_rows(accounts.list_users(s))
        except DomainError as exc:
            self.set_rows([])
            self.count.setText(exc.message)
            return
        if chosen is not None:
            self.select(chosen.id)
        self._selection_changed()

    def select(self, user_id: int) -> None:
        select_first_where(self.table, lambda r: r is not None and r.id == user_id)

    def _selection_changed(self) -> None:
        row: UserRow | None = self.selected()
        for button in (self.edit_button, self.reset_button, self.toggle_button):
            button.setEnabled(row is not None)
        self.toggle_button.setText("启用" if row is not None and not row.active else "停用")

    def _saved(self, user_id: int, notice: str) -> None:
        self.notice.setText(notice)
        self.ctx.data_changed.emit()  # reloads this page when it is on screen
        if self._stale:
            self._stale = False
            self.reload()
        self.select(user_id)

    # -- actions -------------------------------------------------------------------------------
    def new_user(self) -> None:
        try:
            with self.ctx.db.session() as s:
                choices = user_choices(s)
        except DomainError as exc:
            error(self, "新增账户", exc.message)
            return
        dialog = UserDialog(self.ctx.db, UserInput("", ""), choices, parent=self)
        if dialog.exec():
            self._saved(dialog.result_value, "已新增账户。请把初始密码告诉本人，首次登录时须改成自己的密码。")

    def edit_user(self) -> None:
        row: UserRow | None = self.selected()
        if row is None:
            return
        try:
            with self.ctx.db.session() as s:
                data, version = accounts.user_input(s, row.id)
                choices = user_choices(s)
        except DomainError as exc:
            error(self, "编辑账户", exc.message)
            return
        dialog = UserDialog(self.ctx.db, data, choices, row.id, version, self)
        if dialog.exec():
            self._saved(row.id, f"已保存账户“{row.username}”。")

    def reset_password(self) -> None:
        row: UserRow | None = self.selected()
        if row is None:
            return
        if ResetPasswordDialog(self.ctx.db, row.id, row.username, self).exec():
            self._saved(row.id, f"已重设“{row.username}”的密码；本人下次登录时须改成自己的密码。")

    def toggle_active(self) -> None:
        row: UserRow | None = self.selected()
        if row is None:
            return
        turning_off = row.active
        verb = "停用" if turning_off else "启用"
        text = (f"停用账户“{row.username}”（{row.display_name}）？停用后不能再登录，"
                "其操作记录保留；以后可以重新启用。" if turning_off
                else f"重新启用账户“{row.username}”（{row.display_name}）？")
        if not confirm(self, f"{verb}账户", text, verb):
            return
        try:
            with self.ctx.db.session() as s:
                data, version = accounts.user_input(s, row.id)
                data.active = not turning_off
                accounts.update_user(s, row.id, data, version)
        except DomainError as exc:
            error(self, f"{verb}账户", exc.message)
            return
        self._saved(row.id, f"已{verb}账户“{row.username}”。")
