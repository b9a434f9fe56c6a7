"""联系卡 area: 制作与打印 (choose cards, preview, print, save) and 发放登记 (distribution).

Shown to roles that may read the directory or print cards; the printing controls and the
card settings only to roles with ``Permission.PRINT_CARDS`` (the services refuse them anyway).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QFileDialog, QGroupBox, QHBoxLayout,
                               QLabel, QPushButton, QRadioButton, QTabWidget, QVBoxLayout, QWidget)

from app.auth import Permission
from app.db import Database
from app.errors import DomainError, PermissionDenied
from app.services import cards
from ui import tasks
from ui.cards import print as printing
from ui.cards.design import DesignDialog, design_start
from ui.cards.distribution import DistributionTab
from ui.cards.preview import PreviewDialog
from ui.cards.produce import CARDS, POSTER, Checked, Job, Produced, read_contents, record, render
from ui.cards.targets import ROW_ROLE, TargetModel, TargetProxy
from ui.context import AppContext
from ui.widgets.inputs import line_edit
from ui.widgets.messages import confirm, error, inform, saved_file
from ui.widgets.table import make_table_view
from ui.widgets.stale import ReloadsWhenShown

PDF_FILTER = "PDF 文件 (*.pdf)"
PREVIEW, PRINT, SAVE = "preview", "print", "save"


@dataclass(frozen=True)
class Targets:
    rows: list[cards.CardTarget]
    reprint: list[cards.CardTarget]
    printed: list[cards.CardTarget]


def load_targets(db: Database) -> Targets:
    """Worker: the card targets and which of them changed since their last print."""
    with db.session() as s:
        rows = cards.card_targets(s)
        try:
            reprint, printed = cards.reprint_needed(s), cards.ever_printed(s)
        except PermissionDenied:
            reprint, printed = [], []
        return Targets(rows, reprint, printed)


def ask_save_path(parent: QWidget, suggested: Path) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "另存为 PDF", str(suggested), PDF_FILTER)
    return Path(name) if name else None


def ask_continue(parent: QWidget, warnings: list[str]) -> bool:
    """What will not print as it should (too long, missing glyphs): go on, or stop and fix the
    roster first (tests replace this function)."""
    shown = warnings[:30]
    more = f"\n…另有 {len(warnings) - len(shown)} 条" if len(warnings) > len(shown) else ""
    text = ("生成前检查发现以下问题，印出来可能不完整或字号过小：\n\n"
            + "\n".join(f"• {w}" for w in shown) + more
            + "\n\n可以先到“团队与人员”修改名册后再打印，也可以继续生成。")
    return confirm(parent, "联系卡检查", text, yes="继续生成")


def show_message(parent: QWidget, title: str, text: str, path: Path | None = None) -> None:
    """Information after a step; after a save (``path``) with 打开文件 and 打开所在文件夹
    (tests replace this function)."""
    if path is not None:
        saved_file(parent, title, text, path)
    else:
        inform(parent, title, text)


class CardsPage(QTabWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardsTabs")
        self.ctx = ctx
        self.production = ProductionTab(ctx)
        self.distribution = DistributionTab(ctx)
        self.addTab(self.production, "制作与打印")
        self.addTab(self.distribution, "发放登记")


class ProductionTab(ReloadsWhenShown, QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.can_print = ctx.can(Permission.PRINT_CARDS)
        self._generation = 0
        self.loading = False
        self.busy = False
        self.preview: PreviewDialog | None = None
        self.last: Produced | None = None  # the PDF the preview shows
        self._tmp = tempfile.TemporaryDirectory(prefix="zhilian-cards-")
        self.destroyed.connect(self._tmp.cleanup)  # the generated PDFs go with the page
        self.model = TargetModel(self)
        self.proxy = TargetProxy(self.model, self)
        self.model.dataChanged.connect(lambda *_: self._update_count())
        self._build()
        ctx.data_changed.connect(self.mark_stale)

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.search = line_edit(placeholder="搜索团队或村（社区）…", name="cardTargetSearch")
        self.search.textChanged.connect(self._filter)
        self.table = make_table_view(self.proxy)
        self.table.setObjectName("cardTargetTable")
        self.table.setColumnWidth(0, 36)
        self.table.setColumnWidth(1, 220)
        self.table.setColumnWidth(2, 160)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(lambda index: self._toggle(index))
        self.count = QLabel("尚未加载")
        self.count.setObjectName("countLabel")
        left = QVBoxLayout()
        tools = QHBoxLayout()
        self.check_all_button = self._button("cardCheckAll", "全选", lambda: self.model.check_all(True))
        self.check_none_button = self._button("cardCheckNone", "全不选", lambda: self.model.check_all(False))
        self.check_reprint_button = self._button("cardCheckReprint", "选需重印的",
                                                 self.model.check_reprint)
        for button in (self.check_all_button, self.check_none_button, self.check_reprint_button):
            tools.addWidget(button)
            button.setVisible(self.can_print)
        tools.addStretch(1)
        tools.addWidget(self.search, 1)
        left.addLayout(tools)
        left.addWidget(self.table, 1)
        left.addWidget(self.count)
        row = QHBoxLayout(self)
        row.addLayout(left, 1)
        if self.can_print:
            row.addWidget(self._side(), 0)
        else:
            self.table.setColumnHidden(0, True)
            hint = QLabel("联系卡由党政办统一制作和打印；这里可以查看哪些联系卡因名册变动需要重印，"
                          "在“发放登记”中查看发放情况。")
            hint.setObjectName("factName")
            hint.setWordWrap(True)
            left.insertWidget(0, hint)

    def _side(self) -> QWidget:
        side = QWidget()
        side.setObjectName("cardSide")
        side.setFixedWidth(330)
        column = QVBoxLayout(side)
        column.setContentsMargins(8, 0, 0, 0)
        box = QGroupBox("打印内容")
        inner = QVBoxLayout(box)
        self.kind_cards = QRadioButton("民情联系卡（90 × 54 mm，每张 A4 10 张）")
        self.kind_cards.setObjectName("kindCards")
        self.kind_poster = QRadioButton("公开栏海报（每个村（社区）一张）")
        self.kind_poster.setObjectName("kindPoster")
        self.kind_cards.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.kind_cards)
        kinds.addButton(self.kind_poster)
        self.both_sides = QRadioButton("正反面（双面打印，沿长边翻转）")
        self.both_sides.setObjectName("bothSides")
        self.front_only = QRadioButton("仅正面")
        self.front_only.setObjectName("frontOnly")
        self.both_sides.setChecked(True)
        sides = QButtonGroup(self)
        sides.addButton(self.both_sides)
        sides.addButton(self.front_only)
        self.households = QCheckBox("按户发放卡（每户一张，带地址和编号）")
        self.households.setObjectName("perHousehold")
        self.a4 = QRadioButton("A4 纵向")
        self.a4.setObjectName("posterA4")
        self.a3 = QRadioButton("A3 纵向")
        self.a3.setObjectName("posterA3")
        self.a4.setChecked(True)
        sizes = QButtonGroup(self)
        sizes.addButton(self.a4)
        sizes.addButton(self.a3)
        inner.addWidget(self.kind_cards)
        for widget in (self.both_sides, self.front_only, self.households):
            inner.addWidget(widget)
            widget.setContentsMargins(20, 0, 0, 0)
            widget.setStyleSheet("margin-left: 20px;")
        inner.addWidget(self.kind_poster)
        paper = QHBoxLayout()
        paper.setContentsMargins(20, 0, 0, 0)
        paper.addWidget(self.a4)
        paper.addWidget(self.a3)
        paper.addStretch(1)
        inner.addLayout(paper)
        for button in (self.kind_cards, self.kind_poster):
            button.toggled.connect(lambda _on: self._kind_changed())
        self._kind_changed()
        column.addWidget(box)

        design = QGroupBox("卡片设置")
        design_column = QVBoxLayout(design)
        self.design_hint = QLabel("选中左侧一行，可修改该卡背面的文字和二维码联系人。")
        self.design_hint.setWordWrap(True)
        self.design_hint.setObjectName("factName")
        self.design_button = self._button("cardDesign", "卡片设置…", self.edit_design)
        design_column.addWidget(self.design_hint)
        design_column.addWidget(self.design_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(design)

        self.preview_button = self._button("cardPreview", "预览", lambda: self.produce(PREVIEW))
        self.preview_button.setProperty("primary", True)
        self.print_button = self._button("cardPrint", "打印…", lambda: self.produce(PRINT))
        self.save_button = self._button("cardSave", "另存为 PDF…", lambda: self.produce(SAVE))
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.print_button, self.save_button):
            buttons.addWidget(button)
        column.addLayout(buttons)
        self.status = QLabel()
        self.status.setObjectName("cardStatus")
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        note = QLabel("打印时请在打印对话框中选择与文件相同的纸张（A4 或 A3），"
                      "程序按 100% 实际尺寸输出，不会缩放到纸张大小。")
        note.setObjectName("factName")
        note.setWordWrap(True)
        column.addWidget(note)
        column.addStretch(1)
        return side

    def _button(self, name: str, text: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _kind_changed(self) -> None:
        cards_chosen = self.kind_cards.isChecked()
        for widget in (self.both_sides, self.front_only, self.households):
            widget.setEnabled(cards_chosen)
        for widget in (self.a4, self.a3):
            widget.setEnabled(not cards_chosen)

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        self._stale = False
        self._generation += 1
        self.loading = True
        generation, db = self._generation, self.ctx.db
        self.count.setText("正在读取联系卡…")
        tasks.start(lambda _p, _c: load_targets(db),
                    lambda result: self._loaded(generation, result),
                    lambda exc: self._failed(generation, exc))

    def _loaded(self, generation: int, result: Targets) -> None:
        if generation != self._generation:
            return
        self.model.set_rows(result.rows, result.reprint, result.printed)
        self.loading = False
        self._update_count()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        text = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        self.count.setText(f"读取联系卡失败：{text}")

    def _filter(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()

    def _update_count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        reprint = len(self.model.reprint)
        text = f"共 {total} 张联系卡（团队 × 村（社区））" if shown == total else \
            f"显示 {shown} / 共 {total} 张联系卡"
        if self.can_print:
            text += f"，已勾选 {len(self.model.checked)} 张"
        if reprint:
            text += f"；{reprint} 张因名册变动需重印"
        self.count.setText(text)

    def _toggle(self, index: Any) -> None:
        if not self.can_print:
            return
        target = index.data(ROW_ROLE)
        on = not self.model.checked.issuperset({(target.team_id, target.community_id)})
        self.model.set_checked([target], on)

    def current_target(self) -> cards.CardTarget | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    # -- design --------------------------------------------------------------------------------
    def edit_design(self) -> None:
        target = self.current_target()
        if target is None:
            error(self, "卡片设置", "请先在左侧列表中选中一张联系卡（团队 × 村（社区））。")
            return
        try:
            start = design_start(self.ctx.db, target.team_id, target.community_id)
        except DomainError as exc:
            error(self, "卡片设置", exc.message)
            return
        dialog = DesignDialog(self.ctx.db, target, start, self)
        if dialog.exec():
            self.ctx.data_changed.emit()  # the card's content (and reprint flag) may change

    # -- producing -----------------------------------------------------------------------------
    def job(self) -> Job:
        targets = tuple((t.team_id, t.community_id) for t in self.model.checked_targets())
        if self.kind_poster.isChecked():
            return Job(targets, POSTER, a3=self.a3.isChecked())
        return Job(targets, CARDS, front_only=self.front_only.isChecked(),
                   households=self.households.isChecked())

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for button in (self.preview_button, self.print_button, self.save_button,
                       self.design_button):
            button.setEnabled(not busy)

    def produce(self, action: str) -> None:
        """Check the chosen cards, then draw the PDF in a worker, then preview/print/save it."""
        if not self.can_print or self.busy:
            return
        job = self.job()
        if not job.targets:
            error(self, "联系卡", "请先在左侧勾选要制作的联系卡（每行是一个团队在一个村（社区）的联系卡）。")
            return
        db = self.ctx.db
        self._set_busy(True)
        self.status.setText("正在读取名册并检查…")
        tasks.run_with_progress(self, "正在读取名册并检查联系卡…",
                                lambda _p, _c: read_contents(db, job),
                                lambda checked: self._checked(action, job, checked),
                                self._failed_producing, cancellable=False)

    def _checked(self, action: str, job: Job, checked: Checked) -> None:
        if checked.warnings and not ask_continue(self, checked.warnings):
            self._set_busy(False)
            self.status.setText(f"已停止：检查发现 {len(checked.warnings)} 个问题。")
            return
        db, contents = self.ctx.db, checked.contents
        out = Path(self._tmp.name) / f"{job.file_stem(contents)}-{date.today():%Y%m%d}.pdf"
        self.status.setText("正在生成 PDF…")
        task = tasks.run_with_progress(
            self, f"正在生成{job.label}…",
            lambda progress, cancelled: render(db, job, contents, out, progress, cancelled),
            lambda produced: self._produced(action, produced, lambda: task.cancelled()),
            self._failed_producing)

    def _produced(self, action: str, produced: Produced | None,
                  cancelled: Callable[[], bool]) -> None:
        self._set_busy(False)
        if produced is None or cancelled():
            self.status.setText("已取消生成。")
            return
        self.last = produced
        self.status.setText(f"已生成{produced.job.label}：{produced.pages} 页"
                            + (f"，{produced.cards} 张卡片" if produced.job.kind == CARDS else ""))
        if action == PREVIEW:
            self.show_preview(produced)
        elif action == PRINT:
            self.print_pdf(produced)
        else:
            self.save_pdf(produced)

    def _failed_producing(self, exc: BaseException) -> None:
        self._set_busy(False)
        text = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        self.status.setText(f"生成失败：{text}")
        error(self, "联系卡", f"无法生成 PDF：{text}")

    # -- after the PDF exists ------------------------------------------------------------------
    def show_preview(self, produced: Produced) -> None:
        if self.preview is not None:
            self.preview.close()
        title = f"{produced.job.label}，共 {produced.pages} 页"
        self.preview = PreviewDialog(produced.path, title, produced.warnings,
                                     on_print=lambda: self.print_pdf(produced),
                                     on_save=lambda: self.save_pdf(produced), parent=self)
        self.preview.open()

    def _dialog_parent(self) -> QWidget:
        return self.preview if self.preview is not None and self.preview.isVisible() else self

    def save_pdf(self, produced: Produced) -> None:
        parent = self._dialog_parent()
        out = ask_save_path(parent, Path.home() / produced.path.name)
        if out is None:
            return
        if out.suffix.lower() != ".pdf":
            out = out.with_name(out.name + ".pdf")
        try:
            shutil.copyfile(produced.path, out)
        except OSError as exc:
            error(parent, "另存为 PDF", f"无法保存到 {out}：{exc.strerror or exc}")
            return
        self._record(produced, out.name)
        self.status.setText(f"已保存：{out}")
        show_message(parent, "另存为 PDF", f"已保存{produced.job.label}（{produced.pages} 页）：\n{out}",
                     path=out)

    def print_pdf(self, produced: Produced, printer: Any = None) -> None:
        """The system print dialog, then the pages at 100 % in a worker."""
        parent = self._dialog_parent()
        from ui.cards.pdf_pages import page_sizes

        printer = printer or printing.new_printer()
        printing.prepare_printer(printer, page_sizes(produced.path)[0], produced.job.duplex)
        if not printing.ask_printer(parent, printer, produced.pages):
            return
        # The dialog may have changed the paper; the cards must stay at their own size.
        printing.prepare_printer(printer, page_sizes(produced.path)[0],
                                 printer.duplex() != printer.DuplexMode.DuplexNone)
        self._set_busy(True)
        self.status.setText("正在发送到打印机…")
        task = tasks.run_with_progress(
            parent, "正在打印…",
            lambda progress, cancelled: printing.print_pdf(printer, produced.path, progress,
                                                           cancelled),
            lambda printed: self._printed(produced, printed, printer),
            self._print_failed)
        self._print_task = task

    def _printed(self, produced: Produced, printed: printing.Printed, printer: Any) -> None:
        self._set_busy(False)
        if printed.cancelled:
            self.status.setText(f"已取消打印（已发送 {printed.pages} 页）。")
            return
        where = printed.printer_name or Path(printer.outputFileName()).name or "打印机"
        self._record(produced, f"打印机：{where}", printed.pages)
        self.status.setText(f"已发送到{where}：{printed.pages} 页（100% 实际尺寸）。")

    def _print_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.status.setText(f"打印失败：{exc}")
        error(self._dialog_parent(), "打印联系卡", f"打印失败：{exc}")

    def _record(self, produced: Produced, out_name: str, pages: int | None = None) -> None:
        try:
            record(self.ctx.db, produced, out_name, pages)
        except DomainError as exc:
            error(self._dialog_parent(), "联系卡", f"已输出，但未能登记这次打印：{exc.message}")
            return
        self.ctx.data_changed.emit()  # reprint flags and coverage follow the new print
