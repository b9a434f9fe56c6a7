"""操作记录 page: search the audit trail, read an entry's changes, check the chain, export.

Rows are read by a worker (the database filters; at most ``LIMIT`` newest entries are listed,
export takes every match). Typing in the search box waits for a pause before asking again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QLabel,
                               QMessageBox, QPlainTextEdit, QPushButton, QSplitter, QVBoxLayout,
                               QWidget)

from app.db import Database
from app.errors import DomainError
from app.services import audit_log
from app.services.audit_log import AuditFilter, AuditRow
from ui import tasks
from ui.audit.model import COLUMNS, ROW_ROLE, AuditModel
from ui.context import AppContext
from ui.widgets.inputs import line_edit
from ui.widgets.messages import saved_file
from ui.widgets.table import make_table_view
from ui.widgets.stale import ReloadsWhenShown

LIMIT = audit_log.DEFAULT_LIMIT
DEBOUNCE_MS = 300
NO_DATE = QDate(2000, 1, 1)  # the minimum of the date boxes, shown as “不限”
ANY = "全部"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


def show_message(parent: QWidget, title: str, text: str, ok: bool = True,
                 path: Path | None = None) -> None:
    """A message box with a Chinese button; after an export (``path``) with 打开文件 and
    打开所在文件夹 (tests replace this function)."""
    if path is not None:
        saved_file(parent, title, text, path)
        return
    icon = QMessageBox.Icon.Information if ok else QMessageBox.Icon.Warning
    box = QMessageBox(icon, title, text, parent=parent)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def ask_save_path(parent: QWidget, suggested: Path) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "导出操作记录", str(suggested), XLSX_FILTER)
    return Path(name) if name else None


@dataclass(frozen=True)
class Loaded:
    rows: list[AuditRow]
    total: int                     # how many match (rows holds at most LIMIT of them)
    usernames: list[str] | None    # for the account filter, when asked for


def load(db: Database, filters: AuditFilter, with_names: bool = False) -> Loaded:
    """Runs in a worker with its own session; hands back plain values only."""
    args = (filters.text, filters.username, filters.action, filters.start, filters.end)
    with db.session() as s:
        rows = audit_log.audit_rows(s, *args, limit=LIMIT)
        total = len(rows) if len(rows) < LIMIT else audit_log.audit_count(s, *args)
        return Loaded(rows, total, audit_log.audit_usernames(s) if with_names else None)


def _date_box(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("不限")
    edit.setDate(NO_DATE)
    edit.setToolTip("选最早的日期（显示“不限”）即不按日期筛选")
    return edit


class AuditPage(ReloadsWhenShown, QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._generation = 0
        self.loading = False
        self.model = AuditModel(self)
        self._make_filters()
        self._make_table()
        self.verify_button = self._button("audit_verify", "校验完整性", self.verify)
        self.export_button = self._button("audit_export", "导出…", self.export)
        self.count = QLabel("尚未加载")
        self.count.setObjectName("countLabel")
        self.verify_label = QLabel()
        self.verify_label.setObjectName("auditVerifyResult")
        self.verify_label.setWordWrap(True)
        self._layout()
        ctx.data_changed.connect(self.mark_stale)

    # -- building ------------------------------------------------------------------------------
    def _make_filters(self) -> None:
        self.search = line_edit(placeholder="搜索摘要、账户、电脑或改动内容…", name="auditSearch")
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self.load)
        self.search.textChanged.connect(lambda _text: self.timer.start())
        self.user = QComboBox()
        self.user.setObjectName("auditUser")
        self.user.setMinimumWidth(120)
        self.user.addItem(ANY, None)
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.action.addItem(ANY, None)
        for label, code in audit_log.audit_actions():
            self.action.addItem(label, code)
        self.start = _date_box("auditStart")
        self.end = _date_box("auditEnd")
        for combo in (self.user, self.action):
            combo.currentIndexChanged.connect(lambda _i: self.load())
        for box in (self.start, self.end):
            box.dateChanged.connect(lambda _d: self.load())

    def _make_table(self) -> None:
        self.table = make_table_view(self.model)
        self.table.setObjectName("auditTable")
        self.table.setSortingEnabled(True)
        for i, (_title, _text, _key, width) in enumerate(COLUMNS):
            if width:
                self.table.setColumnWidth(i, width)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_detail())
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("auditDetail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("选中一条记录，这里显示它改动前后的内容。")

    def _button(self, key: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(key)
        button.clicked.connect(slot)
        return button

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        for label, widget in (("账户", self.user), ("操作", self.action), ("从", self.start),
                              ("至", self.end)):
            filters.addSpacing(6)
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addSpacing(12)
        filters.addWidget(self.verify_button)
        filters.addWidget(self.export_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 120])
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.verify_label, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the rows again, and the names for the account filter with them."""
        self._stale = False
        self.load(with_names=True)

    def fill_users(self, names: list[str]) -> None:
        chosen = self.user.currentData()
        self.user.blockSignals(True)
        self.user.clear()
        self.user.addItem(ANY, None)
        for name in names:
            self.user.addItem(name, name)
        self.user.setCurrentIndex(max(0, self.user.findData(chosen)))
        self.user.blockSignals(False)

    def filters(self) -> AuditFilter:
        def day(box: QDateEdit) -> date | None:
            return None if box.date() == NO_DATE else box.date().toPython()  # type: ignore[no-any-return]
        return AuditFilter(self.search.text(), self.user.currentData(),
                           self.action.currentData(), day(self.start), day(self.end))

    def load(self, with_names: bool = False) -> None:
        self.timer.stop()
        self._generation += 1
        self.loading = True
        generation, db, filters = self._generation, self.ctx.db, self.filters()
        self.count.setText("正在查找操作记录…")
        tasks.start(lambda _p, _c: load(db, filters, with_names),
                    lambda result: self._loaded(generation, result),
                    lambda exc: self._failed(generation, exc))

    def _loaded(self, generation: int, result: Loaded) -> None:
        if result.usernames is not None:
            self.fill_users(result.usernames)
        if generation != self._generation:
            return  # a newer search was asked for meanwhile
        rows, total = result.rows, result.total
        self.model.set_rows(rows)
        self.loading = False
        if total > len(rows):
            self.count.setText(f"共 {total:,} 条符合条件，显示最新 {len(rows):,} 条（导出包含全部）")
        else:
            self.count.setText(f"共 {total:,} 条")
        self.show_detail()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.model.set_rows([])
        text = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        self.count.setText(f"读取操作记录失败：{text}")

    # -- the selected entry ----------------------------------------------------------------------
    def selected(self) -> AuditRow | None:
        index = self.table.selectionModel().currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def show_detail(self) -> None:
        row = self.selected()
        if row is None:
            self.detail.clear()
            return
        what = f"{row.entity}（编号 {row.entity_id}）" if row.entity_id is not None else row.entity
        lines = [f"{row.at:%Y-%m-%d %H:%M:%S}　{row.username}　在电脑“{row.host}”上　{row.action}"
                 + (f"　{what}" if what else ""), row.summary]
        if row.change_lines:
            lines += ["", "改动内容（改前 → 改后）：" if row.action_code == "update" else "内容："]
            lines += [f"　{line}" for line in row.change_lines]
        self.detail.setPlainText("\n".join(lines))

    # -- checking the chain ----------------------------------------------------------------------
    def verify(self) -> None:
        db = self.ctx.db

        def work(_progress: tasks.Progress, _cancelled: tasks.Cancelled) -> tuple[int, list[str]]:
            with db.session() as s:
                return audit_log.verify_chain(s)

        self.verify_button.setEnabled(False)
        self.verify_label.setText("正在校验操作记录…")
        tasks.run_with_progress(self, "正在逐条校验操作记录…", work, self._verified,
                                self._verify_failed, cancellable=False)

    def _verified(self, result: tuple[int, list[str]]) -> None:
        self.verify_button.setEnabled(True)
        count, problems = result
        if not problems:
            text = f"操作记录完整：{count:,} 条记录逐条校验无误，没有被改动或删除的痕迹。"
            self.verify_label.setStyleSheet("color: #1e8449;")
            self.verify_label.setText(text)
            show_message(self, "校验操作记录", text)
            return
        text = (f"操作记录不完整：校验了 {count:,} 条，发现 {len(problems)} 处问题，"
                "说明有人绕过程序直接改动或删除了数据库中的记录：\n\n"
                + "\n".join(f"• {p}" for p in problems))
        self.verify_label.setStyleSheet("color: #c0392b;")
        self.verify_label.setText(f"操作记录不完整：发现 {len(problems)} 处问题（{problems[0]}…）")
        show_message(self, "校验操作记录", text, ok=False)

    def _verify_failed(self, exc: BaseException) -> None:
        self.verify_button.setEnabled(True)
        text = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        self.verify_label.setText(f"校验失败：{text}")
        show_message(self, "校验操作记录", f"无法完成校验：{text}", ok=False)

    # -- export ----------------------------------------------------------------------------------
    def export(self) -> None:
        out = ask_save_path(self, Path.home() / f"操作记录-{date.today():%Y%m%d}.xlsx")
        if out is None:
            return
        if out.suffix.lower() != ".xlsx":
            out = out.with_name(out.name + ".xlsx")
        db, f = self.ctx.db, self.filters()

        def work(progress: tasks.Progress, cancelled: tasks.Cancelled) -> int:
            with db.session() as s:
                return audit_log.export_audit(s, out, f.text, f.username, f.action, f.start, f.end,
                                              progress=progress, cancelled=cancelled)

        def done(count: int) -> None:
            self.export_button.setEnabled(True)
            self.ctx.data_changed.emit()  # the export itself is now in the trail
            if not task.cancelled():
                show_message(self, "导出操作记录", f"已导出 {count:,} 条操作记录：{out}", path=out)

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            if task.cancelled():
                return
            text = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
            show_message(self, "导出操作记录", text, ok=False)

        self.export_button.setEnabled(False)
        task = tasks.run_with_progress(self, "正在导出操作记录…", work, done, failed)
