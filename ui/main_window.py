"""The main window: navigation on the left, one page per area, menus and the status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QMainWindow, QMessageBox,
                               QStackedWidget, QVBoxLayout, QWidget)

from app import APP_NAME, __version__
from app.db import Database
from app.db.database import counts
from ui import backup_actions, tasks
from ui.context import AppContext
from ui.directory_page import DirectoryPage
from ui.placeholders import PlannedPage
from ui.roster import actions as roster_actions
from ui.settings.page import SettingsPage

def _counts(db: Database) -> dict[str, int]:
    """Runs in a worker: four COUNT queries, kept off the UI thread at start-up."""
    with db.session() as s:
        return counts(s)


AREAS = ("团队与人员", "联系卡", "日志与台账", "会议与签到", "抽查督查", "上报与通报", "设置")


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.resize(1280, 800)
        self.stack = QStackedWidget()
        self.directory = DirectoryPage(ctx)
        self.settings = SettingsPage(ctx)
        self.pages: dict[str, QWidget] = {area: PlannedPage(area) for area in AREAS[1:-1]}
        self.pages = {AREAS[0]: self.directory, **self.pages, AREAS[-1]: self.settings}
        for area in AREAS:
            self.stack.addWidget(self._titled(area, self.pages[area]))
        self.nav = self._navigation()
        self._central()
        self._menus()
        self._status_bar()
        ctx.data_changed.connect(self.refresh_status)
        # Counted in a worker once the event loop runs, so it does not slow the first paint.
        QTimer.singleShot(0, self.refresh_status)

    def _navigation(self) -> QListWidget:
        nav = QListWidget()
        nav.setObjectName("navList")
        nav.addItems(list(AREAS))
        nav.setFixedWidth(170)
        nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        nav.setCurrentRow(0)
        return nav

    def _titled(self, area: str, page: QWidget) -> QWidget:
        wrapper = QWidget()
        column = QVBoxLayout(wrapper)
        column.setContentsMargins(14, 10, 14, 10)
        title = QLabel(area)
        title.setObjectName("pageTitle")
        column.addWidget(title)
        column.addWidget(page, 1)
        return wrapper

    def _central(self) -> None:
        side = QWidget()
        side.setObjectName("navPanel")
        side_column = QVBoxLayout(side)
        side_column.setContentsMargins(0, 0, 0, 0)
        side_column.setSpacing(0)
        header = QLabel(APP_NAME)
        header.setObjectName("navHeader")
        side_column.addWidget(header)
        side_column.addWidget(self.nav, 1)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(side)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self.actions_by_name: dict[str, QAction] = {}
        for key, text, slot, shortcut in (
                ("import", "导入花名册…", self.import_roster, "Ctrl+I"),
                ("export", "导出花名册…", self.export_roster, "Ctrl+E"),
                (None, None, None, None),
                ("backup", "立即备份", self.backup_now, ""),
                ("restore", "从备份恢复…", self.restore_backup, ""),
                (None, None, None, None),
                ("quit", "退出", self.close, QKeySequence.StandardKey.Quit)):
            if key is None:
                file_menu.addSeparator()
                continue
            action = file_menu.addAction(text)
            action.triggered.connect(slot)
            if shortcut:
                action.setShortcut(shortcut)
            self.actions_by_name[key] = action
        help_menu = self.menuBar().addMenu("帮助(&H)")
        help_menu.addAction("关于").triggered.connect(self.about)

    def _status_bar(self) -> None:
        self.db_label = QLabel()
        self.db_label.setObjectName("dbLabel")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("countsLabel")
        self.statusBar().addPermanentWidget(self.db_label)
        self.statusBar().addPermanentWidget(self.counts_label)

    # -- status ----------------------------------------------------------------------------
    def refresh_status(self) -> None:
        db = self.ctx.db
        self.db_label.setText(f"数据库：{db.display_name}")
        self.db_label.setToolTip(db.display_name)
        tasks.start(lambda _p, _c: _counts(db), self._show_counts, lambda exc: None)

    def _show_counts(self, numbers: dict[str, int]) -> None:
        self.counts_label.setText("  ".join(f"{k} {v:,}" for k, v in numbers.items()))

    def show_area(self, area: str) -> None:
        self.nav.setCurrentRow(AREAS.index(area))

    def start_background_work(self) -> None:
        """After the window is shown: the start-up backup, in a worker."""
        self.start_backup()

    def start_backup(self) -> None:
        """The start-up backup, in a worker; the status bar says when it is done."""
        db = self.ctx.db
        self.statusBar().showMessage("正在检查是否需要启动备份…")
        tasks.start(lambda _p, _c: db.backup_if_changed(), self._startup_backup_done,
                    self._startup_backup_failed)

    def _startup_backup_done(self, path: Path | None) -> None:
        text = f"启动备份已完成：{path.name}" if path else "数据自上次备份后没有变化，无需启动备份。"
        self.statusBar().showMessage(text, 15000)
        self.settings.reload_backups()

    def _startup_backup_failed(self, exc: BaseException) -> None:
        self.statusBar().showMessage(f"启动备份失败：{exc}")

    # -- menu actions ----------------------------------------------------------------------
    def import_roster(self) -> None:
        roster_actions.import_roster(self, self.ctx)

    def export_roster(self) -> None:
        roster_actions.export_roster(self, self.ctx)

    def backup_now(self) -> None:
        backup_actions.backup_now(self, self.ctx, self._backed_up)

    def _backed_up(self, path: Path) -> None:
        self.statusBar().showMessage(f"已备份：{path}", 15000)
        self.settings.reload_backups()

    def restore_backup(self) -> None:
        backup_actions.choose_and_restore(self, self.ctx, self._restored)

    def _restored(self) -> None:
        self.statusBar().showMessage("已从备份恢复，所有页面已重新载入。", 15000)
        self.settings.reload_backups()

    def about(self) -> None:
        QMessageBox.about(self, "关于", f"<b>{APP_NAME}</b> {__version__}<br><br>"
                          "镇（街道）领导干部驻点普遍直接联系群众工作的桌面程序：驻点团队与名册、"
                          "民情联系卡、驻点日志与问题台账、会议签到、抽查督查、月度上报与通报。<br><br>"
                          "中文字体：文泉驿微米黑（Apache 2.0）。")

    def closeEvent(self, event: QCloseEvent) -> None:
        tasks.wait_all()  # no worker may still be writing when the database closes
        super().closeEvent(event)
