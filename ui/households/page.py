"""住户 tab: every household of one community (or all), found by name, address or phone.

Rows are loaded in a worker the first time the tab is shown, not at start-up.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout,
                               QWidget)

from app.auth import Permission
from app.db import Database
from app.errors import DomainError
from app.services.households import HouseholdInput, HouseholdRow, household_row, household_rows
from ui import tasks
from ui.communities.rows import community_choices
from ui.context import AppContext
from ui.households.dialog import (HouseholdChoices, HouseholdDialog, HouseholdStart,
                                  household_choices, household_start)
from ui.auth.reveal import reveal_id
from ui.households.model import COLUMNS, ROW_ROLE, WIDTHS, HouseholdModel
from ui.widgets.inputs import line_edit
from ui.widgets.messages import error
from ui.widgets.table import make_table_view
from ui.widgets.empty_hint import FILTERED, set_empty_hint

DEBOUNCE_MS = 150
KEY_GROUP_COLUMN = [field for _, field in COLUMNS].index("key_groups")


def load_rows(db: Database, community_id: int | None) -> list[HouseholdRow]:
    """Runs in a worker, with its own session; hands back frozen plain rows."""
    with db.session() as s:
        return household_rows(s, community_id)


class HouseholdsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False
        self._own_save = False  # the page refreshes its own row; no reload of every row
        self._generation = 0
        self.model = HouseholdModel(self)
        self.community = QComboBox()
        self.community.setObjectName("householdCommunity")
        self.community.setMinimumWidth(160)
        self.search = line_edit(placeholder="搜索户主姓名、门牌地址或电话…", name="householdSearch")
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _text: self.timer.start())
        self.table = make_table_view(self.model)
        self.table.setObjectName("householdTable")
        set_empty_hint(self.table, lambda: FILTERED if self.model.total else
                       "还没有住户。点“新增住户”逐户登记，或用“文件 → 导入花名册…”"
                       "导入住户表（先要有村（社区））。")
        self.table.setSortingEnabled(True)
        for i, width in enumerate(WIDTHS):
            self.table.setColumnWidth(i, width)
        self.count = QLabel("尚未加载")
        self.count.setObjectName("countLabel")
        self.new_button = self._button("household_new", "新增住户", self.new_household)
        self.new_button.setProperty("primary", True)
        self.edit_button = self._button("household_edit", "编辑", self.edit_household)
        self._apply_roles()
        self._layout()
        self.community.currentIndexChanged.connect(lambda _i: self.load())
        ctx.data_changed.connect(self._data_changed)

    def _apply_roles(self) -> None:
        """Read-only roles get no buttons; key groups only for roles that may see them (the
        service leaves them blank for the others); unmasking only for roles allowed to."""
        self.can_edit = self.ctx.can(Permission.EDIT_DIRECTORY)
        self.can_unmask = self.ctx.can(Permission.UNMASK_ID)
        self.new_button.setVisible(self.can_edit)
        self.edit_button.setVisible(self.can_edit)
        if self.can_edit:
            self.table.doubleClicked.connect(lambda _index: self.edit_household())
            for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                QShortcut(QKeySequence(key), self.table, self.edit_household,
                          context=Qt.ShortcutContext.WidgetShortcut)
        self.table.setColumnHidden(KEY_GROUP_COLUMN, not self.ctx.can(Permission.VIEW_SENSITIVE))
        if self.can_unmask:
            self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            self.table.customContextMenuRequested.connect(self._context_menu)

    def _context_menu(self, at: QPoint) -> None:
        if self.selected() is None:
            return
        menu = QMenu(self)
        menu.addAction("显示户主完整身份证号…", self.reveal_selected)
        menu.exec(self.table.viewport().mapToGlobal(at))

    def reveal_selected(self) -> None:
        row = self.selected()
        if row is not None and self.can_unmask:
            reveal_id(self, self.ctx.db, "household", row.id,
                      f"户主：{row.head_name}（{row.address}）")

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addSpacing(12)
        top.addWidget(QLabel("村（社区）"))
        top.addWidget(self.community)
        top.addSpacing(12)
        top.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

    def fill_communities(self) -> None:
        chosen = self.community.currentData()
        self.community.blockSignals(True)
        self.community.clear()
        self.community.addItem("全部", None)
        with self.ctx.db.session() as s:
            for name, cid in community_choices(s):
                self.community.addItem(name, cid)
        self.community.setCurrentIndex(max(0, self.community.findData(chosen)))
        self.community.blockSignals(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.fill_communities()
            self.load()

    def _button(self, key: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(key)
        button.clicked.connect(slot)
        return button

    def _data_changed(self) -> None:
        if self.loaded and not self._own_save:
            self.fill_communities()
            self.load()

    def load(self) -> None:
        self.loaded = True
        self._generation += 1
        generation, db, cid = self._generation, self.ctx.db, self.community.currentData()
        self.count.setText("正在加载住户…")
        tasks.start(lambda _p, _c: load_rows(db, cid),
                    lambda rows: self._loaded(generation, rows), self._failed)

    def _loaded(self, generation: int, rows: list[HouseholdRow]) -> None:
        if generation != self._generation:
            return  # a newer load (another community) was asked for meanwhile
        self.model.set_rows(rows)
        self.update_count()

    def _failed(self, exc: Any) -> None:
        self.count.setText("加载失败")
        error(self, "住户", f"读取住户列表失败：{exc}")

    def apply_filter(self) -> None:
        self.timer.stop()
        self.model.set_filter(self.search.text())
        self.update_count()

    def update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        self.count.setText(f"显示 {shown:,} / 共 {total:,} 户" if shown != total else f"共 {total:,} 户")

    # -- add and edit --------------------------------------------------------------------------
    def selected(self) -> HouseholdRow | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def new_household(self) -> None:
        if not self.can_edit:
            return
        with self.ctx.db.session() as s:
            choices = household_choices(s)
        first = choices.communities[0][1] if choices.communities else 0
        community = self.community.currentData() or first
        self._open(choices, HouseholdStart(HouseholdInput(community, "", "")))

    def edit_household(self) -> None:
        row = self.selected()
        if row is None or not self.can_edit:
            return
        try:
            with self.ctx.db.session() as s:
                choices, start = household_choices(s), household_start(s, row.id)
        except DomainError as exc:
            error(self, "编辑住户", exc.message)
            return
        self._open(choices, start)

    def _open(self, choices: HouseholdChoices, start: HouseholdStart) -> None:
        dialog = HouseholdDialog(self.ctx.db, choices, start, self)
        if dialog.exec():
            self.show_saved(dialog.result_value)

    def show_saved(self, household_id: int) -> None:
        """Refresh the one saved row in place, keep the filter, select it, tell the others."""
        with self.ctx.db.session() as s:
            row = household_row(s, household_id)
        if self.community.currentData() in (None, self._community_id_of(row)):
            at = self.model.put_row(row)
            if at is not None:
                self.table.selectRow(at)
                self.table.scrollTo(self.model.index(at, 0))
        else:
            self.model.drop_row(household_id)
        self.update_count()
        self._own_save = True
        try:
            self.ctx.data_changed.emit()
        finally:
            self._own_save = False

    def _community_id_of(self, row: HouseholdRow) -> Any:
        return self.community.itemData(self.community.findText(row.community))
