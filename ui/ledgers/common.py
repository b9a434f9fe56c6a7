"""What the ledger tabs share: the filter combos, the team/community choices and the list tab."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from app.auth import Permission
from app.errors import DomainError
from ui import tasks
from ui.context import AppContext
from ui.widgets.empty_hint import set_empty_hint
from ui.ledgers.data import TeamChoice
from ui.ledgers.model import Col, LedgerModel, select_by_id, selected_in
from ui.widgets.inputs import line_edit
from ui.widgets.messages import error
from ui.widgets.stale import ReloadsWhenShown
from ui.widgets.table import make_table_view

ALL = "全部"


def filter_combo(name: str, items: Iterable[tuple[str, Any]], all_label: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(all_label, None)
    for label, value in items:
        combo.addItem(label, value)
    combo.setMinimumContentsLength(6)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def refill(combo: QComboBox, items: Iterable[tuple[str, Any]]) -> None:
    """New choices, keeping the chosen value when it is still there."""
    current = combo.currentData()
    combo.blockSignals(True)
    first = combo.itemText(0)
    combo.clear()
    combo.addItem(first, None)
    for label, value in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


def communities_of(teams: Sequence[TeamChoice]) -> list[tuple[str, int]]:
    seen: dict[int, str] = {}
    for team in teams:
        for cid, name in team.communities:
            seen.setdefault(cid, name)
    return sorted(((name, cid) for cid, name in seen.items()), key=lambda x: x[0])


def months(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(m, m) for m in sorted(set(values), reverse=True)]


def text_box(name: str, height: int = 70, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setFixedHeight(height)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    return box


class LedgerTab(ReloadsWhenShown, QWidget):
    """A ledger list: team / community / month filters and a search box over a fast table,
    a record button for those who keep records, rows read in a worker.

    Subclasses give ``NAME`` (object-name prefix), ``WHAT`` (the ledger's name), ``UNIT``
    (what a row counts), ``COLUMNS``, ``key`` (a row's search text), ``rows(db)`` and
    ``record()``; they lay out ``self.top``, ``self.filters`` and ``self.listing``.
    """

    changed = Signal()
    NAME = WHAT = UNIT = SEARCH_HINT = RECORD_LABEL = ""
    COLUMNS: tuple[Col, ...] = ()
    # The order ``rows`` returns (column, descending): the first column, newest first.
    PRESORTED: tuple[int, bool] | None = (0, True)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.teams: list[TeamChoice] = []
        self.loaded = False
        self._generation = 0
        self.model = self.make_model()
        name = self.NAME
        self.team = filter_combo(f"{name}Team", [], "全部团队")
        self.community = filter_combo(f"{name}Community", [], "全部村（社区）")
        self.month = filter_combo(f"{name}Month", [], "全部月份")
        self.search = line_edit(placeholder=self.SEARCH_HINT, name=f"{name}Search")
        self.search.textChanged.connect(self.apply_filter)
        for combo in (self.team, self.community, self.month):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.record_button = QPushButton(self.RECORD_LABEL)
        self.record_button.setObjectName(f"record{name[:1].upper()}{name[1:]}")
        self.record_button.clicked.connect(self.record)
        self.record_button.setVisible(ctx.can(Permission.KEEP_RECORDS))
        self.table = make_table_view(self.model)
        self.table.setObjectName(f"{name}Table")
        set_empty_hint(self.table, lambda: f"所选团队和时间内没有记录。换一个团队或月份，"
                                           f"或点“{self.RECORD_LABEL}”新增。")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        for i, column in enumerate(self.COLUMNS):
            self.table.setColumnWidth(i, column.width)
        self.count = QLabel("尚未加载")
        self.count.setObjectName("countLabel")
        self.top = QHBoxLayout()
        self.top.addWidget(self.record_button)
        self.top.addStretch(1)
        self.filters = QHBoxLayout()
        for combo in (self.team, self.community, self.month):
            self.filters.addWidget(combo)
        self.filters.addWidget(self.search, 1)
        self.listing = QWidget()
        listing = QVBoxLayout(self.listing)
        listing.setContentsMargins(0, 0, 0, 0)
        listing.addWidget(self.table, 1)
        listing.addWidget(self.count)

    def make_model(self) -> Any:
        return LedgerModel(self.COLUMNS, self.key, self)

    @staticmethod
    def key(row: Any) -> str:
        raise NotImplementedError

    @staticmethod
    def rows(db: Any) -> list[Any]:
        raise NotImplementedError

    def record(self) -> None:
        raise NotImplementedError

    def set_teams(self, teams: Sequence[TeamChoice]) -> None:
        self.teams = list(teams)
        refill(self.team, [(t.name, t.id) for t in self.teams])
        refill(self.community, communities_of(self.teams))

    def reload(self) -> None:
        self._stale = False
        self._generation += 1
        generation = self._generation
        db, rows = self.ctx.db, self.rows
        tasks.start(lambda _p, _c: rows(db), lambda found: self._loaded(generation, found),
                    self._failed, owner=self)

    def _loaded(self, generation: int, rows: list[Any]) -> None:
        if generation != self._generation:
            return  # an older read arriving late
        self.model.set_rows(rows, self.PRESORTED)
        refill(self.month, months({r.month for r in rows}))
        self.loaded = True
        self._update_count()

    def _failed(self, exc: BaseException) -> None:
        self.count.setText(f"读取{self.WHAT}失败")
        error(self, self.WHAT, f"读取{self.WHAT}失败：{exc}")

    def apply_filter(self) -> None:
        self.model.set_filter(self.search.text(), team_id=self.team.currentData(),
                              community_id=self.community.currentData(),
                              month=self.month.currentData())
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(f"显示 {self.model.rowCount()} / 共 {self.model.total} {self.UNIT}")

    def after_record(self) -> None:
        self.changed.emit()
        self.ctx.data_changed.emit()
        self.reload()


class EditableLedgerTab(LedgerTab):
    """A ledger list whose rows can be corrected: 修改 (shown with ``KEEP_RECORDS``, enabled
    for a selected row of a team the user keeps records for) and a double-click open the
    row's edit dialog; after a save the list reloads with the row still selected.

    Subclasses give ``edit(row) -> int | None`` (the saved record's id).
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._select_id: int | None = None
        self.may_keep = ctx.can(Permission.KEEP_RECORDS)
        self.edit_button = QPushButton("修改")
        self.edit_button.setObjectName(f"edit{self.NAME[:1].upper()}{self.NAME[1:]}")
        self.edit_button.setToolTip(f"修改选中的{self.WHAT}（也可双击一行）")
        self.edit_button.setVisible(self.may_keep)
        self.edit_button.clicked.connect(self.edit_selected)
        self.top.insertWidget(1, self.edit_button)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_edit)
        self.model.modelReset.connect(self._update_edit)
        self._update_edit()

    def selected(self) -> Any:
        return selected_in(self.table, self.model)

    def select_row(self, row_id: int) -> bool:
        return select_by_id(self.table, self.model, row_id)

    def _editable(self, row: Any) -> bool:
        actor = self.ctx.actor
        return (row is not None and self.may_keep and actor is not None
                and actor.can_team(Permission.KEEP_RECORDS, row.team_id))

    def _update_edit(self, *_args: Any) -> None:
        self.edit_button.setEnabled(self._editable(self.selected()))

    def reload(self, select_id: int | None = None) -> None:
        current = self.selected()
        self._select_id = select_id if select_id is not None else (current.id if current else None)
        super().reload()

    def _loaded(self, generation: int, rows: list[Any]) -> None:
        super()._loaded(generation, rows)
        if generation == self._generation and self._select_id is not None:
            self.select_row(self._select_id)
        self._update_edit()

    def edit_selected(self) -> None:
        row = self.selected()
        if not self._editable(row):
            return
        try:
            saved = self.edit(row)
        except DomainError as exc:   # gone, or no longer the user's team
            error(self, self.WHAT, exc.message)
            return
        if saved is not None:
            self.changed.emit()
            self.ctx.data_changed.emit()
            self.reload(select_id=saved)

    def edit(self, row: Any) -> int | None:
        raise NotImplementedError
