"""添加成员 / 替换成员 / 成员退出: each one save in one session (添加成员 may add several people,
all or none)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QWidget

from app.db import Database
from app.errors import ValidationError
from app.models import MemberRole
from app.services import teams as team_service
from ui.teams.rows import MemberLine, SaveResult
from ui.widgets.form import FormDialog
from ui.widgets.inputs import (check_list, checked_values, choice_combo, combo_value, date_edit,
                              date_of, line_edit)

PICK = "（请选择）"


def _require(value: object, field: str, message: str) -> None:
    if value is None:
        raise ValidationError(message, field)


class AddMemberDialog(FormDialog):
    def __init__(self, db: Database, team_id: int, team_name: str,
                 people: list[tuple[str, int]], parent: QWidget | None = None) -> None:
        super().__init__(f"添加成员 — {team_name}", parent)
        self.db, self.team_id = db, team_id
        self.person = self.add_field("person", "人员", choice_combo(
            [(PICK, None)] + people, name="person", searchable=True))
        roles = [(r.label, r) for r in MemberRole if r != MemberRole.LEADER]
        self.role = self.add_field("role", "角色", choice_combo(roles, MemberRole.CORE, "role"))
        self.title = self.add_field("title", "团队职务", line_edit("", "如：副组长、网格员", "title"))
        self.start = self.add_field("start", "加入日期", date_edit(date.today(), "start"))
        # Several people at once, with the same role, title and date: a new team's members are
        # usually entered together.
        self.more = self.add_field("more", "同时加入", check_list(people, name="morePeople",
                                                                    height=150))

    def chosen(self) -> list[int]:
        first = combo_value(self.person)
        return list(dict.fromkeys(([first] if first is not None else []) + checked_values(self.more)))

    def save(self) -> SaveResult:
        chosen = self.chosen()
        _require(chosen[0] if chosen else None, "person", "请选择要加入的人员")
        with self.db.session() as s:  # all of them or none: one transaction
            # Qt hands a StrEnum back as its plain str value; the rules need the enum.
            role = MemberRole(self.role.currentData())
            results = [team_service.add_member(s, self.team_id, person_id, role,
                                               date_of(self.start), self.title.text())
                       for person_id in chosen]
            warnings = list(dict.fromkeys(w for saved in results for w in saved.warnings))
            return SaveResult(results[-1].team.id, warnings)


def _member_combo(members: list[MemberLine], current: MemberLine | None) -> object:
    items = [(PICK, None)] + [(m.label, m.membership_id) for m in members]
    return choice_combo(items, current.membership_id if current else None, "member")


class ReplaceMemberDialog(FormDialog):
    """The successor takes the same role from the chosen day; the predecessor's record ends."""

    def __init__(self, db: Database, team_name: str, members: list[MemberLine],
                 people: list[tuple[str, int]], current: MemberLine | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"替换成员 — {team_name}", parent)
        self.db = db
        self.member = self.add_field("member", "被替换的成员", _member_combo(members, current))
        self.successor = self.add_field("successor", "继任者", choice_combo(
            [(PICK, None)] + people, name="successor", searchable=True))
        self.on = self.add_field("on", "交接日期", date_edit(date.today(), "on"))
        self.reason = self.add_field("reason", "原因", line_edit("", "如：工作调动（可不填）", "reason"))

    def save(self) -> SaveResult:
        membership_id, successor_id = combo_value(self.member), combo_value(self.successor)
        _require(membership_id, "member", "请选择被替换的成员")
        _require(successor_id, "successor", "请选择继任者")
        with self.db.session() as s:
            saved = team_service.replace_member(s, membership_id, successor_id, date_of(self.on),
                                                self.reason.text())
            return SaveResult.of(saved)


class EndMembershipDialog(FormDialog):
    def __init__(self, db: Database, team_name: str, members: list[MemberLine],
                 current: MemberLine | None = None, parent: QWidget | None = None) -> None:
        super().__init__(f"成员退出 — {team_name}", parent)
        self.db = db
        hint = QLabel("成员退出后记录保留在“历任成员”中。责任人不能直接退出，请用“替换成员”。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5d6d7e;")
        self.form.addRow(hint)
        self.member = self.add_field("member", "退出的成员", _member_combo(members, current))
        self.on = self.add_field("end_date", "退出日期", date_edit(date.today(), "end_date"))
        self.reason = self.add_field("reason", "退出原因", line_edit("", "如：工作调动", "reason"))

    def save(self) -> SaveResult:
        membership_id = combo_value(self.member)
        _require(membership_id, "member", "请选择退出的成员")
        with self.db.session() as s:
            saved = team_service.end_membership(s, membership_id, date_of(self.on),
                                                self.reason.text())
            return SaveResult.of(saved)
