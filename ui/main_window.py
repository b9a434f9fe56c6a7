"""The main window: navigation on the left, one page per area, menus and the status bar.

At start-up the window is shown as a shell first (navigation, page frames, a status bar saying
the database is opening) and ``attach`` fills it once the database is open and someone has
signed in: the user sees the program at once, and nothing from the database before its checks
have passed. The pages are built for the signed-in user: what their roles cannot do is not
shown (the services refuse it anyway). 切换用户 signs out, empties the pages, and builds them
again for whoever signs in next.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListWidget, QMainWindow,
                               QMessageBox, QScrollArea, QStackedWidget, QVBoxLayout, QWidget)

from app import APP_NAME, __version__
from ui import tasks, window_state
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


AREAS = ("团队与人员", "联系卡", "日志与台账", "会议与签到", "抽查督查", "上报与通报", "操作记录", "账户",
         "设置")
PLANNED_AREAS: tuple[str, ...] = ()  # areas a later release builds (ui.placeholders); none now
DATA_AREAS = ("团队与人员", "联系卡", "日志与台账", "会议与签到", "抽查督查", "上报与通报", "操作记录",
              "账户", "设置")  # filled by ``attach``
# The home dashboard (ui.dashboard) sits at the top of the first area's page, above its title:
# it is the first thing seen after signing in, and the team list stays on screen below it.
# Areas only some roles see (any of these Permission values: app.auth is not imported before
# the first paint), and where their page comes from; built when first shown.
AREA_PERMISSIONS = {"联系卡": ("cards.print", "directory.view"), "日志与台账": ("records.view",),
                    "会议与签到": ("records.view",), "操作记录": ("audit.view",),
                    "抽查督查": ("checks.run", "records.view"),
                    "上报与通报": ("records.view",),
                    "账户": ("users.manage",)}
LAZY_PAGES = {"联系卡": ("ui.cards.page", "CardsPage"),
              "日志与台账": ("ui.ledgers.page", "LedgersPage"),
              "会议与签到": ("ui.meetings.page", "MeetingsPage"),
              "抽查督查": ("ui.checks.page", "ChecksPage"),
              "上报与通报": ("ui.submissions.page", "SubmissionsPage"),
              "操作记录": ("ui.audit.page", "AuditPage"),
              "账户": ("ui.users.page", "UsersPage")}
OPENING = "正在打开数据库…"
SIGNED_OUT = "已退出登录"
DATA_ACTIONS = ("import", "export", "backup", "restore")
ACTION_PERMISSIONS = {"import": "roster.import", "template": "roster.import",
                      "export": "roster.export", "backup": "database.maintain",
                      "restore": "database.maintain"}
ACCOUNT_ACTIONS = ("password", "switch")


class MainWindow(QMainWindow):
    """``painted`` after the first frame is on screen; ``data_shown`` after the first frame
    that shows the team list (both once, on the event loop's next turn after the paint)."""

    painted = Signal()
    data_shown = Signal()

    def __init__(self, ctx: AppContext | None = None) -> None:
        super().__init__()
        self.ctx: AppContext | None = None
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        # 1280×800 where the screen has room; on 1366×768 (or at 125–150 % scaling) less: the
        # pages scroll rather than push the status bar off the screen (ui.window_state).
        window_state.install()  # the filter each window that remembers its size uses
        self.setProperty("noRememberedSize", True)  # sized per user on signing in, below
        window_state.fit_to_screen(self, *DEFAULT_SIZE)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {
            area: PlannedPage(area) if area in PLANNED_AREAS else _opening() for area in AREAS}
        self._built: set[str] = set()  # the lazily built areas that hold their real page
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
        """Fill the shell from the open database, for the signed-in user (``ctx.db.actor``):
        the pages read their first rows now.

        ``settings_after_paint``: build the settings page (not on screen; it reads settings
        and lists backups) only after the team list has been painted, to show data sooner.
        """
        self.ctx = ctx
        self._build_pages(first=True, settings_after_paint=settings_after_paint)
        self.statusBar().clearMessage()
        ctx.data_changed.connect(self.refresh_status)
        ctx.actor_changed.connect(self._rebuild_for_actor)
        ctx.sign_in_needed.connect(self.switch_user, Qt.ConnectionType.QueuedConnection)
        # Counted in a worker once the event loop runs, so it does not slow the first paint.
        QTimer.singleShot(0, self.refresh_status)

    def _build_pages(self, first: bool = False, settings_after_paint: bool = False) -> None:
        """The pages for who is signed in now; each hides what their roles cannot do."""
        from ui.directory_page import DirectoryPage

        ctx = self._context()
        self.directory: DirectoryPage = DirectoryPage(ctx)
        self._place(AREAS[0], self.directory)
        self._place_dashboard()
        if first:
            after_next_paint(self.directory.teams.table.viewport(), self.data_shown.emit)
        if settings_after_paint:
            self.data_shown.connect(self._attach_settings, Qt.ConnectionType.SingleShotConnection)
        else:
            self._attach_settings()
        self._show_allowed()
        self._show_user()

    def _place_dashboard(self) -> None:
        """The home dashboard for who is signed in, above the first area's title (removed on
        signing out). Its deadlines are said in the status bar too, once read."""
        from ui.dashboard.page import DashboardPage

        self._remove_dashboard()
        if not self._can("records.view"):
            self._place_first_steps()
            return
        self.dashboard: DashboardPage | None = DashboardPage(self._context())
        self.dashboard.notice.connect(lambda text: self.statusBar().showMessage(text, 30000))
        self._frames[AREAS[0]].insertWidget(0, self.dashboard)
        self._place_first_steps()  # above the dashboard: on a new town it is what to do first

    def _place_first_steps(self) -> None:
        """The first-run checklist, for those who set the town up (it hides once all done)."""
        from ui.dashboard.checklist import FirstStepsPanel

        self.first_steps: FirstStepsPanel | None = None
        if not self._can("roster.import"):
            return
        self.first_steps = FirstStepsPanel(self._context())
        self.first_steps.open_step.connect(self.open_first_step)
        self._frames[AREAS[0]].insertWidget(0, self.first_steps)

    def _remove_dashboard(self) -> None:
        for name in ("dashboard", "first_steps"):
            old = getattr(self, name, None)
            if old is not None:
                self._frames[AREAS[0]].removeWidget(old)
                old.hide()
                old.deleteLater()
            setattr(self, name, None)

    def _attach_settings(self) -> None:
        from ui.settings.page import SettingsPage

        if self.ctx is None or self.ctx.db.actor is None:
            return  # signed out before the page was due
        self.settings: SettingsPage = SettingsPage(self._context())
        self._place(AREAS[-1], self.settings)
        self._show_allowed()  # backups and restores report to the settings page

    def _place(self, area: str, page: QWidget) -> None:
        old = self.pages[area]
        self._frames[area].removeWidget(old)
        old.hide()  # deleted on the event loop's next turn; not on screen meanwhile
        old.deleteLater()
        self.pages[area] = page
        self._frames[area].addWidget(page, 1)

    def _navigation(self) -> QListWidget:
        nav = QListWidget()
        nav.setObjectName("navList")
        nav.addItems(list(AREAS))
        nav.setFixedWidth(170)
        for area in AREA_PERMISSIONS:  # until someone who may see them signs in
            nav.item(AREAS.index(area)).setHidden(True)
        nav.currentRowChanged.connect(self._area_chosen)
        nav.setCurrentRow(0)
        return nav

    def _area_chosen(self, row: int) -> None:
        if 0 <= row < len(AREAS) and AREAS[row] in LAZY_PAGES:
            self._ensure_page(AREAS[row])
        self.stack.setCurrentIndex(row)

    def _ensure_page(self, area: str) -> None:
        """The card area, the audit view and the account list are built the first time they
        are shown."""
        if area in self._built or not self._may_see(area):
            return
        module_name, class_name = LAZY_PAGES[area]
        try:
            from importlib import import_module

            page_class = getattr(import_module(module_name), class_name)
        except (ImportError, AttributeError):
            page: QWidget = _opening("这个版本还没有安装此功能。")
        else:
            page = page_class(self._context())
        self._built.add(area)
        self._place(area, page)

    def _may_see(self, area: str) -> bool:
        if area not in AREA_PERMISSIONS:
            return True
        return any(self._can(permission) for permission in AREA_PERMISSIONS[area])

    def _can(self, permission_value: str) -> bool:
        if self.ctx is None or self.ctx.db.actor is None:
            return False
        from app.auth import Permission

        return self.ctx.db.actor.can(Permission(permission_value))

    def _show_allowed(self) -> None:
        """Menus and areas as the signed-in user's roles allow: what they cannot do is hidden."""
        signed_in = self.ctx is not None and self.ctx.db.actor is not None
        settings_ready = signed_in and self._settings_page() is not None
        for key, permission in ACTION_PERMISSIONS.items():
            allowed = self._can(permission)
            self.actions_by_name[key].setVisible(allowed or not signed_in)
            self.actions_by_name[key].setEnabled(allowed and settings_ready)
        for key in ACCOUNT_ACTIONS:
            self.actions_by_name[key].setEnabled(signed_in)
        if signed_in and self.ctx is not None and self.ctx.db.actor is not None:
            self.actions_by_name["password"].setEnabled(self.ctx.db.actor.user_id is not None)
        for area in AREA_PERMISSIONS:
            hidden = not self._may_see(area)
            self.nav.item(AREAS.index(area)).setHidden(hidden)
            if hidden and self.nav.currentRow() == AREAS.index(area):
                self.nav.setCurrentRow(0)
        if AREAS[self.nav.currentRow()] in LAZY_PAGES:
            self._ensure_page(AREAS[self.nav.currentRow()])

    def _settings_page(self) -> SettingsPage | None:
        page = getattr(self, "settings", None)
        return page if page is not None and self.pages[AREAS[-1]] is page else None

    def _reload_backups(self) -> None:
        page = self._settings_page()
        if page is not None:
            page.reload_backups()

    def _show_user(self) -> None:
        actor = self.ctx.db.actor if self.ctx is not None else None
        window_state.set_user(actor.username if actor is not None else None)
        if actor is not None:
            self.restore_size()
        if actor is None:
            self.user_label.setText("未登录")
            self.user_label.setToolTip("")
            return
        self.user_label.setText(f"当前用户：{actor.display_name}（{actor.roles_text}）")
        self.user_label.setToolTip(f"用户名：{actor.username}")

    def _titled(self, area: str, page: QWidget) -> QWidget:
        wrapper = QWidget()
        column = QVBoxLayout(wrapper)
        column.setContentsMargins(14, 10, 14, 10)
        title = QLabel(area)
        title.setObjectName("pageTitle")
        how = QLabel('<a href="help">这一页怎么用</a>')
        how.setObjectName("pageHelp")
        how.setToolTip("打开使用说明中讲这一页的部分")
        how.linkActivated.connect(lambda _link, a=area: self.open_help(a))
        heading = QHBoxLayout()
        heading.addWidget(title, 1)
        heading.addWidget(how, 0, Qt.AlignmentFlag.AlignBottom)
        column.addLayout(heading)
        column.addWidget(page, 1)
        self._frames[area] = column
        return PageScroll(wrapper)  # a page taller than a small screen scrolls

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
                ("template", "保存空白名册模板…", self.save_roster_template, ""),
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
        account_menu = self.menuBar().addMenu("账户(&A)")
        for key, text, slot in (("password", "修改密码…", self.change_password),
                                ("switch", "切换用户…", self.switch_user)):
            action = account_menu.addAction(text)
            action.triggered.connect(slot)
            action.setEnabled(False)
            self.actions_by_name[key] = action
        help_menu = self.menuBar().addMenu("帮助(&H)")
        guide = help_menu.addAction("使用说明")
        guide.setShortcut(QKeySequence.StandardKey.HelpContents)
        guide.triggered.connect(lambda: self.open_help(self.current_area()))
        self.actions_by_name["help"] = guide
        help_menu.addAction("关于").triggered.connect(self.about)

    def _status_bar(self) -> None:
        self.user_label = QLabel()
        self.user_label.setObjectName("userLabel")
        self.statusBar().addPermanentWidget(self.user_label)
        self.db_label = QLabel()
        self.db_label.setObjectName("dbLabel")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("countsLabel")
        self.statusBar().addPermanentWidget(self.db_label)
        self.statusBar().addPermanentWidget(self.counts_label)

    # -- status ----------------------------------------------------------------------------
    def refresh_status(self) -> None:
        if self.ctx is None or self.ctx.db.actor is None:
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
        self._reload_backups()

    def _startup_backup_failed(self, exc: BaseException) -> None:
        from ui import backup_actions

        backup_actions.show_banner(self, backup_actions.failure_text("启动备份", exc))
        self.statusBar().showMessage("启动备份没有完成，见窗口上方的提示。", 15000)

    # -- menu actions ----------------------------------------------------------------------
    # The actions are enabled only once ``attach`` has set ``ctx``.
    def import_roster(self) -> None:
        from ui.roster import actions as roster_actions

        roster_actions.import_roster(self, self._context())

    def export_roster(self) -> None:
        from ui.roster import actions as roster_actions

        roster_actions.export_roster(self, self._context())

    def save_roster_template(self) -> None:
        from ui.roster import actions as roster_actions

        roster_actions.save_template(self)

    def backup_now(self) -> None:
        from ui import backup_actions

        backup_actions.backup_now(self, self._context(), self._backed_up)

    def _backed_up(self, path: Path) -> None:
        self.statusBar().showMessage(f"已备份：{path}", 15000)
        self._reload_backups()

    def restore_backup(self) -> None:
        from ui import backup_actions

        backup_actions.choose_and_restore(self, self._context(), self._restored)

    def _context(self) -> AppContext:
        assert self.ctx is not None, "attach() first"
        return self.ctx

    def _restored(self) -> None:
        self.statusBar().showMessage("已从备份恢复，所有页面已重新载入。", 15000)
        self._reload_backups()

    # -- signing in and out --------------------------------------------------------------
    def change_password(self) -> None:
        from ui import startup

        if startup.change_password_dialog(self._context().db, False, self).exec():
            self.statusBar().showMessage("密码已修改。", 15000)

    def switch_user(self) -> None:
        """Sign out, empty the pages, and let the next user sign in; the pages are built
        again for them. 退出程序 in the sign-in dialog closes the window."""
        from ui import startup

        ctx = self._context()
        tasks.wait_all()  # nothing may still be reading for the user who leaves
        self.sign_out()
        if not startup.sign_in_with_dialogs(ctx.db, self):
            self.close()
            return
        ctx.signed_in_as_other()

    def sign_out(self) -> None:
        """Nobody is signed in: no page shows data until someone signs in again."""
        ctx = self._context()
        self.remember_size()
        ctx.db.act_as(None)
        self._remove_dashboard()
        for area in DATA_AREAS:
            self._place(area, _opening(SIGNED_OUT))
        self._built.clear()
        self.counts_label.clear()
        self._show_allowed()
        self._show_user()
        self.statusBar().showMessage(SIGNED_OUT)

    def _rebuild_for_actor(self) -> None:
        self._build_pages()
        self.refresh_status()
        self.statusBar().showMessage(f"已登录：{self._context().db.actor.display_name}", 15000)

    def current_area(self) -> str:
        row = self.nav.currentRow()
        return AREAS[row] if 0 <= row < len(AREAS) else ""

    def open_help(self, area: str = "") -> None:
        from ui.help import open_help

        self.help_dialog = open_help(self, area)

    def open_first_step(self, key: str) -> None:
        """A link of the first-run checklist: the step's screen, or the roster import."""
        from ui.dashboard.checklist import IMPORT, step_area

        if key == IMPORT:
            self.import_roster()
            return
        area, tab = step_area(key)
        self.show_area(area)
        if tab is not None:
            self.directory.setCurrentWidget(getattr(self.directory, tab))

    def about(self) -> None:
        QMessageBox.about(self, "关于", f"<b>{APP_NAME}</b> {__version__}<br><br>"
                          "镇（街道）领导干部驻点普遍直接联系群众工作的桌面程序：驻点团队与名册、"
                          "民情联系卡、驻点日志与问题台账、会议签到、抽查督查、月度上报与通报。<br><br>"
                          "中文字体：文泉驿微米黑（Apache 2.0）。")

    def restore_size(self) -> None:
        """The size (and maximized state) the signed-in user last left the window at, fitted
        to this screen."""
        if self.isMaximized() or self.isFullScreen():
            return
        saved = window_state.read("main/size")
        if isinstance(saved, QSize) and saved.isValid():
            self.resize(window_state.clamped(self, saved))
            window_state.keep_on_screen(self)
        if window_state.read_bool("main/maximized"):
            self.showMaximized()

    def remember_size(self) -> None:
        if self.ctx is None or self.ctx.db.actor is None:
            return
        window_state.write("main/maximized", self.isMaximized())
        if not (self.isMaximized() or self.isFullScreen()):
            window_state.write("main/size", self.size())

    def closeEvent(self, event: QCloseEvent) -> None:
        tasks.wait_all()  # no worker may still be writing when the database closes
        self.remember_size()
        super().closeEvent(event)


DEFAULT_SIZE = (1280, 800)


class PageScroll(QScrollArea):
    """A frameless scroll area around an area's page: it asks for the page's own size, and
    can shrink to a little of it (the page then scrolls)."""

    MINIMUM = QSize(360, 240)

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.setObjectName("pageScroll")
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.widget().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.widget().minimumSizeHint().boundedTo(self.MINIMUM)


def _opening(text: str = OPENING) -> QLabel:
    """What a data page's frame shows until the database is open and checked (and someone
    has signed in)."""
    label = QLabel(text)
    label.setObjectName("openingLabel")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label
