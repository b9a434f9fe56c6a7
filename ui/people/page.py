"""人员 tab: everyone on the roster, with 新增, 编辑, 退出名册."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from app.auth import Permission
from app.errors import DomainError
from app.services.people import PersonInput
from ui.context import AppContext
from ui.widgets.empty_hint import set_empty_hint
from ui.people.dialogs import PersonDialog, RetireDialog, reveal_id
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
        self.can_edit = ctx.can(Permission.EDIT_DIRECTORY)
        self.can_unmask = ctx.can(Permission.UNMASK_ID)
        set_empty_hint(self.table, "还没有人员。点“新增人员”登记驻点的领导、干部和村（社区）人员，"
                                   "或用“文件 → 导入花名册…”一次导入。" if self.can_edit
                       else "还没有人员。人员由党政办登记。")
        if self.can_edit:  # read-only roles see the list without the buttons
            self.add_button("person_new", "新增人员", self.new_person).setProperty("primary", True)
            self.add_button("person_edit", "编辑", self.edit_person)
            self.add_button("person_retire", "退出名册", self.retire_person)
            self.table.doubleClicked.connect(self.edit_person)
        if self.can_unmask:
            self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            self.table.customContextMenuRequested.connect(self._context_menu)
        ctx.data_changed.connect(self.mark_stale)

    def _context_menu(self, at: QPoint) -> None:
        row: PersonRow | None = self.selected()
        if row is None or not row.resident_id:
            return
        menu = QMenu(self)
        menu.addAction("显示完整身份证号…", self.reveal_selected)
        menu.exec(self.table.viewport().mapToGlobal(at))

    def reveal_selected(self) -> None:
        """Only for roles allowed to unmask; each look is recorded in the audit trail."""
        row: PersonRow | None = self.selected()
        if row is not None and self.can_unmask:
            reveal_id(self, self.ctx.db, "person", row.id, row.name)

    def reload(self) -> None:
        with self.ctx.db.session() as s:
            self.set_rows(person_rows(s))

    def new_person(self) -> None:
        if self.can_edit and PersonDialog(self.ctx.db, PersonInput(""), parent=self).exec():
            self.ctx.data_changed.emit()

    def edit_person(self) -> None:
        row: PersonRow | None = self.selected()
        if row is None or not self.can_edit:
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
        if row is not None and self.can_edit and RetireDialog(self.ctx.db, row.id, row.name, self).exec():
            self.ctx.data_changed.emit()
