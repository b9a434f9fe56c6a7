"""新增 / 编辑住户: the household form, with its key-group tags (重点人群) and their history.

Tags are never deleted: ticking a box tags the household from the change date, clearing one
ends the tag on that date, both with the reason given (see app.services.households).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtWidgets import QCheckBox, QComboBox, QFrame, QGridLayout, QSpinBox, QWidget
from sqlalchemy.orm import Session

from app.auth import Permission, can
from app.db import Database
from app.errors import DomainError, ValidationError
from app.models import HouseholdKind
from app.services import households as household_service
from app.services.households import HouseholdInput
from ui.auth.reveal import IdField
from ui.communities.rows import community_choices, grid_choices
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, date_edit, date_of, line_edit
from ui.widgets.messages import confirm

def ask_duplicate(parent: QWidget, found: list[str]) -> bool:
    """Same address and phone as a household already entered: save anyway? (tests replace it)"""
    listed = "\n".join(f"• {line}" for line in found[:10])
    return confirm(parent, "可能重复登记",
                   f"这个村（社区）已有地址和电话都相同的住户：\n\n{listed}\n\n"
                   "可能是同一户登记了两次。确实是另一户，仍要保存吗？", "仍要保存")


KINDS: list[tuple[str, HouseholdKind]] = [(k.label, k) for k in HouseholdKind]
NO_GRID = "（不分网格）"
TAG_COLUMNS = 3


@dataclass(frozen=True)
class HouseholdChoices:
    """What the form's pickers offer, read once before the dialog opens."""

    communities: list[tuple[str, int]]
    grids: dict[int, list[tuple[str, int]]]
    key_groups: list[str]


@dataclass
class HouseholdStart:
    """The form's starting values: a blank household, or one read back for editing."""

    data: HouseholdInput
    household_id: int | None = None
    version: int | None = None
    tags: list[str] = field(default_factory=list)


def household_choices(session: Session) -> HouseholdChoices:
    return HouseholdChoices(community_choices(session), grid_choices(session),
                            household_service.key_group_names(session))


def household_start(session: Session, household_id: int) -> HouseholdStart:
    data, version = household_service.household_input(session, household_id)
    tags = (household_service.current_tag_names(session, household_id)
            if can(session, Permission.VIEW_SENSITIVE) else [])
    return HouseholdStart(data, household_id, version, tags)


class HouseholdDialog(FormDialog):
    def __init__(self, db: Database, choices: HouseholdChoices, start: HouseholdStart,
                 parent: QWidget | None = None) -> None:
        super().__init__("新增住户" if start.household_id is None else "编辑住户", parent)
        self.setMinimumWidth(560)
        self.db, self.choices, self.start = db, choices, start
        data = start.data
        self.community = self.add_field("community", "村（社区）", choice_combo(
            choices.communities, data.community_id, "community"))
        self.grid = self.add_field("grid_id", "网格", QComboBox())
        self.grid.setObjectName("grid_id")
        self._fill_grids(data.grid_id)
        self.community.currentIndexChanged.connect(lambda _i: self._fill_grids(None))
        self.address = self.add_field("address", "门牌地址",
                                      line_edit(data.address, "如：石岗村一巷3号", "address"))
        self.head_name = self.add_field("head_name", "户主姓名", line_edit(data.head_name, "", "head_name"))
        self.phones = self.add_field("phones", "联系电话", line_edit(
            data.phones, "手机和/或固定电话，如 13812345678，0750-6123456", "phones"))
        self.size_box = self.add_field("size", "家庭人口", self._size_box(data.size))
        self.kind = self.add_field("kind", "类型", choice_combo(KINDS, data.kind, "kind"))
        self.resident_id = line_edit("", self._id_hint(data.head_resident_id_masked),
                                     "head_resident_id")
        self.id_field = self.add_field("head_resident_id", "户主身份证号", IdField(
            self.resident_id, db, "household", start.household_id, data.head_resident_id_masked))
        self.note = self.add_field("note", "备注", line_edit(data.note, "", "note"))
        # Key-group tags are sensitive: a role that may not see them does not get the boxes
        # (and the form neither reads nor changes them).
        self.sees_tags = db.actor is not None and db.actor.can(Permission.VIEW_SENSITIVE)
        self.checks: dict[str, QCheckBox] = {}
        if self.sees_tags:
            self.form.addRow(self._rule())
            self.tag_boxes = self.add_field("key_group", "重点人群", self._tag_grid())
            self.tag_date = self.add_field("tag_date", "变动日期", date_edit(date.today(), "tag_date"))
            self.tag_reason = self.add_field("tag_reason", "变动原因", line_edit(
                "", "重点人群有增减时填写，如：新增低保、复核不符", "tag_reason"))
            self.tag_date.setMaximumWidth(150)
            self._tags_toggled()

    # -- building ------------------------------------------------------------------------------
    @staticmethod
    def _rule() -> QFrame:
        """Sets the tags, which keep their own history, apart from the household's fields."""
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        return line

    @staticmethod
    def _size_box(value: int) -> QSpinBox:
        box = QSpinBox()
        box.setMaximumWidth(150)
        box.setObjectName("size")
        box.setRange(1, 99)
        box.setValue(value)
        box.setSuffix(" 人")
        return box

    @staticmethod
    def _id_hint(masked: str) -> str:
        """A registered ID is never put in the field: it shows masked, typing replaces it."""
        if masked:
            return f"已登记 {masked}，留空则不变"
        return "18 位（可不填）"

    def _tag_grid(self) -> QWidget:
        box = QWidget()
        box.setObjectName("key_groups")
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.checks: dict[str, QCheckBox] = {}
        for n, name in enumerate(self.choices.key_groups):
            check = QCheckBox(name)
            check.setObjectName(f"tag_{name}")
            check.setChecked(name in self.start.tags)
            check.toggled.connect(self._tags_toggled)
            grid.addWidget(check, n // TAG_COLUMNS, n % TAG_COLUMNS)
            self.checks[name] = check
        return box

    def _fill_grids(self, chosen: int | None) -> None:
        self.grid.clear()
        self.grid.addItem(NO_GRID, None)
        for name, gid in self.choices.grids.get(self.community.currentData(), []):
            self.grid.addItem(name, gid)
        self.grid.setCurrentIndex(max(0, self.grid.findData(chosen)))

    def _tags_toggled(self) -> None:
        added, removed = self.tag_changes()
        changed = bool(added or removed)
        self.tag_date.setEnabled(changed)
        self.tag_reason.setEnabled(changed)

    # -- reading -------------------------------------------------------------------------------
    def tag_changes(self) -> tuple[list[str], list[str]]:
        """(added, removed) key groups compared with when the form opened."""
        ticked = {name for name, check in self.checks.items() if check.isChecked()}
        before = set(self.start.tags)
        order = self.choices.key_groups
        return ([n for n in order if n in ticked - before], [n for n in order if n in before - ticked])

    def input(self) -> HouseholdInput:
        if self.community.currentData() is None:
            raise ValidationError("请先在“村（社区）”页添加村（社区）", "community")
        typed_id = self.resident_id.text().strip()
        return HouseholdInput(
            community_id=self.community.currentData(), address=self.address.text(),
            head_name=self.head_name.text(), phones=self.phones.text(), size=self.size_box.value(),
            kind=self.kind.currentData(), grid_id=self.grid.currentData(),
            head_resident_id=typed_id or None, note=self.note.text())

    def try_save(self) -> None:
        """Asks first when the address and phone match a household already entered."""
        try:
            data = self.input()
            with self.db.session() as s:
                found = household_service.possible_duplicates(s, data, self.start.household_id)
        except DomainError as exc:
            self.body.show_error(exc)
            return
        if found and not ask_duplicate(self, found):
            return
        super().try_save()

    def save(self) -> int:
        with self.db.session() as s:
            if self.start.household_id is None:
                hid = household_service.create_household(s, self.input()).id
            else:
                hid = household_service.update_household(s, self.start.household_id, self.input(),
                                                         self.start.version).id
            self._save_tags(s, hid)
            return hid

    def _save_tags(self, session: Session, household_id: int) -> None:
        if not self.sees_tags:
            return
        added, removed = self.tag_changes()
        on, reason = date_of(self.tag_date), self.tag_reason.text()
        for name in added:
            household_service.tag_household(session, household_id, name, on, reason)
        for name in removed:
            household_service.untag_household(session, household_id, name, on, reason)
