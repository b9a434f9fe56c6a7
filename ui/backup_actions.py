"""立即备份 and 从备份恢复, off the UI thread, shared by the menu and the settings page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QInputDialog, QWidget

from app.auth import Permission, check
from app.db import open_database, restore
from app.db.backup import BackupInfo, list_backups
from app.errors import DomainError, PermissionDenied
from app.services.maintenance import record_restore
from ui import tasks
from ui.context import AppContext
from ui.widgets.messages import confirm, error


def backups_of(ctx: AppContext) -> list[BackupInfo]:
    return list_backups(ctx.db.path) if ctx.db.path else []


def describe(info: BackupInfo) -> str:
    return f"{info.taken_at:%Y-%m-%d %H:%M:%S}（{info.reason_label}）  {info.path.name}"


def allowed(parent: QWidget, ctx: AppContext, title: str) -> bool:
    """Backups and restores are for roles that look after the database (the window hides
    them from the others; this is the check behind that)."""
    try:
        check(ctx.db.actor, Permission.MAINTAIN_DATABASE)
    except PermissionDenied as exc:
        error(parent, title, exc.message)
        return False
    return True


def backup_now(parent: QWidget, ctx: AppContext, on_done: Callable[[Path], None]) -> None:
    if not allowed(parent, ctx, "立即备份"):
        return
    if ctx.db.path is None:
        error(parent, "立即备份", "服务器数据库（PostgreSQL）请用 pg_dump 备份，见使用说明。")
        return
    db = ctx.db
    tasks.run_with_progress(parent, "正在备份数据库…", lambda progress, _c: db.backup("manual", progress),
                            on_done, lambda exc: _report(parent, "备份失败", exc), cancellable=False)


def choose_and_restore(parent: QWidget, ctx: AppContext, on_done: Callable[[], None]) -> None:
    """从备份恢复… in the menu: pick one of this database's backups, then restore it."""
    if not allowed(parent, ctx, "从备份恢复"):
        return
    found = backups_of(ctx)
    if not found:
        error(parent, "从备份恢复", "这个数据库还没有备份。")
        return
    labels = [describe(b) for b in found]
    label, ok = QInputDialog.getItem(parent, "从备份恢复", "选择要恢复的备份（最新的在最上面）：",
                                     labels, 0, False)
    if ok:
        restore_backup(parent, ctx, found[labels.index(label)].path, on_done)


def restore_backup(parent: QWidget, ctx: AppContext, backup: Path,
                   on_done: Callable[[], None]) -> None:
    """Close the database, replace it with the backup (the current file is backed up first),
    and give every page the reopened database."""
    path = ctx.db.path
    if path is None or not allowed(parent, ctx, "从备份恢复"):
        return
    if not confirm(parent, "从备份恢复",
                   f"用备份“{backup.name}”替换当前数据？\n\n恢复前会先备份当前文件，"
                   "之后的修改将不在恢复后的数据中。", yes="恢复"):
        return
    tasks.wait_all()
    ctx.db.close()

    restored_by = ctx.db.actor

    def done(db: Any) -> None:
        ctx.replace_database(db)
        with ctx.db.session() as session:
            record_restore(session, backup.name, restored_by)
        on_done()

    def failed(exc: BaseException) -> None:
        ctx.replace_database(open_database(path))  # the file was left as it was
        _report(parent, "恢复失败", exc)

    tasks.run_with_progress(parent, "正在恢复备份…", lambda _p, _c: restore(path, backup),
                            done, failed, cancellable=False)


def _report(parent: QWidget, title: str, exc: BaseException) -> None:
    from app.db.errors import translate

    known = exc if isinstance(exc, DomainError) else translate(exc)
    text = known.message if known is not None else f"{type(exc).__name__}: {exc}"
    error(parent, title, text)


# --- a failure that must stay on screen -------------------------------------------------------

BANNER_NAME = "failureBanner"


def failure_text(what: str, exc: BaseException) -> str:
    """A Chinese sentence for a failed backup (or import), never a raw English exception."""
    from app.db.errors import translate

    known = exc if isinstance(exc, DomainError) else translate(exc)
    if known is not None:
        return f"{what}没有完成：{known.message}"
    import logging

    logging.getLogger(__name__).error("%s失败", what, exc_info=(type(exc), exc, exc.__traceback__))
    return f"{what}没有完成（意外错误，详细信息已记入日志）。已保存的数据不受影响；请稍后在“设置”中再备份一次。"


def show_banner(window: Any, text: str) -> Any:
    """A warning across the top of the main window that stays until 知道了 is pressed (the
    status bar's messages are overwritten by the next one)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QPushButton, QToolBar

    old = window.findChild(QToolBar, BANNER_NAME)
    if old is not None:
        window.removeToolBar(old)
        old.deleteLater()
    bar = QToolBar("提示", window)
    bar.setObjectName(BANNER_NAME)
    bar.setMovable(False)
    bar.setFloatable(False)
    bar.setStyleSheet("QToolBar#failureBanner { background: #fff4ce; border-bottom: 1px solid #e0b000; }")
    label = QLabel(text, bar)
    label.setWordWrap(True)
    label.setObjectName("failureBannerText")
    bar.addWidget(label)
    button = QPushButton("知道了", bar)

    def dismiss() -> None:
        window.removeToolBar(bar)
        bar.deleteLater()

    button.clicked.connect(dismiss)
    bar.addWidget(button)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    bar.show()
    return bar
