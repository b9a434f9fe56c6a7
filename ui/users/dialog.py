"""新增账户 / 编辑账户 and 重设密码: forms over app.services.accounts.

The service checks everything (user name, roles, teams, password rules, the last
administrator); its messages appear beside the fields they concern.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QGridLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QWidget)
from sqlalchemy.orm import Session

from app.db import Database
from app.errors import ValidationError
from app.models import Role
from app.services import accounts
from app.services.accounts import UserInput
from app.services.people import search_people
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, combo_value, line_edit, set_clearable

NO_PERSON = "（不关联）"


@dataclass(frozen=True)
class UserChoices:
    """What the form offers: teams as (id, name), people as (label, id)."""

    teams: list[tuple[int, str]]
    people: list[tuple[str, int]]


def user_choices(session: Session) -> UserChoices:
    people = [(f"{p.name}（{p.unit or p.category.label}）", p.id) for p in search_people(session)]
    return UserChoices(accounts.team_choices(session), people)


def password_edit(name: str, placeholder: str = "") -> QLineEdit:
    edit = line_edit(placeholder=placeholder, name=name)
    set_clearable(edit, False)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _mismatch(password: str, again: str) -> str:
    return "两次输入的密码不一致，请重新输入" if password != again else ""


class UserDialog(FormDialog):
    """With ``user_id`` None it creates an account (with its first password), else edits one."""

    def __init__(self, db: Database, data: UserInput, choices: UserChoices,
                 user_id: int | None = None, version: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("新增账户" if user_id is None else f"编辑账户 — {data.username}", parent)
        self.db, self.user_id, self.version, self.active = db, user_id, version, data.active
        self.username = self.add_field("username", "用户名", line_edit(
            data.username, "登录用，英文字母或数字，如 zhangsan", "username"))
        if user_id is not None:
            self.username.setReadOnly(True)
            set_clearable(self.username, False)
            self.username.setToolTip("用户名创建后不能修改（操作记录按用户名记载）")
            self.username.setStyleSheet("background: #eef1f5; color: #555;")
        self.display_name = self.add_field("display_name", "姓名",
                                           line_edit(data.display_name, "", "display_name"))
        self.roles = self.add_field("roles", "角色", self._role_boxes(data.roles))
        self.teams = self.add_field("team_ids", "负责团队", self._team_list(choices.teams,
                                                                         data.team_ids))
        self.person = self.add_field("person_id", "关联人员", choice_combo(
            [(NO_PERSON, None)] + choices.people, data.person_id, "person_id", searchable=True))
        if user_id is None:
            self.password = self.add_field("password", "初始密码", password_edit(
                "password", "至少 8 位；账户本人首次登录时须改掉"))
            self.password2 = self.add_field("password2", "再输一遍", password_edit("password2"))
        self._roles_changed()

    def _role_boxes(self, chosen: list[Role]) -> QWidget:
        box = QWidget()
        box.setObjectName("roles")
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.role_boxes: dict[Role, QCheckBox] = {}
        for i, role in enumerate(Role):
            check = QCheckBox(role.label)
            check.setObjectName(f"role_{role.value}")
            check.setChecked(role in chosen)
            check.toggled.connect(lambda _on: self._roles_changed())
            self.role_boxes[role] = check
            grid.addWidget(check, i // 3, i % 3)
        hint = QLabel("联络员、驻点领导只能看（或记录）所负责团队的内容。")
        hint.setObjectName("rolesHint")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        grid.addWidget(hint, 2, 0, 1, 3)
        return box

    def _team_list(self, teams: list[tuple[int, str]], chosen: list[int]) -> QListWidget:
        widget = QListWidget()
        widget.setObjectName("team_ids")
        widget.setFixedHeight(130)
        # The account's own teams first, so they show without scrolling.
        for team_id, name in sorted(teams, key=lambda t: t[0] not in chosen):
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, team_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if team_id in chosen
                               else Qt.CheckState.Unchecked)
            widget.addItem(item)
        return widget

    def _roles_changed(self) -> None:
        scoped = any(role.team_scoped for role in self.chosen_roles())
        self.teams.setEnabled(scoped)
        self.teams.setToolTip("" if scoped else "勾选“联络员”或“驻点领导”后再选负责的团队")

    def chosen_roles(self) -> list[Role]:
        return [role for role, box in self.role_boxes.items() if box.isChecked()]

    def chosen_teams(self) -> list[int]:
        items = (self.teams.item(i) for i in range(self.teams.count()))
        return [it.data(Qt.ItemDataRole.UserRole) for it in items
                if it.checkState() == Qt.CheckState.Checked]

    def input(self) -> UserInput:
        roles = self.chosen_roles()
        # Teams count only for the team-scoped roles; without one, none are kept.
        teams = self.chosen_teams() if any(r.team_scoped for r in roles) else []
        return UserInput(self.username.text(), self.display_name.text(), roles, teams,
                         combo_value(self.person), self.active)

    def save(self) -> int:
        data = self.input()
        with self.db.session() as s:
            if self.user_id is not None:
                return accounts.update_user(s, self.user_id, data, self.version).id
            mismatch = _mismatch(self.password.text(), self.password2.text())
            try:
                user = accounts.create_user(s, data, self.password.text())
            except ValidationError as exc:  # show every problem at once, the repeat's too
                if not self.password.text():
                    exc.problems.setdefault("password", "请设置初始密码（至少 8 位）")
                if mismatch:
                    exc.problems.setdefault("password2", mismatch)
                raise
            if mismatch:
                raise ValidationError(mismatch, "password2")  # nothing is saved
            return user.id


class ResetPasswordDialog(FormDialog):
    def __init__(self, db: Database, user_id: int, username: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"重设密码 — {username}", parent)
        self.db, self.user_id = db, user_id
        hint = QLabel(f"为账户“{username}”设一个临时密码并告诉本人；本人下次登录时须改成自己的密码。")
        hint.setWordWrap(True)
        self.form.addRow(hint)
        self.password = self.add_field("password", "新密码", password_edit("password", "至少 8 位"))
        self.password2 = self.add_field("password2", "再输一遍", password_edit("password2"))
        self.save_button.setText("重设密码")

    def save(self) -> int:
        if not self.password.text():
            raise ValidationError("请填写新密码", "password")
        mismatch = _mismatch(self.password.text(), self.password2.text())
        if mismatch:
            raise ValidationError(mismatch, "password2")
        with self.db.session() as s:
            return accounts.reset_password(s, self.user_id, self.password.text()).id
