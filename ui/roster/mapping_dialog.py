"""The mapping step: each column of the file → a roster field or 不导入, with its first rows.

Shown when the import could not place a headed column, or a sheet lacks a column it needs.
The list is bounded (at most 60 columns a sheet), so a plain table widget serves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QHeaderView,
                               QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.roster.headers import IGNORE
from app.roster.mapping import SheetLayout, kind_titles
from ui import window_state

HEADERS = ("工作表", "列", "表头", "前几行内容", "导入为")

UNPLACED_BRUSH = QBrush(QColor("#fde2e1"))


class ColumnMappingDialog(window_state.RemembersSize, QDialog):
    """``mapping()`` gives {header: field title or 不导入} for every column shown."""

    def __init__(self, layouts: Sequence[SheetLayout], chosen: Mapping[str, str] | None = None,
                 file_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        window_state.remember(self)  # fits the screen; its size kept per user
        self.setWindowTitle(f"列对应 — {file_name}" if file_name else "列对应")
        self.resize(900, 520)
        self.layouts = list(layouts)
        chosen = dict(chosen or {})
        layout = QVBoxLayout(self)
        intro = QLabel("请确认名册的每一列导入为哪一项。标红的列程序未能识别；不需要的列选“不导入”。"
                       "同样格式的名册下次导入时会沿用这次的选择。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("mappingTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.combos: list[tuple[SheetLayout, str, QComboBox]] = []
        for sheet in self.layouts:
            for column in sheet.columns:
                self._add_row(sheet, column.letter, column.header, column.samples,
                              chosen.get(column.header, column.choice), not column.choice)
        header = self.table.horizontalHeader()
        for i in range(len(HEADERS)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(4, 170)  # the longest field title, 辅助团队联络员, with its arrow
        layout.addWidget(self.table, 1)
        self.problem = QLabel()
        self.problem.setObjectName("mappingProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("下一步：检查", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._check()

    def _add_row(self, sheet: SheetLayout, letter: str, header: str, samples: Sequence[str],
                 choice: str, unplaced: bool) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        cells = (sheet.name, letter, header, "；".join(s for s in samples if s))
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if unplaced:
                item.setBackground(UNPLACED_BRUSH)
                item.setToolTip("程序未能识别这一列")
            self.table.setItem(row, col, item)
        combo = QComboBox()
        combo.addItems([IGNORE, *kind_titles(sheet.kind)])
        combo.setCurrentText(choice if choice else IGNORE)
        combo.setAccessibleName(f"{sheet.name} {letter} 列“{header}”导入为")
        combo.currentIndexChanged.connect(self._check)
        self.table.setCellWidget(row, 4, combo)
        self.combos.append((sheet, header, combo))

    def mapping(self) -> dict[str, str]:
        return {header: combo.currentText() for _sheet, header, combo in self.combos}

    def _check(self) -> None:
        problems: list[str] = []
        for sheet in self.layouts:
            chosen = [c.currentText() for s, _h, c in self.combos if s is sheet]
            twice = sorted({t for t in chosen if t != IGNORE and chosen.count(t) > 1})
            if twice:
                problems.append(f"工作表“{sheet.name}”有两列都选了{'、'.join(f'“{t}”' for t in twice)}")
            lacking = [t for t in sheet.needed if t not in chosen]
            if lacking:
                problems.append(f"工作表“{sheet.name}”还没有{'、'.join(f'“{t}”' for t in lacking)}列")
        self.problem.setText("；".join(problems) + ("。" if problems else ""))
        self.problem.setVisible(bool(problems))
        self.ok_button.setEnabled(not any("两列都选了" in p for p in problems))
