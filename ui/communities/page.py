"""村（社区） tab: the villages and communities teams are stationed in, with add and edit."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.auth import Permission
from app.db import Database
from app.models import CommunityKind
from app.services import communities as community_service
from app.services.communities import CommunityInput
from ui.communities.grids import GridPanel
from ui.communities.rows import CommunityRow, community_rows
from ui.context import AppContext
from ui.widgets.empty_hint import set_empty_hint
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, line_edit
from ui.widgets.list_page import ListPage
from ui.widgets.table import Column

COLUMNS: list[Column[CommunityRow]] = [
    Column("名称", lambda r: r.name, width=140),
    Column("类型", lambda r: r.kind, width=60),
    Column("办公地点", lambda r: r.office_address, width=220),
    Column("网格", lambda r: r.grids, width=160),
    Column("驻点团队", lambda r: r.teams, width=200),
    Column("备注", lambda r: r.note),
]
KINDS: list[tuple[str, CommunityKind | None]] = (
    [("按名称判断", None)] + [(k.label, k) for k in CommunityKind])


class CommunityDialog(FormDialog):
    def __init__(self, db: Database, row: CommunityRow | None, parent: QWidget | None = None
                 ) -> None:
        super().__init__("新增村（社区）" if row is None else "编辑村（社区）", parent)
        self.db, self.row = db, row
        kind = CommunityKind(row.kind_code) if row else None
        self.name = self.add_field("name", "名称", line_edit(row.name if row else "", "如：石岗村", "name"))
        self.kind = self.add_field("kind", "类型", choice_combo(KINDS, kind, "kind"))
        self.address = self.add_field("office_address", "办公地点",
                                      line_edit(row.office_address if row else "", "", "office_address"))
        self.note = self.add_field("note", "备注", line_edit(row.note if row else "", "", "note"))
        self.grids_changed = False
        self.grids: GridPanel | None = None
        if row is None:
            self.add_field("grids", "网格", QLabel("保存后，再次打开即可添加网格。"))
        else:
            self.grids = self.add_field("grids", "网格", GridPanel(db, row.id))
            self.grids.changed.connect(self._grids_changed)

    def _grids_changed(self) -> None:
        self.grids_changed = True

    def save(self) -> int:
        data = CommunityInput(self.name.text(), self.kind.currentData(), self.address.text(),
                              self.note.text())
        with self.db.session() as s:
            if self.row is None:
                return community_service.create_community(s, data).id
            return community_service.update_community(s, self.row.id, data, self.row.version).id


class CommunitiesPage(ListPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, "搜索名称、地点、团队…", "communities", parent)
        self.ctx = ctx
        self.can_edit = ctx.can(Permission.EDIT_DIRECTORY)
        set_empty_hint(self.table, "还没有村（社区）。点“新增村（社区）”添加本镇的村和社区，"
                                   "再在其中添加网格。" if self.can_edit
                       else "还没有村（社区）。村（社区）由党政办登记。")
        if self.can_edit:  # read-only roles see the list without the buttons
            self.add_button("community_new", "新增村（社区）", self.new_community).setProperty(
                "primary", True)
            self.add_button("community_edit", "编辑", self.edit_community)
            self.table.doubleClicked.connect(self.edit_community)
        ctx.data_changed.connect(self.mark_stale)

    def reload(self) -> None:
        with self.ctx.db.session() as s:
            self.set_rows(community_rows(s))

    def new_community(self) -> None:
        if self.can_edit and CommunityDialog(self.ctx.db, None, self).exec():
            self.ctx.data_changed.emit()

    def edit_community(self) -> None:
        row = self.selected()
        if row is None or not self.can_edit:
            return
        dialog = CommunityDialog(self.ctx.db, row, self)
        # grid changes are saved as they are made, so they count even when 取消 closes the form
        if dialog.exec() or dialog.grids_changed:
            self.ctx.data_changed.emit()
