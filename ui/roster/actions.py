"""导入花名册… and 导出花名册…: file dialogs, a preview before writing, work off the UI thread.

``app.roster`` (and openpyxl under it) is imported only when used, so start-up stays quick.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.auth import Permission, check
from app.paths import data_dir
from app.errors import DomainError, PermissionDenied
from ui import tasks
from ui.context import AppContext
from ui.roster.mapping_dialog import ColumnMappingDialog
from ui.roster.preview_dialog import ImportPreviewDialog
from ui.widgets.messages import error, saved_file

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
ROSTER_FILTER = ("名册文件 (*.xlsx *.xls *.et *.csv);;Excel 工作簿 (*.xlsx);;Excel 97-2003 (*.xls);;"
                 "CSV 文本 (*.csv);;所有文件 (*)")


def _roster() -> Any:
    try:
        import app.roster as roster
        roster.preview_import  # noqa: B018 - fail here, not halfway through
    except (ImportError, AttributeError):
        return None
    return roster


def _allowed(parent: QWidget, ctx: AppContext, permission: Permission, title: str) -> bool:
    """The window hides these actions from roles without them; this is the check behind that."""
    try:
        check(ctx.db.actor, permission)
    except PermissionDenied as exc:
        error(parent, title, exc.message)
        return False
    return True


def import_roster(parent: QWidget, ctx: AppContext) -> None:
    if not _allowed(parent, ctx, Permission.IMPORT_ROSTER, "导入花名册"):
        return
    roster = _roster()
    if roster is None:
        error(parent, "导入花名册", "这个版本还没有安装花名册导入功能。")
        return
    name, _ = QFileDialog.getOpenFileName(parent, "选择花名册", str(Path.home()), ROSTER_FILTER)
    if name:
        map_then_preview(parent, ctx, roster, Path(name))


def map_then_preview(parent: QWidget, ctx: AppContext, roster: Any, path: Path,
                     always: bool = False) -> None:
    """Read the file's headers (off the UI thread); ask how to place its columns when the
    program could not place them all (or when the clerk asks), then preview."""
    from app.roster.mapping import LayoutMemory, needs_mapping, scan_layout

    memory = LayoutMemory(data_dir())

    def work(progress: tasks.Progress, cancelled: tasks.Cancelled) -> Any:
        layouts = scan_layout(path)
        remembered = memory.recall(layouts)
        try:
            placed = scan_layout(path, remembered) if remembered else layouts
        except DomainError:  # a remembered field no longer known: start from the guesses
            remembered, placed = {}, layouts
        return layouts, remembered, placed

    def scanned(found: Any) -> None:
        if found is None or task.cancelled():
            return
        layouts, remembered, placed = found
        if not (always or needs_mapping(placed)):
            preview_then_import(parent, ctx, roster, path, remembered)
            return
        dialog = ColumnMappingDialog(placed, remembered, path.name, parent)
        if dialog.exec():
            mapping = dialog.mapping()
            memory.remember(layouts, mapping)
            preview_then_import(parent, ctx, roster, path, mapping)

    task = tasks.run_with_progress(parent, f"正在读取 {path.name} 的表头…", work, scanned,
                                   lambda exc: _failed(parent, "导入花名册", exc, task))


def preview_then_import(parent: QWidget, ctx: AppContext, roster: Any, path: Path,
                        mapping: dict[str, str] | None = None) -> None:
    db = ctx.db

    def work(progress: tasks.Progress, cancelled: tasks.Cancelled) -> Any:
        with db.new_session() as s:  # closed without commit: a preview never writes
            return roster.preview_import(s, path, progress=progress, cancelled=cancelled,
                                         mapping=mapping)

    def previewed(preview: Any) -> None:
        if preview is None or task.cancelled():
            return
        dialog = ImportPreviewDialog(preview, path.name, parent, source=path)
        result = dialog.exec()
        if result == ImportPreviewDialog.REMAP:
            map_then_preview(parent, ctx, roster, path, always=True)
        elif result:
            apply(parent, ctx, roster, path, dialog.skip_invalid, mapping)

    task = tasks.run_with_progress(parent, f"正在检查 {path.name}…", work, previewed,
                                   lambda exc: _failed(parent, "导入花名册", exc, task))


def apply(parent: QWidget, ctx: AppContext, roster: Any, path: Path, skip_invalid: bool,
          mapping: dict[str, str] | None = None) -> None:
    db = ctx.db

    def work(progress: tasks.Progress, cancelled: tasks.Cancelled) -> Any:
        return roster.apply_import(db, path, skip_invalid=skip_invalid, progress=progress,
                                   cancelled=cancelled, mapping=mapping)

    def done(result: Any) -> None:
        ctx.data_changed.emit()
        if task.cancelled():
            return
        QMessageBox.information(parent, "导入花名册",
                                f"导入完成：新增团队 {result.teams_new} 个、人员 {result.people_new} 人、"
                                f"任职 {result.memberships_new} 条、住户 {result.households_new} 户。")

    task = tasks.run_with_progress(parent, f"正在导入 {path.name}…", work, done,
                                   lambda exc: _failed(parent, "导入花名册", exc, task))


def save_template(parent: QWidget) -> None:
    """The blank roster: headers, drop-down lists and an example row in each sheet."""
    from app.roster.template import write_template

    default = Path.home() / "名册模板.xlsx"
    name, _ = QFileDialog.getSaveFileName(parent, "保存空白名册模板", str(default), XLSX_FILTER)
    if not name:
        return
    try:
        out = write_template(Path(name))
    except DomainError as exc:
        error(parent, "名册模板", exc.message)
        return
    saved_file(parent, "名册模板", f"已保存空白名册模板：{out}\n"
               "填好后用“导入花名册…”导入；以“示例：”开头的示例行不会被导入。", out)


def export_roster(parent: QWidget, ctx: AppContext) -> None:
    if not _allowed(parent, ctx, Permission.EXPORT_ROSTER, "导出花名册"):
        return
    roster = _roster()
    if roster is None or not hasattr(roster, "export_roster"):
        error(parent, "导出花名册", "这个版本还没有安装花名册导出功能。")
        return
    default = Path.home() / f"花名册-{date.today():%Y%m%d}.xlsx"
    name, _ = QFileDialog.getSaveFileName(parent, "导出花名册", str(default), XLSX_FILTER)
    if not name:
        return
    db, out = ctx.db, Path(name)

    def work(progress: tasks.Progress, cancelled: tasks.Cancelled) -> Path:
        with db.session() as s:
            return Path(roster.export_roster(s, out, progress=progress, cancelled=cancelled))

    def done(path: Path) -> None:
        if not task.cancelled():
            saved_file(parent, "导出花名册", f"已导出：{path}", path)

    task = tasks.run_with_progress(parent, "正在导出花名册…", work, done,
                                   lambda exc: _failed(parent, "导出花名册", exc, task))


def _failed(parent: QWidget, title: str, exc: BaseException, task: tasks.Task) -> None:
    if task.cancelled():
        return  # the user stopped it; nothing was written (each write is one transaction)
    text = exc.message if isinstance(exc, DomainError) else f"出现意外错误：{type(exc).__name__}: {exc}"
    error(parent, title, text)
