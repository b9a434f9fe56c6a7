"""人员 tab: everyone on the roster, with 新增, 编辑, 退出名册."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import DomainError
from app.services.people import PersonInput
from ui.context import AppContext
from ui.people.dialogs import PersonDialog, RetireDialog
from ui.people.rows import PersonRow, person_input, person_rows
from ui.widgets.list_page import ListPage
from ui.widgets.table import Column

COLUMNS: list[Column[PersonRow]] = [
    Column("姓名", lambda r: r.name, width=80),
    Column("性别", lambda r: r.gender, width=50),
    Column("单位", lambda r: r.unit, width=150),
    Column("职务", lambda r: r.position, width=120),
    Column("类别", lambda r: r.category, width=90),
    Column("电话", lambda r: r.phone, width=120),
    Column("身份证号", lambda r: r.resident_id, width=160),
    Column("所在团队", lambda r: r.teams),
]


class PeoplePage(ListPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, "搜索姓名、单位、职务、电话…", "people", parent)
        self.ctx = ctx
        self.add_button("person_new", "新增人员", self.new_person).setProperty("primary", True)
        self.add_button("person_edit", "编辑", self.edit_person)
        self.add_button("person_retire", "退出名册", self.retire_person)
        self.table.doubleClicked.connect(self.edit_person)
        ctx.data_changed.connect(self.mark_stale)

    def reload(self) -> None:
        with self.ctx.db.session() as s:
            self.set_rows(person_rows(s))

    def new_person(self) -> None:
        if PersonDialog(self.ctx.db, PersonInput(""), parent=self).exec():
            self.ctx.data_changed.emit()

    def edit_person(self) -> None:
        row: PersonRow | None = self.selected()
        if row is None:
            return
        try:
            with self.ctx.db.session() as s:
                data, version = person_input(s, row.id)
        except DomainError as exc:
            QMessageBox.warning(self, "编辑人员", exc.message)
            return
        if PersonDialog(self.ctx.db, data, row.id, version, self).exec():
            self.ctx.data_changed.emit()

    def retire_person(self) -> None:
        row: PersonRow | None = self.selected()
        if row is not None and RetireDialog(self.ctx.db, row.id, row.name, self).exec():
            self.ctx.data_changed.emit()
