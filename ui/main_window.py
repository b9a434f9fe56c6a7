"""The main window: navigation on the left, one page per area, menus and the status bar.

At start-up the window is shown as a shell first (navigation, page frames, a status bar saying
the database is opening) and ``attach`` fills it once the database is open: the user sees the
program at once, and nothing from the database before its checks have passed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QMainWindow, QMessageBox,
                               QStackedWidget, QVBoxLayout, QWidget)

from app import APP_NAME, __version__
from ui import tasks
from ui.context import AppContext
from ui.first_paint import after_next_paint
from ui.placeholders import PlannedPage

if TYPE_CHECKING:  # the data layer is imported only once the shell is on screen
    from app.db import Database
    from ui.directory_page import DirectoryPage
    from ui.settings.page import SettingsPage


def _counts(db: Database) -> dict[str, int]:
    """Runs in a worker: four COUNT queries, kept off the UI thread at start-up."""
    from app.db.database import counts

    with db.session() as s:
        return counts(s)


AREAS = ("团队与人员", "联系卡", "日志与台账", "会议与签到", "抽查督查", "上报与通报", "设置")
DATA_AREAS = (AREAS[0], AREAS[-1])  # filled from the database by ``attach``
OPENING = "正在打开数据库…"
DATA_ACTIONS = ("import", "export", "backup", "restore")


class MainWindow(QMainWindow):
    """``painted`` after the first frame is on screen; ``data_shown`` after the first frame
    that shows the team list (both once, on the event loop's next turn after the paint)."""

    painted = Signal()
    data_shown = Signal()

    def __init__(self, ctx: AppContext | None = None) -> None:
        super().__init__()
        self.ctx: AppContext | None = None
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.resize(1280, 800)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {area: PlannedPage(area) for area in AREAS[1:-1]}
        self.pages = {AREAS[0]: _opening(), **self.pages, AREAS[-1]: _opening()}
        self._frames: dict[str, QVBoxLayout] = {}
        for area in AREAS:
            self.stack.addWidget(self._titled(area, self.pages[area]))
        self.nav = self._navigation()
        self._central()
        self._menus()
        self._status_bar()
        after_next_paint(self, self.painted.emit)
        if ctx is not None:
            self.attach(ctx)
        else:
            self.statusBar().showMessage(OPENING)

    def attach(self, ctx: AppContext, *, settings_after_paint: bool = False) -> None:
        """Fill the shell from the open database: the pages read their first rows now.

        ``settings_after_paint``: build the settings page (not on screen; it reads settings
        and lists backups) only after the team list has been painted, to show data sooner.
        """
        from ui.directory_page import DirectoryPage

        self.ctx = ctx
        self.directory: DirectoryPage = DirectoryPage(ctx)
        self._place(AREAS[0], self.directory)
        after_next_paint(self.directory.teams.table.viewport(), self.data_shown.emit)
        if settings_after_paint:
            self.data_shown.connect(self._attach_settings, Qt.ConnectionType.SingleShotConnection)
        else:
            self._attach_settings()
        self.statusBar().clearMessage()
        ctx.data_changed.connect(self.refresh_status)
        # Counted in a worker once the event loop runs, so it does not slow the first paint.
        QTimer.singleShot(0, self.refresh_status)

    def _attach_settings(self) -> None:
        from ui.settings.page import SettingsPage

        self.settings: SettingsPage = SettingsPage(self._context())
        self._place(AREAS[-1], self.settings)
        for key in DATA_ACTIONS:  # backups and restores report to the settings page
            self.actions_by_name[key].setEnabled(True)

    def _place(self, area: str, page: QWidget) -> None:
        self.pages[area].deleteLater()
        self.pages[area] = page
        self._frames[area].addWidget(page, 1)

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
        self._frames[area] = column
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
            action.setEnabled(key not in DATA_ACTIONS)
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
        if self.ctx is None:
            return
        db = self.ctx.db
        self.db_label.setText(f"数据库：{db.display_name}")
        self.db_label.setToolTip(db.display_name)
        tasks.start(lambda _p, _c: _counts(db), self._show_counts, lambda exc: None)

    def _show_counts(self, numbers: dict[str, int]) -> None:
        self.counts_label.setText("  ".join(f"{k} {v:,}" for k, v in numbers.items()))

    def show_area(self, area: str) -> None:
        self.nav.setCurrentRow(AREAS.index(area))

    def start_background_work(self) -> None:
        """After the window is filled: the start-up backup, in a worker."""
        self.start_backup()

    def start_backup(self) -> None:
        """The start-up backup, in a worker; the status bar says when it is done."""
        assert self.ctx is not None, "attach() first"
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
    # The actions are enabled only once ``attach`` has set ``ctx``.
    def import_roster(self) -> None:
        from ui.roster import actions as roster_actions

        roster_actions.import_roster(self, self._context())

    def export_roster(self) -> None:
        from ui.roster import actions as roster_actions

        roster_actions.export_roster(self, self._context())

    def backup_now(self) -> None:
        from ui import backup_actions

        backup_actions.backup_now(self, self._context(), self._backed_up)

    def _backed_up(self, path: Path) -> None:
        self.statusBar().showMessage(f"已备份：{path}", 15000)
        self.settings.reload_backups()

    def restore_backup(self) -> None:
        from ui import backup_actions

        backup_actions.choose_and_restore(self, self._context(), self._restored)

    def _context(self) -> AppContext:
        assert self.ctx is not None, "attach() first"
        return self.ctx

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


def _opening() -> QLabel:
    """What a data page's frame shows until the database is open and checked."""
    label = QLabel(OPENING)
    label.setObjectName("openingLabel")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label
