"""首次使用: a database without any account. Create the administrator, who is then signed in,
and fill in the town's settings (saved under the administrator's name).

The administrator is created when 下一步 leaves the first page (a commit page: there is no way
back to it); from then on 退出 is gone, and the town page can only be finished.
"""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from app import APP_NAME
from app.auth import Actor
from app.auth.passwords import MIN_LENGTH
from app.db import Database
from app.errors import DomainError, ValidationError
from app.services import accounts
from app.services.accounts import SignIn
from app.services.settings import SettingsInput, get_settings, update_settings
from ui.auth.common import header, note, password_edit
from ui.widgets.form import FormBody
from ui.widgets.inputs import line_edit, time_edit, time_of, weekday_combo


def page_layout(page: QWizardPage, title: str, text: str) -> QVBoxLayout:
    """A wizard page's column: its own heading and explanation (the same on every platform)."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(18, 14, 18, 8)
    layout.setSpacing(10)
    layout.addWidget(header(title))
    layout.addWidget(note(text))
    layout.addSpacing(6)
    return layout


class AdminPage(QWizardPage):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.signed_in: SignIn | None = None
        self.setCommitPage(True)
        self.body = FormBody()
        add = self.body.add_field
        self.username = add("username", "用户名", line_edit(
            "", "英文字母、数字，如 zhangsan", "admin_username"))
        self.display_name = add("display_name", "姓名", line_edit("", "如：张三", "admin_display_name"))
        self.password = add("password", "密码", password_edit(
            "admin_password", f"至少 {MIN_LENGTH} 位，不要与用户名相同"))
        self.password2 = add("password2", "再输入一次密码", password_edit("admin_password2"))
        layout = page_layout(self, "第一步：创建管理员账户",
                             "这个数据库还没有任何账户。管理员可以添加其他账户、分配角色，并查看操作记录。"
                             "请牢记密码：程序不保存明文密码，忘记了也无法找回。")
        layout.addWidget(self.body)
        layout.addStretch(1)

    def validatePage(self) -> bool:
        if self.signed_in is not None:
            return True
        self.body.clear_errors()
        try:
            if self.password.text() != self.password2.text():
                raise ValidationError("两次输入的密码不一致", "password2")
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self._create_and_sign_in()
            finally:
                QGuiApplication.restoreOverrideCursor()
        except DomainError as exc:
            self.body.show_error(exc)
            return False
        return True

    def _create_and_sign_in(self) -> None:
        username, password = self.username.text(), self.password.text()
        self.db.act_as(Actor.program())  # nobody can sign in yet: the program creates the account
        try:
            with self.db.session() as s:
                accounts.create_first_admin(s, username, self.display_name.text(), password)
        finally:
            self.db.act_as(None)
        self.signed_in = accounts.sign_in_to(self.db, username, password)


class TownPage(QWizardPage):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.saved = False
        with db.session() as s:
            t = get_settings(s)
            self.version = t.version
            self.limits = (t.max_station_team_size, t.max_communities_per_leader)
            values = (t.town_name, t.district_name, t.hotline, t.station_weekday,
                      t.station_start or time(15), t.station_end or time(18, 30))
        self.body = FormBody()
        add = self.body.add_field
        self.town_name = add("town_name", "镇（街道）名称", line_edit(values[0], "如：赤溪镇", "town_name"))
        self.district_name = add("district_name", "上级区县", line_edit(values[1], "如：台山市",
                                                                    "district_name"))
        self.hotline = add("hotline", "服务热线", line_edit(values[2], "如：0750-5123456", "hotline"))
        self.weekday = add("station_weekday", "默认驻点日", weekday_combo(values[3], "station_weekday"))
        self.weekday.setMaximumWidth(120)
        hours = QWidget()
        row = QHBoxLayout(hours)
        row.setContentsMargins(0, 0, 0, 0)
        self.start = time_edit(values[4], "station_start")
        self.end = time_edit(values[5], "station_end")
        for widget in (self.start, QLabel("至"), self.end):
            row.addWidget(widget)
        row.addStretch(1)
        add("station_end", "默认驻点时段", hours)
        layout = page_layout(self, "第二步：镇（街道）设置",
                             "管理员账户已创建，您已登录。以下内容会印在民情联系卡和公示牌上，"
                             "新建驻点团队时作为默认值；以后可以在“设置”中修改。")
        layout.addWidget(self.body)
        layout.addStretch(1)
        layout.addWidget(note("每个村（社区）的驻点团队可以有自己的驻点时间，这里只是默认值。"))

    def initializePage(self) -> None:
        self.wizard().setOption(QWizard.WizardOption.NoCancelButton, True)  # the admin exists now

    def validatePage(self) -> bool:
        self.body.clear_errors()
        data = SettingsInput(self.town_name.text(), self.district_name.text(), self.hotline.text(),
                             self.weekday.currentData(), time_of(self.start), time_of(self.end),
                             *self.limits)
        try:
            with self.db.session() as s:  # acting as the new administrator
                self.version = update_settings(s, data, self.version).version
        except DomainError as exc:
            self.body.show_error(exc)
            return False
        self.saved = True
        return True


class FirstStartWizard(QWizard):
    """``exec()`` is true when the administrator was created (and is signed in)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstStartWizard")
        self.setWindowTitle(f"首次使用 — {APP_NAME}")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)  # the same on every platform
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)  # the admin exists
        self.setMinimumSize(600, 440)
        for which, text in ((QWizard.WizardButton.NextButton, "下一步"),
                            (QWizard.WizardButton.BackButton, "上一步"),
                            (QWizard.WizardButton.CommitButton, "创建管理员"),
                            (QWizard.WizardButton.FinishButton, "完成"),
                            (QWizard.WizardButton.CancelButton, "退出程序")):
            self.setButtonText(which, text)
        self.admin_page = AdminPage(db)
        self.town_page = TownPage(db)
        self.addPage(self.admin_page)
        self.addPage(self.town_page)

    @property
    def admin_created(self) -> bool:
        return self.admin_page.signed_in is not None

    def reject(self) -> None:
        if self.admin_created:  # Esc on the town page: keep going, the settings can wait
            self.accept()
            return
        super().reject()

    def done(self, result: int) -> None:
        super().done(1 if self.admin_created else result)
