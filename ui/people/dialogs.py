"""新增 / 编辑人员 and 退出名册."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QWidget

from app.db import Database
from app.services import people as people_service
from app.services.people import PersonInput
from ui.auth.reveal import IdField, reveal_id
from ui.people.rows import CATEGORIES, GENDERS
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, date_edit, date_of, line_edit


__all__ = ["PersonDialog", "RetireDialog", "reveal_id"]


class PersonDialog(FormDialog):
    def __init__(self, db: Database, data: PersonInput, person_id: int | None = None,
                 version: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__("新增人员" if person_id is None else "编辑人员", parent)
        self.db, self.person_id, self.version = db, person_id, version
        self.name = self.add_field("name", "姓名", line_edit(data.name, "", "name"))
        self.gender = self.add_field("gender", "性别", choice_combo(GENDERS, data.gender, "gender"))
        self.unit = self.add_field("unit", "单位", line_edit(data.unit, "如：镇党政办", "unit"))
        self.position = self.add_field("position", "职务", line_edit(data.position, "", "position"))
        self.category = self.add_field("category", "类别",
                                       choice_combo(CATEGORIES, data.category, "category"))
        self.phones = self.add_field("phones", "手机", line_edit(data.phones, "11 位手机号", "phones"))
        self.landline = self.add_field("landline", "固定电话",
                                       line_edit(data.landline, "带区号，如 0750-1234567", "landline"))
        self.resident_id = line_edit("", f"已登记 {data.resident_id_masked}，留空则不变"
                                     if data.resident_id_masked else "18 位（可不填）", "resident_id")
        self.id_field = self.add_field("resident_id", "身份证号", IdField(
            self.resident_id, db, "person", person_id, data.resident_id_masked))
        self.note = self.add_field("note", "备注", line_edit(data.note, "", "note"))

    def input(self) -> PersonInput:
        return PersonInput(self.name.text(), self.gender.currentData(), self.unit.text(),
                           self.position.text(), self.category.currentData(), self.phones.text(),
                           self.landline.text(), self.resident_id.text().strip() or None,
                           self.note.text())

    def save(self) -> int:
        with self.db.session() as s:
            if self.person_id is None:
                return people_service.create_person(s, self.input()).id
            return people_service.update_person(s, self.person_id, self.input(), self.version).id


class RetireDialog(FormDialog):
    def __init__(self, db: Database, person_id: int, name: str, parent: QWidget | None = None
                 ) -> None:
        super().__init__(f"退出名册 — {name}", parent)
        self.db, self.person_id = db, person_id
        hint = QLabel("退出名册后，此人在各团队中的任职于当天结束，历史记录保留。")
        hint.setWordWrap(True)
        self.form.addRow(hint)
        self.on = self.add_field("on", "退出日期", date_edit(date.today(), "on"))
        self.reason = self.add_field("reason", "原因", line_edit("", "如：退休、调离", "reason"))
        self.save_button.setText("退出名册")

    def save(self) -> int:
        with self.db.session() as s:
            return people_service.retire_person(s, self.person_id, date_of(self.on),
                                                self.reason.text()).id
