"""设置: the town's settings form (with the visit targets, the problem categories and what the
red-header documents print: 发文机关, the 机关代字 of their numbers, 抄送, 印发机关) and the
backups of this database.

One 保存设置 saves the town's settings, the two visit targets and the category list in one
transaction; when anything is refused nothing is saved and what the user typed stays on the
page, with the refused field or category row pointed out.
"""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from app.auth import Permission
from app.db.backup import BackupInfo
from app.paths import backup_dir_for
from app.errors import DomainError, ValidationError
from app.services import problem_categories
from app.services.problem_categories import CategoryInput, CategoryRow
from app.services.settings import SettingsInput, get_settings, update_settings
from ui import backup_actions
from ui.context import AppContext
from ui.widgets.form import TOP_ERROR_STYLE, FormBody
from ui.widgets.inputs import line_edit, set_clearable, time_edit, time_of, weekday_combo
from ui.widgets.table import Column, RowTableModel, make_table_view, selected_row

BACKUP_COLUMNS: list[Column[BackupInfo]] = [
    Column("备份时间", lambda b: f"{b.taken_at:%Y-%m-%d %H:%M:%S}", width=170),
    Column("原因", lambda b: b.reason_label, width=80),
    Column("大小", lambda b: f"{b.size / 1024:,.0f} KB", width=100),
    Column("文件", lambda b: b.path.name),
]


def spin(value: int, low: int, high: int, name: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setObjectName(name)
    box.setMaximumWidth(120)
    return box


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.version: int | None = None
        self.can_edit = ctx.can(Permission.EDIT_SETTINGS)
        self.can_maintain = ctx.can(Permission.MAINTAIN_DATABASE)
        layout = QVBoxLayout(self)
        boxes = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self._settings_box(), 3)
        left.addWidget(self._documents_box(), 2)
        boxes.addLayout(left, 1)
        boxes.addWidget(self._visits_box(), 1)
        layout.addLayout(boxes, 3)
        layout.addLayout(self._save_row())
        backups = self._backup_box()
        layout.addWidget(backups, 2)
        # Roles that may not look after the database do not see its backups; roles that
        # may not change the settings see them read-only.
        backups.setVisible(self.can_maintain)
        if not self.can_maintain:
            layout.addStretch(1)
        ctx.database_replaced.connect(self.reload)
        self.reload()

    def _settings_box(self) -> QGroupBox:
        group = QGroupBox("镇（街道）设置")
        self.body = FormBody()
        add = self.body.add_field
        self.town_name = add("town_name", "镇（街道）名称", line_edit("", "如：赤溪镇", "town_name"))
        self.district_name = add("district_name", "上级区县", line_edit("", "如：台山市", "district_name"))
        self.hotline = add("hotline", "服务热线", line_edit("", "", "hotline"))
        self.area_code = add("area_code", "电话区号",
                             line_edit("", "如：0750（座机没写区号时自动补上）", "area_code"))
        self.area_code.setMaximumWidth(260)
        self.weekday = add("station_weekday", "默认驻点日", weekday_combo(2, "station_weekday"))
        self.weekday.setMaximumWidth(120)
        hours = QWidget()
        row = QHBoxLayout(hours)
        row.setContentsMargins(0, 0, 0, 0)
        self.start = time_edit(time(15, 0), "station_start")
        self.end = time_edit(time(18, 30), "station_end")
        for widget in (self.start, QLabel("至"), self.end):
            row.addWidget(widget)
        row.addStretch(1)
        add("station_end", "默认驻点时段", hours)
        self.max_size = add("max_station_team_size", "驻点团队人数上限", spin(10, 1, 30, "max_size"))
        self.max_communities = add("max_communities_per_leader", "每位领导联系村（社区）上限",
                                   spin(2, 1, 10, "max_communities"))
        column = QVBoxLayout(group)
        column.addWidget(self.body)
        column.addStretch(1)
        if not self.can_edit:
            for widget in (self.town_name, self.district_name, self.hotline, self.area_code):
                widget.setReadOnly(True)
                set_clearable(widget, False)
                widget.setPlaceholderText("（未填）")
            for widget in (self.weekday, self.start, self.end, self.max_size, self.max_communities):
                widget.setEnabled(False)
        return group

    def _documents_box(self) -> QGroupBox:
        """What the red-header documents (月通报, 抽查督查情况通报) print when issued."""
        group = QGroupBox("公文（红头通报）")
        self.docs_body = FormBody()
        add = self.docs_body.add_field
        self.issuing_organ = add("issuing_organ", "发文机关全称", line_edit(
            "", "如：中共赤溪镇委员会组织办公室（不填：镇名加“党委组织办”）", "issuing_organ"))
        self.doc_prefix = add("doc_prefix", "发文字号机关代字", line_edit(
            "", "如：赤组通（不填：镇名首字加“组通”）", "doc_prefix"))
        self.copy_to = add("copy_to", "抄送", line_edit(
            "", "如：镇党委书记、镇长，各驻点团队（不填：不印抄送）", "copy_to"))
        self.printing_organ = add("printing_organ", "印发机关", line_edit(
            "", "如：中共赤溪镇委员会办公室（不填：同发文机关）", "printing_organ"))
        hint = QLabel("通报印发时编发文字号（如 赤组通〔2026〕3号）并确定成文日期；"
                      "已印发的通报不受这里的修改影响。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5d6d7e;")
        column = QVBoxLayout(group)
        column.addWidget(self.docs_body)
        column.addWidget(hint)
        column.addStretch(1)
        if not self.can_edit:
            for widget in self._document_fields():
                widget.setReadOnly(True)
                set_clearable(widget, False)
                widget.setPlaceholderText("（未填）")
        return group

    def _document_fields(self) -> tuple:  # type: ignore[type-arg]
        return (self.issuing_organ, self.doc_prefix, self.copy_to, self.printing_organ)

    def _visits_box(self) -> QGroupBox:
        group = QGroupBox("走访与问题")
        self.visits_body = FormBody()
        add = self.visits_body.add_field
        self.visits_per_year = add("visits_per_household_per_year", "每户每年至少走访（次）",
                                   spin(1, 1, 12, "visits_per_household_per_year"))
        self.key_visits = add("key_visits_per_team_per_month", "每团队每月走访重点户（户）",
                              spin(20, 1, 500, "key_visits_per_team_per_month"))
        self.categories = CategoryTable(self.can_edit)
        hint = QLabel("问题类别及默认办结时限：登记问题时不填办结时限，就按类别的天数计算"
                      "（现场解决的当天办结）。停用的类别不再列出，已登记的问题保留原类别。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5d6d7e;")
        self.category_error = QLabel()
        self.category_error.setObjectName("categoryError")
        self.category_error.setWordWrap(True)
        self.category_error.setStyleSheet(TOP_ERROR_STYLE)
        self.category_error.hide()
        column = QVBoxLayout(group)
        column.addWidget(self.visits_body)
        column.addWidget(hint)
        column.addWidget(self.category_error)
        column.addWidget(self.categories, 1)
        if not self.can_edit:
            for widget in (self.visits_per_year, self.key_visits):
                widget.setEnabled(False)
        return group

    def _save_row(self) -> QHBoxLayout:
        self.saved_label = QLabel()
        self.save_button = QPushButton("保存设置")
        self.save_button.setObjectName("settings_save")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved_label)
        buttons.addStretch(1)
        if not self.can_edit:
            self.save_button.hide()
            self.saved_label.setObjectName("readOnlyNote")
            self.saved_label.setText("只读：您的账户不能修改设置（由管理员或党政办修改）。")
            self.saved_label.setStyleSheet("color: #5d6d7e;")
        return buttons

    def _backup_box(self) -> QGroupBox:
        group = QGroupBox("备份")
        self.backup_hint = QLabel()
        self.backup_hint.setWordWrap(True)
        self.backup_model: RowTableModel[BackupInfo] = RowTableModel(BACKUP_COLUMNS, self)
        self.backup_table = make_table_view(self.backup_model)
        self.backup_table.setObjectName("backupTable")
        self.backup_button = QPushButton("立即备份")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("从所选备份恢复…")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        column = QVBoxLayout(group)
        column.addWidget(self.backup_hint)
        column.addLayout(buttons)
        column.addWidget(self.backup_table, 1)
        return group

    # -- settings --------------------------------------------------------------------------
    def reload(self) -> None:
        with self.ctx.db.session() as s:
            t = get_settings(s)
            values = (t.town_name, t.district_name, t.hotline, t.station_weekday, t.station_start,
                      t.station_end, t.max_station_team_size, t.max_communities_per_leader,
                      t.visits_per_household_per_year, t.key_visits_per_team_per_month)
            documents = (t.issuing_organ, t.doc_prefix, t.copy_to, t.printing_organ)
            area_code = t.area_code
            self.version = t.version
            categories = problem_categories.category_rows(s)
        self.town_name.setText(values[0])
        self.district_name.setText(values[1])
        self.hotline.setText(values[2])
        self.area_code.setText(area_code)
        self.weekday.setCurrentIndex(self.weekday.findData(values[3]))
        self.start.setTime(values[4])
        self.end.setTime(values[5])
        self.max_size.setValue(values[6])
        self.max_communities.setValue(values[7])
        self.visits_per_year.setValue(values[8])
        self.key_visits.setValue(values[9])
        for widget, text in zip(self._document_fields(), documents):
            widget.setText(text)
        self.categories.set_rows(categories)
        self.clear_errors()
        self.reload_backups()

    def input(self) -> SettingsInput:
        return SettingsInput(self.town_name.text(), self.district_name.text(), self.hotline.text(),
                             self.weekday.currentData(), time_of(self.start), time_of(self.end),
                             self.max_size.value(), self.max_communities.value(),
                             self.visits_per_year.value(), self.key_visits.value(),
                             self.issuing_organ.text(), self.doc_prefix.text(),
                             self.copy_to.text(), self.printing_organ.text(),
                             self.area_code.text())

    def save(self) -> None:
        """Settings, visit targets and categories in one transaction: all saved or none."""
        if not self.can_edit:
            return
        rows, deleted = self.categories.inputs(), self.categories.deleted_ids
        try:
            with self.ctx.db.session() as s:
                version = update_settings(s, self.input(), self.version).version
                problem_categories.save_categories(s, rows, deleted)
                categories = problem_categories.category_rows(s)
        except DomainError as exc:
            self.show_error(exc)
            self.saved_label.setText("")
            return
        self.version = version
        self.categories.set_rows(categories)
        self.clear_errors()
        self.saved_label.setText("设置已保存。")
        self.ctx.data_changed.emit()

    def clear_errors(self) -> None:
        self.body.clear_errors()
        self.visits_body.clear_errors()
        self.docs_body.clear_errors()
        self.category_error.hide()
        self.categories.mark_rows(())

    def show_error(self, exc: DomainError) -> None:
        """Each message beside its field; the category list's under the table, its rows marked."""
        self.clear_errors()
        if isinstance(exc, ValidationError) and exc.field == "categories":
            self.category_error.setText(exc.message)
            self.category_error.show()
            self.categories.mark_rows(int(key[3:]) - 1 for key in exc.problems
                                      if key.startswith("row"))
            return
        problems = exc.problems if isinstance(exc, ValidationError) else {}
        placed: set[str] = set()
        for body in (self.visits_body, self.docs_body):
            mine = {k: m for k, m in problems.items() if k in body.field_errors}
            if mine:
                body.show_error(ValidationError(next(iter(mine.values())), problems=mine))
                placed |= set(mine)
        rest = {k: m for k, m in problems.items() if k not in placed}
        if rest or not problems:
            self.body.show_error(ValidationError(next(iter(rest.values())), problems=rest)
                                 if rest else exc)

    # -- backups ---------------------------------------------------------------------------
    def reload_backups(self) -> None:
        server = self.ctx.db.path is None
        self.backup_hint.setText(
            "服务器数据库（PostgreSQL）请由管理员用 pg_dump 备份。" if server else
            f"备份保存在数据库旁的文件夹中：{backup_dir_for(self.ctx.db.path) if self.ctx.db.path else ''}。"
            "保留最新 10 份，另加最近 14 天每天 1 份、最近 12 个月每月 1 份。")
        self.backup_model.set_rows(backup_actions.backups_of(self.ctx))
        for button in (self.backup_button, self.restore_button):
            button.setEnabled(not server)

    def backup_now(self) -> None:
        backup_actions.backup_now(self, self.ctx, lambda _path: self.reload_backups())

    def restore_selected(self) -> None:
        info: BackupInfo | None = selected_row(self.backup_table)
        if info is None:
            backup_actions.choose_and_restore(self, self.ctx, self.reload_backups)
            return
        backup_actions.restore_backup(self, self.ctx, info.path, self.reload_backups)



CATEGORY_HEADERS = ("类别名称", "默认办结时限（天）", "停用", "已登记问题")
NAME, DAYS, RETIRED, USED = range(4)
MARKED = QBrush(QColor("#f5b7b1"))
RETIRED_TEXT = QBrush(QColor("#808b96"))


class CategoryTable(QWidget):
    """The problem categories as an editable list: name, default days, 停用, and how many
    problems use each (a used category cannot be removed, only retired). Rows keep their
    id and version; removed saved rows are remembered until the page saves or reloads."""

    def __init__(self, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editable = editable
        self.deleted_ids: list[int] = []
        self.table = QTableWidget(0, len(CATEGORY_HEADERS))
        self.table.setObjectName("categoryTable")
        self.table.setHorizontalHeaderLabels(CATEGORY_HEADERS)
        self.table.verticalHeader().setDefaultSectionSize(26)  # row numbers: 第 N 行
        self.table.setMinimumHeight(26 * 9 + 30)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (DAYS, RETIRED, USED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        if not editable:
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.table.setColumnHidden(USED, True)  # the town's counts: for settings editors
        self.add_button = self._button("category_add", "添加", self.add_row)
        self.remove_button = self._button("category_remove", "删除", self.remove_row)
        self.up_button = self._button("category_up", "上移", lambda: self.move(-1))
        self.down_button = self._button("category_down", "下移", lambda: self.move(1))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        column.addLayout(buttons)
        column.addWidget(self.table, 1)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
            if not editable:
                button.hide()
        buttons.addStretch(1)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def _button(self, name: str, text: str, slot) -> QPushButton:  # type: ignore[no-untyped-def]
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # -- rows ------------------------------------------------------------------------------
    def set_rows(self, rows: list[CategoryRow]) -> None:
        self.deleted_ids = []
        self._fill([(r.id, r.version, r.problems, r.name, r.deadline_days, not r.active)
                    for r in rows])

    def _fill(self, states: list[tuple], current: int = -1) -> None:  # type: ignore[type-arg]
        self.table.setRowCount(0)
        for state in states:
            self._append(*state)
        if 0 <= current < self.table.rowCount():
            self.table.selectRow(current)
        self._update_buttons()

    def _append(self, id_: int | None, version: int | None, used: int, name: str, days: int,
                retired: bool) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name_item = QTableWidgetItem(name)
        name_item.setData(Qt.ItemDataRole.UserRole, (id_, version, used))
        if retired:
            name_item.setForeground(RETIRED_TEXT)
            name_item.setToolTip("已停用：登记问题时不再列出，已登记的问题保留这个类别。")
        self.table.setItem(row, NAME, name_item)
        box = QSpinBox()
        box.setRange(1, 365)
        box.setValue(days)
        box.setSuffix(" 天")
        box.setEnabled(self.editable)
        box.setFrame(False)
        self.table.setCellWidget(row, DAYS, box)
        retired_item = QTableWidgetItem("")
        retired_item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | (
            Qt.ItemFlag.ItemIsUserCheckable if self.editable else Qt.ItemFlag.NoItemFlags))
        retired_item.setCheckState(Qt.CheckState.Checked if retired else Qt.CheckState.Unchecked)
        self.table.setItem(row, RETIRED, retired_item)
        used_item = QTableWidgetItem(f"{used} 个" if id_ is not None else "（新增）")
        used_item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        used_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, USED, used_item)
        return row

    def _state(self, row: int) -> tuple:  # type: ignore[type-arg]
        id_, version, used = self.table.item(row, NAME).data(Qt.ItemDataRole.UserRole)
        return (id_, version, used, self.table.item(row, NAME).text(), self.days(row).value(),
                self.table.item(row, RETIRED).checkState() == Qt.CheckState.Checked)

    def days(self, row: int) -> QSpinBox:
        return self.table.cellWidget(row, DAYS)  # type: ignore[return-value]

    def inputs(self) -> list[CategoryInput]:
        """The rows as typed, in the order shown (an open name editor is committed first)."""
        self._commit_editor()
        out = []
        for row in range(self.table.rowCount()):
            id_, version, _used, name, days, retired = self._state(row)
            out.append(CategoryInput(name=name, deadline_days=days, active=not retired, id=id_,
                                     version=version))
        return out

    def _commit_editor(self) -> None:
        """A name still being typed counts: commit the open editor before reading or moving."""
        if self.table.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.table.indexWidget(self.table.currentIndex())
        if editor is not None:
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def mark_rows(self, rows) -> None:  # type: ignore[no-untyped-def]
        marked = set(rows)
        for row in range(self.table.rowCount()):
            self.table.item(row, NAME).setBackground(MARKED if row in marked else QBrush())
        if marked:
            first = min(marked)
            if first < self.table.rowCount():
                self.table.selectRow(first)
                self.table.scrollToItem(self.table.item(first, NAME))

    # -- buttons ---------------------------------------------------------------------------
    def selected(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _update_buttons(self) -> None:
        row = self.selected()
        used = self._state(row)[2] if row >= 0 else 0
        self.remove_button.setEnabled(row >= 0 and not used)
        self.remove_button.setToolTip("已有问题使用的类别不能删除，可以勾选“停用”。" if used else "")
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.table.rowCount() - 1)

    def add_row(self) -> None:
        self._commit_editor()
        row = self._append(None, None, 0, "", 15, False)
        self.table.selectRow(row)
        self.table.setCurrentCell(row, NAME)
        self.table.editItem(self.table.item(row, NAME))
        self._update_buttons()

    def remove_row(self) -> None:
        row = self.selected()
        if row < 0:
            return
        self._commit_editor()
        id_, _version, used, *_ = self._state(row)
        if used:
            return
        if id_ is not None:
            self.deleted_ids.append(id_)
        self.table.removeRow(row)
        if self.table.rowCount():
            self.table.selectRow(min(row, self.table.rowCount() - 1))
        self._update_buttons()

    def move(self, step: int) -> None:
        row = self.selected()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        self._commit_editor()
        states = [self._state(r) for r in range(self.table.rowCount())]
        states[row], states[target] = states[target], states[row]
        deleted = self.deleted_ids
        self._fill(states, target)
        self.deleted_ids = deleted
