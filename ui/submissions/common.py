"""What the 上报与通报 tabs share: the month picker, money and state display, the file
dialogs (module functions, so tests can replace them) and small widgets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QPushButton, QToolButton,
                               QWidget)

from app.services.deadlines import ItemState

# Background colours of a calendar item, by its state (text stays dark on all of them).
STATE_COLORS: dict[ItemState, str] = {
    ItemState.MISSING: "#f5b7b1",     # red: 缺报
    ItemState.LATE: "#f8c471",        # orange: 逾期报送
    ItemState.DUE_SOON: "#fcf3cf",    # amber: 即将到期
    ItemState.ON_TIME: "#abebc6",     # green: 按时报送
    ItemState.NOT_DUE: "#e5e7e9",     # grey: 未到期
}
FILTERS = {"pdf": "PDF 文件 (*.pdf)", "xlsx": "Excel 工作簿 (*.xlsx)", "zip": "上报材料包 (*.zip)",
           "image": "相片 (*.jpg *.jpeg *.png)"}


# Short column titles for the calendar (the full names are in the tooltips and the forms).
SHORT_KINDS = {"sub_photos": "公开栏相片", "sub_form1": "附件1 提请党委会", "sub_form2": "附件2 经费项目",
               "sub_register": "重点走访登记册", "sub_report": "书面汇报"}


def state_color(state: ItemState) -> QColor:
    return QColor(STATE_COLORS[state])


def money_text(value: Decimal | None) -> str:
    """Yuan with thousands separators and two places: "12,345.60"; "—" for none."""
    return "—" if value is None else f"{value:,.2f}"


def day_text(value: date | None) -> str:
    return "—" if value is None else f"{value:%Y-%m-%d}"


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def button(name: str, text: str, slot: Callable[[], Any], tip: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.clicked.connect(lambda _checked=False: slot())
    if tip:
        b.setToolTip(tip)
    return b


class MonthPicker(QWidget):
    """← 2026 年 3 月 → — never later than this month; ``changed(year, month)``."""

    changed = Signal(int, int)

    def __init__(self, name: str, year: int | None = None, month: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        today = date.today()
        self.year, self.month = year or today.year, month or today.month
        self.back = QToolButton()
        self.back.setArrowType(Qt.ArrowType.LeftArrow)
        self.back.setObjectName(f"{name}Back")
        self.back.setToolTip("上一个月")
        self.forward = QToolButton()
        self.forward.setArrowType(Qt.ArrowType.RightArrow)
        self.forward.setObjectName(f"{name}Forward")
        self.forward.setToolTip("下一个月")
        for b in (self.back, self.forward):
            b.setFixedSize(28, 26)
        self.label = QLabel()
        self.label.setObjectName(f"{name}Label")
        self.label.setMinimumWidth(96)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.back.clicked.connect(lambda: self.set_month(*previous_month(self.year, self.month)))
        self.forward.clicked.connect(lambda: self.set_month(*next_month(self.year, self.month)))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("月份："))
        row.addWidget(self.back)
        row.addWidget(self.label)
        row.addWidget(self.forward)
        self._show()

    def value(self) -> tuple[int, int]:
        return self.year, self.month

    def set_month(self, year: int, month: int) -> None:
        today = date.today()
        if (year, month) > (today.year, today.month):
            year, month = today.year, today.month
        if (year, month) == (self.year, self.month):
            self._show()
            return
        self.year, self.month = year, month
        self._show()
        self.changed.emit(year, month)

    def _show(self) -> None:
        self.label.setText(f"{self.year} 年 {self.month} 月")
        today = date.today()
        self.forward.setEnabled((self.year, self.month) < (today.year, today.month))


# --- file dialogs (tests replace these functions) --------------------------------------------

def ask_save_path(parent: QWidget, title: str, kind: str, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, FILTERS[kind])
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == f".{kind}" else path.with_suffix(f".{kind}")


def ask_open_path(parent: QWidget, title: str, kind: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", FILTERS[kind])
    return Path(name) if name else None


def ask_open_paths(parent: QWidget, title: str, kind: str) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, title, "", FILTERS[kind])
    return [Path(n) for n in names]
