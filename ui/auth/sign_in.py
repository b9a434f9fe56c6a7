"""登录: user name and password; a refusal is told inside the dialog, which stays open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout,
                               QWidget)

from app import APP_NAME
from app.db import Database
from app.errors import DomainError, SignInError
from app.services import accounts
from app.services.accounts import SignIn
from ui.auth.common import MESSAGE_STYLE, header, note, password_edit
from ui.widgets.inputs import line_edit


class SignInDialog(QDialog):
    """``exec()`` is true once someone is signed in: ``db`` then acts for them and
    ``result_value`` holds the outcome (``must_change_password`` among it)."""

    def __init__(self, db: Database, parent: QWidget | None = None, username: str = "",
                 message: str = "") -> None:
        super().__init__(parent)
        self.db = db
        self.result_value: SignIn | None = None
        self.setObjectName("signInDialog")
        self.setWindowTitle(f"登录 — {APP_NAME}")
        self.setMinimumWidth(420)
        self.username = line_edit(username, "如：zhangsan", "signInUser")
        self.password = password_edit("signInPassword")
        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.hide()
        self.buttons = QDialogButtonBox()
        self.sign_in_button = self.buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setProperty("primary", True)
        self.sign_in_button.setDefault(True)  # Enter in either field signs in
        self.quit_button = self.buttons.addButton("退出程序", QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button.setObjectName("signInQuit")
        self.quit_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        self._layout(db)
        if message:
            self.show_message(message)
        (self.password if username else self.username).setFocus()

    def _layout(self, db: Database) -> None:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(10)
        form.addRow("用户名", self.username)
        form.addRow("密码", self.password)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 18)
        layout.setSpacing(10)
        layout.addWidget(header(APP_NAME))
        layout.addWidget(note(f"请用您的账户登录。数据库：{db.display_name}", "signInWhere"))
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(note("忘记密码请找管理员重设。", "signInHelp"))
        layout.addSpacing(4)
        layout.addWidget(self.buttons)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def try_sign_in(self) -> None:
        name, password = self.username.text().strip(), self.password.text()
        if not name:
            self.show_message("请填写用户名。")
            self.username.setFocus()
            return
        if not password:
            self.show_message("请输入密码。")
            self.password.setFocus()
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # checking takes ~0.2 s
        try:
            self.result_value = accounts.sign_in_to(self.db, name, password)
        except SignInError as exc:  # the failure is counted and in the audit trail already
            self.show_message(exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        except DomainError as exc:
            self.show_message(exc.message)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()
