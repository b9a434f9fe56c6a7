"""设置: the town's settings form and the backups of this database."""

from __future__ import annotations

from datetime import time

from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from app.auth import Permission
from app.db.backup import BackupInfo
from app.paths import backup_dir_for
from app.errors import DomainError
from app.services.settings import SettingsInput, get_settings, update_settings
from ui import backup_actions
from ui.context import AppContext
from ui.widgets.form import FormBody
from ui.widgets.inputs import line_edit, time_edit, time_of, weekday_combo
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
        layout.addWidget(self._settings_box())
        backups = self._backup_box()
        layout.addWidget(backups, 1)
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
        self.saved_label = QLabel()
        self.save_button = QPushButton("保存设置")
        self.save_button.setObjectName("settings_save")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved_label)
        buttons.addStretch(1)
        column = QVBoxLayout(group)
        column.addWidget(self.body)
        column.addLayout(buttons)
        if not self.can_edit:
            self.save_button.hide()
            self.saved_label.setObjectName("readOnlyNote")
            self.saved_label.setText("只读：您的账户不能修改设置（由管理员或党政办修改）。")
            self.saved_label.setStyleSheet("color: #5d6d7e;")
            for widget in (self.town_name, self.district_name, self.hotline):
                widget.setReadOnly(True)
                widget.setClearButtonEnabled(False)
                widget.setPlaceholderText("（未填）")
            for widget in (self.weekday, self.start, self.end, self.max_size, self.max_communities):
                widget.setEnabled(False)
        return group

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
                      t.station_end, t.max_station_team_size, t.max_communities_per_leader)
            self.version = t.version
        self.town_name.setText(values[0])
        self.district_name.setText(values[1])
        self.hotline.setText(values[2])
        self.weekday.setCurrentIndex(self.weekday.findData(values[3]))
        self.start.setTime(values[4])
        self.end.setTime(values[5])
        self.max_size.setValue(values[6])
        self.max_communities.setValue(values[7])
        self.body.clear_errors()
        self.reload_backups()

    def input(self) -> SettingsInput:
        return SettingsInput(self.town_name.text(), self.district_name.text(), self.hotline.text(),
                             self.weekday.currentData(), time_of(self.start), time_of(self.end),
                             self.max_size.value(), self.max_communities.value())

    def save(self) -> None:
        if not self.can_edit:
            return
        try:
            with self.ctx.db.session() as s:
                self.version = update_settings(s, self.input(), self.version).version
        except DomainError as exc:
            self.body.show_error(exc)
            self.saved_label.setText("")
            return
        self.body.clear_errors()
        self.saved_label.setText("设置已保存。")
        self.ctx.data_changed.emit()

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

