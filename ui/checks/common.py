"""What the 抽查督查 tabs share: the list tab base, the findings table in the check dialogs,
登记问题 (a finding) and 更正 (an amendment of a reported finding)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QStackedWidget, QVBoxLayout, QWidget)

from app.errors import DomainError
from app.models import FindingSource, Severity
from app.services import findings as finding_service
from app.services.patrols import RECTIFY_DAYS
from ui import tasks
from ui.checks.data import FindingLine
from ui.context import AppContext
from ui.ledgers.common import filter_combo, months, refill, text_box
from ui.ledgers.model import Col, LedgerModel, select_by_id, selected_in
from ui.widgets.form import TOP_ERROR_STYLE, FormDialog
from ui.widgets.inputs import choice_combo, date_edit, date_of, line_edit, set_clearable
from ui.widgets.messages import error
from ui.widgets.stale import ReloadsWhenShown
from ui.widgets.table import make_table_view

__all__ = ["AmendDialog", "CheckListTab", "FindingDialog", "FindingsBox", "button", "filter_combo",
           "headline", "lock", "months", "only_overdue_box", "refill", "text_box", "yes_no_combo",
           "yes_no_value"]

ANSWERS = (("（未回答）", None), ("是", True), ("否", False))


def button(name: str, text: str, slot: Callable[[], Any], tip: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.clicked.connect(lambda _checked=False: slot())
    if tip:
        b.setToolTip(tip)
    return b


def yes_no_combo(value: bool | None, name: str) -> QComboBox:
    combo = choice_combo(ANSWERS, name=name)
    combo.setCurrentIndex([v for _l, v in ANSWERS].index(value))
    return combo


def yes_no_value(combo: QComboBox) -> bool | None:
    return ANSWERS[combo.currentIndex()][1]


def lock(widget: QWidget, locked: bool) -> None:
    """Read-only once reported: text stays readable (not greyed out), choices cannot change."""
    if isinstance(widget, QLineEdit):
        widget.setReadOnly(locked)
        set_clearable(widget, not locked)
        if locked:
            widget.setPlaceholderText("")
    else:
        widget.setEnabled(not locked)


def headline(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


NOTICE_STYLE = ("color: #1e4620; background: #e8f5e9; border: 1px solid #a5d6a7;"
                " border-radius: 4px; padding: 6px 8px;")


class RecordMessages:
    """The error line and the notice line at the top of a check record's dialog (ledger check,
    patrol, supervision): one shown at a time, both hidden at first."""

    def make_messages(self, name: str) -> None:
        self.top_error = headline("", f"{name}Error")
        self.top_error.setStyleSheet(TOP_ERROR_STYLE)
        self.notice = headline("", f"{name}Notice")
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.top_error.hide()
        self.notice.hide()

    def _show_error(self, exc: DomainError) -> None:
        self.notice.hide()
        self.top_error.setText(exc.message)
        self.top_error.show()

    def _show_notice(self, text: str) -> None:
        self.top_error.hide()
        self.notice.setText(text)
        self.notice.setVisible(bool(text))


class CheckListTab(ReloadsWhenShown, QWidget):
    """A list of records read in a worker into a fast table (red rows: ``overdue``), a month
    filter and a search box; subclasses give the columns, ``rows(db)`` and the buttons."""

    changed = Signal()
    NAME = WHAT = UNIT = SEARCH_HINT = ""
    COLUMNS: tuple[Col, ...] = ()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False
        self._generation = 0
        self._select_id: int | None = None
        self.model = LedgerModel(self.COLUMNS, lambda r: r.search, self)
        self.month = filter_combo(f"{self.NAME}Month", [], "全部月份")
        self.month.currentIndexChanged.connect(self.apply_filter)
        self.search = line_edit(placeholder=self.SEARCH_HINT, name=f"{self.NAME}Search")
        self.search.textChanged.connect(self.apply_filter)
        self.table = make_table_view(self.model)
        self.table.setObjectName(f"{self.NAME}Table")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        for i, column in enumerate(self.COLUMNS):
            self.table.setColumnWidth(i, column.width)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.update_buttons())
        self.count = QLabel("尚未加载")
        self.count.setObjectName("countLabel")
        self.buttons = QHBoxLayout()
        self.filters = QHBoxLayout()
        self.filters.addWidget(self.month)
        self.filters.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(self.buttons)
        layout.addLayout(self.filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

    @staticmethod
    def rows(db: Any) -> list[Any]:
        raise NotImplementedError

    def open_selected(self) -> None:
        raise NotImplementedError

    def update_buttons(self) -> None:
        pass

    def selected(self) -> Any:
        return selected_in(self.table, self.model)

    def select_id(self, row_id: int) -> bool:
        return select_by_id(self.table, self.model, row_id)

    def reload(self, select_id: int | None = None) -> None:
        self._stale = False
        self._generation += 1
        generation = self._generation
        current = self.selected()
        self._select_id = select_id if select_id is not None else (current.id if current else None)
        db, rows = self.ctx.db, self.rows
        tasks.start(lambda _p, _c: rows(db), lambda found: self._loaded(generation, found),
                    lambda exc: self._failed(generation, exc), owner=self)

    def _loaded(self, generation: int, rows: list[Any]) -> None:
        if generation != self._generation:
            return
        self.model.set_rows(rows)
        refill(self.month, months(r.month for r in rows))
        self.loaded = True
        self.apply_filter()
        if self._select_id is not None:
            self.select_id(self._select_id)
        self.update_buttons()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.count.setText(f"读取{self.WHAT}失败")
        error(self, self.WHAT, f"读取{self.WHAT}失败：{exc}")

    def filter_values(self) -> dict[str, Any]:
        return {"month": self.month.currentData()}

    def apply_filter(self) -> None:
        self.model.set_filter(self.search.text(), **self.filter_values())
        self.count.setText(self.count_text())
        self.update_buttons()

    def count_text(self) -> str:
        return f"显示 {self.model.rowCount()} / 共 {self.model.total} {self.UNIT}"

    def after_change(self, select_id: int | None = None) -> None:
        self.changed.emit()
        self.ctx.data_changed.emit()
        self.reload(select_id)


# --- findings inside a check dialog -----------------------------------------------------------

FINDING_COLUMNS = (
    Col("发现日期", lambda f: f.found_on, 105), Col("来源", lambda f: f.source, 95),
    Col("团队/干部", lambda f: f.person or f.team, 120), Col("严重程度", lambda f: f.severity, 60),
    Col("发现的问题", lambda f: f.description, 260, "stretch"),
    Col("整改要求", lambda f: f.requirement, 140), Col("整改期限", lambda f: f.deadline, 88),
    Col("状态", lambda f: f.status + ("（超期）" if f.overdue else ""), 115))


class FindingsBox(QWidget):
    """The findings of one check, with 登记问题 (before reporting) and 更正… (after)."""

    def __init__(self, name: str, add: Callable[[], None], amend: Callable[[FindingLine], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LedgerModel(FINDING_COLUMNS, lambda f: "", self)
        self.table = make_table_view(self.model)
        self.table.setObjectName(f"{name}Findings")
        for i, column in enumerate(FINDING_COLUMNS):
            self.table.setColumnWidth(i, column.width)
        self.table.setMinimumHeight(110)
        self.add_button = button(f"{name}AddFinding", "登记问题…", add,
                                 "登记这次督查发现的问题、整改要求和期限")
        self.amend_button = button(f"{name}AmendFinding", "更正…", self._amend,
                                   "已上报的问题不能直接修改：更正时写明原因，原内容保留可查")
        self._amend_slot = amend
        self.title = QLabel("发现的问题")
        self.title.setObjectName("sectionTitle")
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.amend_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update())

    def set_findings(self, findings: Sequence[FindingLine], reported: bool) -> None:
        self.model.set_rows(findings)
        self.title.setText(f"发现的问题（{len(findings)} 个）")
        self.add_button.setVisible(not reported)
        self.amend_button.setVisible(reported)
        self._update()

    def selected(self) -> FindingLine | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update(self) -> None:
        line = self.selected()
        self.amend_button.setEnabled(line is not None and line.reported)

    def _amend(self) -> None:
        line = self.selected()
        if line is not None:
            self._amend_slot(line)


class FindingDialog(FormDialog):
    """登记问题: severity, what was found, the rectification requirement and its deadline
    (found + 15 days unless changed), for a team (or, on a patrol, a cadre)."""

    def __init__(self, ctx: AppContext, source: FindingSource, owner: dict[str, int],
                 teams: Sequence[tuple[int, str]], found_on: date, what: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"登记问题：{what}", parent)
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.source = source
        self.owner = owner
        self.team = self.add_field("team_id", "所属团队", choice_combo(
            [(name, tid) for tid, name in teams], name="findingTeam"))
        self.team.setEnabled(len(teams) > 1)
        self.found_on = self.add_field("found_on", "发现日期", date_edit(found_on, "findingFoundOn"))
        self.severity = self.add_field("severity", "严重程度", choice_combo(
            [(s.label, s) for s in Severity], Severity.MINOR, "findingSeverity"))
        self.description = self.add_field("description", "发现的问题",
                                          text_box("findingDescription", 80))
        self.requirement = self.add_field("requirement", "整改要求",
                                          text_box("findingRequirement", 60))
        self.deadline = self.add_field("deadline", "整改期限", date_edit(
            found_on + timedelta(days=RECTIFY_DAYS), "findingDeadline"))
        self._deadline_touched = False
        self.deadline.dateChanged.connect(self._touched)
        self.found_on.dateChanged.connect(self._follow)
        self.save_button.setText("登记")

    def _touched(self) -> None:
        self._deadline_touched = True

    def _follow(self) -> None:
        if not self._deadline_touched:
            self.deadline.blockSignals(True)
            self.deadline.setDate(date_of(self.found_on) + timedelta(days=RECTIFY_DAYS))
            self.deadline.blockSignals(False)

    def save(self) -> int:
        data = finding_service.FindingInput(
            source=self.source, found_on=date_of(self.found_on),
            severity=Severity(self.severity.currentData()),
            description=self.description.toPlainText(),
            requirement=self.requirement.toPlainText(), deadline=date_of(self.deadline),
            team_id=self.team.currentData(), **self.owner)
        with self.ctx.db.session() as s:
            return finding_service.add_finding(s, data).id


AMEND_FIELDS = (("发现的问题", "description"), ("整改要求", "requirement"),
                ("严重程度", "severity"), ("整改期限", "deadline"))


class AmendDialog(FormDialog):
    """更正 a reported finding: which part, the corrected value, and why (all kept)."""

    def __init__(self, ctx: AppContext, line: FindingLine, parent: QWidget | None = None) -> None:
        super().__init__(f"更正已上报的问题（{line.found_on:%Y-%m-%d}，{line.source}）", parent)
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.line = line
        self.add_field("info", "原内容", headline(
            f"{line.severity}｜{line.description}\n整改要求：{line.requirement}\n"
            f"整改期限：{line.deadline:%Y-%m-%d}", "amendOriginal"))
        self.field = self.add_field("field", "更正哪一项", choice_combo(AMEND_FIELDS,
                                                                   name="amendField"))
        self.text = text_box("amendText", 70)
        self.severity = choice_combo([(s.label, s.label) for s in Severity], name="amendSeverity")
        self.deadline = date_edit(line.deadline, "amendDeadline")
        self.values = QStackedWidget()
        for widget in (self.text, self.severity, self.deadline):
            self.values.addWidget(widget)
        self.values.setFixedHeight(76)
        self.add_field("value", "更正为", self.values)
        self.reason = self.add_field("reason", "更正原因", text_box("amendReason", 60))
        self.field.currentIndexChanged.connect(self._switch)
        self._switch()
        self.save_button.setText("更正")

    def _switch(self) -> None:
        key = self.field.currentData()
        if key in ("description", "requirement"):
            self.values.setCurrentWidget(self.text)
            self.text.setPlainText(self.line.description if key == "description"
                                   else self.line.requirement)
        elif key == "severity":
            self.values.setCurrentWidget(self.severity)
            self.severity.setCurrentIndex(max(0, self.severity.findData(self.line.severity)))
        else:
            self.values.setCurrentWidget(self.deadline)

    def save(self) -> int:
        key = self.field.currentData()
        value: Any = {"description": self.text.toPlainText(),
                      "requirement": self.text.toPlainText(),
                      "severity": self.severity.currentData(),
                      "deadline": date_of(self.deadline)}[key]
        with self.ctx.db.session() as s:
            finding_service.amend_finding(s, self.line.id, key, value, self.reason.toPlainText())
        return self.line.id


def only_overdue_box(name: str) -> QCheckBox:
    box = QCheckBox("只看超期")
    box.setObjectName(name)
    return box
