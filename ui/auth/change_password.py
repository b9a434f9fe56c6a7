"""修改密码: the signed-in user's own password (the old one, the new one twice)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.auth.passwords import MIN_LENGTH
from app.db import Database
from app.errors import ValidationError
from app.services import accounts
from ui.auth.common import note, password_edit
from ui.widgets.form import FormDialog

FORCED_NOTE = ("您的密码是管理员设置的临时密码。请改为只有您自己知道的密码，然后才能继续使用。")


class ChangePasswordDialog(FormDialog):
    """``forced``: right after signing in with a temporary password (取消 signs out)."""

    def __init__(self, db: Database, forced: bool = False, parent: QWidget | None = None) -> None:
        super().__init__("修改密码", parent)
        self.setObjectName("changePasswordDialog")
        self.db = db
        actor = db.actor
        who = f"{actor.display_name}（{actor.username}）" if actor else ""
        if forced:
            self.form.addRow(note(FORCED_NOTE, "forcedNote"))
            self.buttons.button(self.buttons.StandardButton.Cancel).setText("退出登录")
        self.form.addRow("账户", QLabel(who))
        self.old = self.add_field("old_password", "原密码", password_edit("old_password"))
        self.new = self.add_field("password", "新密码", password_edit(
            "new_password", f"至少 {MIN_LENGTH} 位"))
        self.again = self.add_field("password2", "再输入一次", password_edit("new_password2"))
        self.save_button.setText("修改密码")
        self.old.setFocus()

    def save(self) -> int:
        if not self.new.text():
            raise ValidationError("请填写新密码", "password")
        if self.new.text() != self.again.text():
            raise ValidationError("两次输入的新密码不一致", "password2")
        with self.db.session() as s:
            return accounts.change_own_password(s, self.old.text(), self.new.text()).id
