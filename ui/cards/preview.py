"""The preview: the generated PDF's pages as pictures, one page at a time, with zoom.

Pages are drawn by PDFium (pypdfium2) in a worker — see ui/cards/pdf_pages.py for why not
QtPdf — and shown in a scroll area. 适合宽度 follows the window's width; 100 % shows the
paper at its real size on a screen of normal pixel density.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QResizeEvent, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QDialog, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from ui import tasks, window_state
from ui.cards.pdf_pages import POINTS_PER_INCH, PdfPages

FIT_WIDTH, ACTUAL = "fit", "100"
MARGIN = 24  # grey around the page in the scroll area


class PreviewDialog(window_state.RemembersSize, QDialog):
    """``on_print`` / ``on_save`` (when given) offer 打印… and 另存为 PDF… for the same file."""

    def __init__(self, pdf: Path, title: str, warnings: list[str] | None = None,
                 on_print: Callable[[], None] | None = None,
                 on_save: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        window_state.remember(self)  # fits the screen; its size kept per user
        self.setObjectName("cardPreview")
        self.setWindowTitle(f"预览 — {title}")
        window_state.fit_to_screen(self, 920, 860)
        self.pages = PdfPages(pdf)
        self.current = 0
        self.zoom = FIT_WIDTH
        self.shown_page: int | None = None  # the page whose picture is on screen
        self._generation = 0
        self._closed = False
        self._pending = 0  # pictures still being drawn from the open file
        self._resize_timer = QTimer(self, singleShot=True, interval=120)
        self._resize_timer.timeout.connect(self.render_current)
        self._build(title, warnings or [], on_print, on_save)
        self.show_page(0)

    # -- building ------------------------------------------------------------------------------
    def _build(self, title: str, warnings: list[str], on_print: Callable[[], None] | None,
               on_save: Callable[[], None] | None) -> None:
        self.previous_button = self._button("previewPrevious", "上一页", lambda: self.show_page(self.current - 1))
        self.next_button = self._button("previewNext", "下一页", lambda: self.show_page(self.current + 1))
        self.page_box = QSpinBox()
        self.page_box.setObjectName("previewPage")
        self.page_box.setRange(1, max(1, len(self.pages)))
        self.page_box.valueChanged.connect(lambda value: self.show_page(value - 1))
        self.page_count = QLabel(f"/ {len(self.pages)} 页")
        self.fit_button = self._button("previewFit", "适合宽度", lambda: self.set_zoom(FIT_WIDTH))
        self.actual_button = self._button("previewActual", "100%", lambda: self.set_zoom(ACTUAL))
        zoom_group = QButtonGroup(self)
        for button in (self.fit_button, self.actual_button):
            button.setCheckable(True)
            zoom_group.addButton(button)
        self.fit_button.setChecked(True)
        self.size_label = QLabel()
        self.size_label.setObjectName("previewSize")
        bar = QHBoxLayout()
        for widget in (self.previous_button, self.page_box, self.page_count, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(16)
        bar.addWidget(self.fit_button)
        bar.addWidget(self.actual_button)
        bar.addSpacing(16)
        bar.addWidget(self.size_label)
        bar.addStretch(1)
        self.print_button = self.save_button = None
        if on_print is not None:
            self.print_button = self._button("previewPrint", "打印…", on_print)
            self.print_button.setProperty("primary", True)
            bar.addWidget(self.print_button)
        if on_save is not None:
            self.save_button = self._button("previewSave", "另存为 PDF…", on_save)
            bar.addWidget(self.save_button)
        bar.addWidget(self._button("previewClose", "关闭", self.reject))
        self.picture = QLabel("正在生成预览…")
        self.picture.setObjectName("previewPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: white;")
        self.scroll = QScrollArea()
        self.scroll.setObjectName("previewScroll")
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll.setStyleSheet("QScrollArea { background: #7f8c8d; border: none; }")
        self.scroll.viewport().setStyleSheet("background: #7f8c8d;")
        self.scroll.setWidget(self.picture)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        header = QLabel(title)
        header.setObjectName("sectionTitle")
        layout.addWidget(header)
        if warnings:
            note = QLabel("请注意：\n" + "\n".join(f"• {w}" for w in warnings))
            note.setObjectName("warningBox")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.scroll, 1)
        for key, step in ((QKeySequence.StandardKey.MoveToPreviousPage, -1),
                          (QKeySequence.StandardKey.MoveToNextPage, 1)):
            QShortcut(key, self, lambda step=step: self.show_page(self.current + step))

    def _button(self, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # -- navigation and zoom ---------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        if not 0 <= index < len(self.pages):
            return
        self.current = index
        self.page_box.blockSignals(True)
        self.page_box.setValue(index + 1)
        self.page_box.blockSignals(False)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.pages) - 1)
        size = self.pages.sizes[index]
        w, h = size.mm
        self.size_label.setText(f"{size.name}（{w:.0f} × {h:.0f} mm）")
        self.render_current()

    def set_zoom(self, zoom: str) -> None:
        self.zoom = zoom
        (self.fit_button if zoom == FIT_WIDTH else self.actual_button).setChecked(True)
        self.render_current()

    def dpi(self) -> float:
        """Dots per inch on screen for the current zoom (before the device pixel ratio)."""
        size = self.pages.sizes[self.current]
        if self.zoom == ACTUAL:
            return float(self.logicalDpiX())
        room = self.scroll.viewport().width() - 2 * MARGIN
        return max(20.0, room / (size.width / POINTS_PER_INCH))

    # -- drawing (in a worker) ---------------------------------------------------------------------
    def render_current(self) -> None:
        if self._closed or not len(self.pages):
            return
        self._generation += 1
        generation, index, pages = self._generation, self.current, self.pages
        ratio = self.devicePixelRatioF()
        dpi = self.dpi() * ratio
        self._pending += 1
        tasks.start(lambda _p, _c: pages.image(index, dpi),
                    lambda image: self._rendered(generation, index, image, ratio),
                    lambda exc: self._failed(generation, exc))

    def _finished(self) -> None:
        self._pending -= 1
        if self._closed and not self._pending:
            self.pages.close()

    def _rendered(self, generation: int, index: int, image: QImage, ratio: float) -> None:
        self._finished()
        if self._closed or generation != self._generation:
            return
        image.setDevicePixelRatio(ratio)
        self.picture.setPixmap(QPixmap.fromImage(image))
        self.picture.resize(image.deviceIndependentSize().toSize())
        self.shown_page = index

    def _failed(self, generation: int, exc: BaseException) -> None:
        self._finished()
        if self._closed or generation != self._generation:
            return
        self.picture.setText(f"无法显示第 {self.current + 1} 页：{exc}")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.zoom == FIT_WIDTH:
            self._resize_timer.start()

    def done(self, result: int) -> None:
        if not self._closed:
            self._closed = True
            if not self._pending:  # else the last picture being drawn closes the file
                self.pages.close()
        super().done(result)
