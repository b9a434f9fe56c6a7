"""抽查设置 tab (the organization office only): the months of the full check, the days a drawn
team has to hand in its ledgers, the patrol afternoon, and the checklist with its scoring.
One 保存 writes both in one transaction; checks already opened keep the items they had.
"""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.errors import DomainError
from app.services import spot_checks
from app.services.settings import get_settings
from ui.context import AppContext
from ui.widgets.inputs import time_edit, time_of, weekday_combo
from ui.widgets.messages import inform

NAME, POINTS, EVIDENCE, GUIDANCE, RETIRED = range(5)


class CheckSettingsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.version: int | None = None
        self.months = [QCheckBox(f"{m}月") for m in range(1, 13)]
        for m, box in enumerate(self.months, start=1):
            box.setObjectName(f"fullMonth{m}")
        self.due_days = QSpinBox()
        self.due_days.setRange(1, 31)
        self.due_days.setSuffix(" 天")
        self.due_days.setObjectName("checkDueDays")
        self.weekday = weekday_combo(4, "patrolWeekday")
        self.start = time_edit(time(14, 30), "patrolStart")
        self.end = time_edit(time(17, 30), "patrolEnd")
        plan = QGroupBox("抽查安排")
        grid = QGridLayout(plan)
        grid.addWidget(QLabel("全面检查月份（每年至少 2 次）："), 0, 0)
        months = QHBoxLayout()
        for box in self.months:
            months.addWidget(box)
        months.addStretch(1)
        grid.addLayout(months, 0, 1)
        grid.addWidget(QLabel("接到抽查通知后报送台账的期限："), 1, 0)
        grid.addWidget(self.due_days, 1, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(QLabel("下乡巡查时间："), 2, 0)
        patrol = QHBoxLayout()
        for widget in (self.weekday, self.start, QLabel("至"), self.end):
            patrol.addWidget(widget)
        patrol.addStretch(1)
        grid.addLayout(patrol, 2, 1)

        self.table = QTableWidget(0, 5)
        self.table.setObjectName("checklistTable")
        self.table.setHorizontalHeaderLabels(["抽查项目", "分值", "自动核对", "检查要点", "停用"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(GUIDANCE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((NAME, 150), (POINTS, 70), (EVIDENCE, 150), (RETIRED, 50)):
            self.table.setColumnWidth(column, width)
        self.total = QLabel()
        self.total.setObjectName("checklistTotal")
        add = QPushButton("添加项目")
        add.setObjectName("addCheckItem")
        add.clicked.connect(lambda: self._add_row(None))
        up, down = QPushButton("上移"), QPushButton("下移")
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        items = QGroupBox("抽查项目与分值（新的抽查按此清单；已开展的抽查保留原清单）")
        box = QVBoxLayout(items)
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        for widget in (add, up, down):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.total)
        box.addLayout(row)

        self.message = QLabel()
        self.message.setObjectName("checkSettingsMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c0392b;")
        self.save_button = QPushButton("保存抽查设置")
        self.save_button.setObjectName("saveCheckSettings")
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(plan)
        layout.addWidget(items, 1)
        layout.addLayout(bottom)
        self.table.itemChanged.connect(lambda _item: self._update_total())
        ctx.database_replaced.connect(self.reload)
        self.reload()

    # -- reading ------------------------------------------------------------------------
    def reload(self) -> None:
        with self.ctx.db.session() as s:   # one settings row and a dozen items
            settings = get_settings(s)
            self.version = settings.version
            chosen = set(settings.full_check_month_numbers)
            due, weekday = settings.check_due_days, settings.patrol_weekday
            start, end = settings.patrol_start, settings.patrol_end
            rows = [spot_checks.TemplateInput(t.name, t.points, t.guidance, t.evidence, t.active,
                                              t.id)
                    for t in spot_checks.checklist(s, include_retired=True)]
        for m, box in enumerate(self.months, start=1):
            box.setChecked(m in chosen)
        self.due_days.setValue(due)
        self.weekday.setCurrentIndex(max(0, self.weekday.findData(weekday)))
        self.start.setTime(QTime(start.hour, start.minute))
        self.end.setTime(QTime(end.hour, end.minute))
        self.table.setRowCount(0)
        for row in rows:
            self._add_row(row)
        self.message.clear()
        self._update_total()

    def _add_row(self, row: spot_checks.TemplateInput | None) -> None:
        blocked = self.table.blockSignals(True)   # the row is half-built until the end
        n = self.table.rowCount()
        self.table.insertRow(n)
        name = QTableWidgetItem(row.name if row else "")
        name.setData(Qt.ItemDataRole.UserRole, row.id if row else None)
        self.table.setItem(n, NAME, name)
        points = QSpinBox()
        points.setRange(0, 100)
        points.setValue(row.points if row else 10)
        points.valueChanged.connect(lambda _v: self._update_total())
        self.table.setCellWidget(n, POINTS, points)
        evidence = QComboBox()
        for key, label in spot_checks.EVIDENCE_KEYS.items():
            evidence.addItem(label, key)
        evidence.setCurrentIndex(max(0, evidence.findData(row.evidence if row else "")))
        self.table.setCellWidget(n, EVIDENCE, evidence)
        self.table.setItem(n, GUIDANCE, QTableWidgetItem(row.guidance if row else ""))
        retired = QCheckBox()
        retired.setChecked(row is not None and not row.active)
        retired.toggled.connect(lambda _v: self._update_total())
        self.table.setCellWidget(n, RETIRED, retired)
        self.table.blockSignals(blocked)
        if row is None:
            self.table.setCurrentCell(n, NAME)
            self.table.editItem(self.table.item(n, NAME))
        self._update_total()

    def _move(self, step: int) -> None:
        rows = self.rows()
        current = self.table.currentRow()
        target = current + step
        if current < 0 or not 0 <= target < len(rows):
            return
        rows[current], rows[target] = rows[target], rows[current]
        self.table.setRowCount(0)
        for row in rows:
            self._add_row(row)
        self.table.selectRow(target)

    def rows(self) -> list[spot_checks.TemplateInput]:
        out = []
        for n in range(self.table.rowCount()):
            name = self.table.item(n, NAME)
            guidance = self.table.item(n, GUIDANCE)
            out.append(spot_checks.TemplateInput(
                name=name.text() if name else "",
                points=self.table.cellWidget(n, POINTS).value(),  # type: ignore[union-attr]
                guidance=guidance.text() if guidance else "",
                evidence=self.table.cellWidget(n, EVIDENCE).currentData(),  # type: ignore[union-attr]
                active=not self.table.cellWidget(n, RETIRED).isChecked(),  # type: ignore[union-attr]
                id=name.data(Qt.ItemDataRole.UserRole) if name else None))
        return out

    def _update_total(self) -> None:
        if not hasattr(self, "total"):
            return
        total = sum(r.points for r in self.rows() if r.active)
        self.total.setText(f"在用项目合计 {total} 分" + ("" if total == 100 else "（建议合计 100 分）"))

    # -- saving -------------------------------------------------------------------------
    def save(self) -> None:
        data = spot_checks.CheckSettingsInput(
            [m for m, box in enumerate(self.months, start=1) if box.isChecked()],
            self.due_days.value(), self.weekday.currentData(), time_of(self.start),
            time_of(self.end))
        try:
            with self.ctx.db.session() as s:   # one transaction: the settings and the list
                spot_checks.update_check_settings(s, data, self.version)
                spot_checks.save_checklist(s, self.rows())
        except DomainError as exc:
            self.message.setText(exc.message)    # what was typed stays on the page
            return
        self.reload()
        inform(self, "抽查设置", "抽查设置已保存。")
