"""本月上报 tab: the month's calendar of every team (a liaison: their teams) with state colours,
and for the chosen team its notice-board photos, written report and package; the office's side
receives packages (checked, merged once), records paper submissions by hand and lists what it
received."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QDateTime, QModelIndex, QPersistentModelIndex,
                            QSize, Qt, Signal)
from PySide6.QtGui import QBrush, QIcon, QPixmap
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QHBoxLayout, QHeaderView, QLabel,
                               QListView, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QSplitter, QTabWidget, QVBoxLayout, QWidget)

from app.auth import Permission
from app.errors import DomainError
from app.models import PhotoKind, SubmissionKind
from app.services import deadlines, notice_photos, submission_package, written_reports
from app.services.deadlines import CalendarItem
from ui import tasks
from ui.context import AppContext
from ui.ledgers import data as ledger_data
from ui.ledgers.data import TeamChoice
from ui.submissions import common, data
from ui.submissions.common import MonthPicker, button, state_color
from ui.submissions.data import PackageLine, TeamMonth
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, line_edit
from ui.widgets.messages import confirm, error
from ui.widgets.stale import ReloadsWhenShown
from ui.widgets.table import Column, RowTableModel, make_table_view

Index = QModelIndex | QPersistentModelIndex
KINDS = tuple(SubmissionKind)
ERROR_STYLE = ("color: #922b21; background: #fdecea; border: 1px solid #f5b7b1;"
               " border-radius: 4px; padding: 6px 8px;")
OK_STYLE = ("color: #1d6b3a; background: #eafaf1; border: 1px solid #abebc6;"
            " border-radius: 4px; padding: 6px 8px;")


class CalendarModel(QAbstractTableModel):
    """One row per team, one column per item owed: state and date, coloured by state."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.teams: list[tuple[int, str]] = []
        self.items: dict[tuple[int, SubmissionKind], CalendarItem] = {}
        self.due: dict[SubmissionKind, date] = {}

    def set_items(self, items: Sequence[CalendarItem]) -> None:
        self.beginResetModel()
        self.teams = []
        self.items = {}
        for item in items:
            if (item.team_id, item.team) not in self.teams:
                self.teams.append((item.team_id, item.team))
            self.items[(item.team_id, item.kind)] = item
            self.due[item.kind] = item.due
        self.endResetModel()

    def item(self, row: int, column: int) -> CalendarItem | None:
        if not (0 <= row < len(self.teams)) or not (1 <= column <= len(KINDS)):
            return None
        return self.items.get((self.teams[row][0], KINDS[column - 1]))

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.teams)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 1 + len(KINDS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if column == 0:
            return self.teams[row][1] if role == Qt.ItemDataRole.DisplayRole else None
        item = self.item(row, column)
        if item is None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{self.teams[row][1]}：此项在团队设立前已到期，本月无需报送"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if item.received_at is not None:
                return f"{item.state.label} {item.received_at:%m-%d}"
            return item.state.label
        if role == Qt.ItemDataRole.ToolTipRole:
            got = (f"，{item.received_at:%Y-%m-%d %H:%M} 收到" if item.received_at
                   else "，尚未收到")
            return f"{item.team}：{item.kind.label}，应于 {item.due:%Y-%m-%d} 前报送{got}（{item.state.label}）"
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(state_color(item.state))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Only the team's cell shows the selection: the state colours stay readable."""
        if index.isValid() and index.column() > 0:
            return Qt.ItemFlag.ItemIsEnabled
        return super().flags(index)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and section > 0:
            return KINDS[section - 1].label
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "驻点团队"
        kind = KINDS[section - 1]
        due = self.due.get(kind)
        title = common.SHORT_KINDS.get(kind.value, kind.label)
        return f"{title}\n{due:%m-%d} 前" if due else title


def legend() -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for state in (deadlines.ItemState.MISSING, deadlines.ItemState.LATE,
                  deadlines.ItemState.DUE_SOON, deadlines.ItemState.ON_TIME,
                  deadlines.ItemState.NOT_DUE):
        chip = QLabel(state.label)
        chip.setStyleSheet(f"background: {common.STATE_COLORS[state]}; padding: 2px 8px;"
                           " border-radius: 3px;")
        row.addWidget(chip)
    row.addStretch(1)
    return box


PACKAGE_COLUMNS = (
    Column("收到时间", lambda p: f"{p.received_at:%Y-%m-%d %H:%M}", width=130),
    Column("驻点团队", lambda p: p.team, width=150),
    Column("月份", lambda p: f"{p.year}-{p.month:02d}", width=70),
    Column("文件", lambda p: p.file_name, fit="stretch"),
    Column("打包时间", lambda p: f"{p.built_at:%Y-%m-%d %H:%M}", width=130),
    Column("文件数", lambda p: p.files, width=60),
    Column("程序版本", lambda p: p.app_version, width=80),
)


class MonthlyTab(ReloadsWhenShown, QWidget):
    """``changed`` after anything was saved or received (the other tabs and the dashboard
    reload)."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.office = ctx.can(Permission.PUBLISH_BULLETIN)
        self.teams: dict[int, TeamChoice] = {}
        self.team_month: TeamMonth | None = None
        self.loaded = False
        self.team_loaded = False
        self._generation = 0
        self._team_generation = 0
        self.busy = False
        self.picker = MonthPicker("submissionMonth")
        self.picker.changed.connect(lambda _y, _m: self.reload())
        self.model = CalendarModel(self)
        self.table = make_table_view(self.model)
        self.table.setObjectName("calendarTable")
        self.table.horizontalHeader().setMinimumHeight(44)
        self.table.setColumnWidth(0, 200)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for i in range(1, 1 + len(KINDS)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.team_chosen())
        self.state = QLabel("尚未加载")
        self.state.setObjectName("calendarState")
        top = QHBoxLayout()
        top.addWidget(self.picker)
        top.addSpacing(16)
        top.addWidget(legend(), 1)
        calendar_box = QWidget()
        column = QVBoxLayout(calendar_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addWidget(self.state)
        self.side = QTabWidget()
        self.side.setObjectName("submissionSide")
        self.side.addTab(self._photos_box(), "公开栏相片")
        self.side.addTab(self._report_box(), "书面汇报")
        self.side.addTab(self._package_box(), "上报材料包")
        if self.office:
            self.side.addTab(self._office_box(), "组织办接收")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(calendar_box)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._update_team_buttons()

    # -- building the side -----------------------------------------------------------------
    def _photos_box(self) -> QWidget:
        box = QWidget()
        self.photo_community = QComboBox()
        self.photo_community.setObjectName("photoCommunity")
        self.photo_community.setMinimumContentsLength(8)
        self.photo_kind = choice_combo([(k.label, k) for k in PhotoKind], PhotoKind.FAR,
                                       "photoKind")
        self.add_photos_button = button("addPhotos", "添加相片…", self.add_photos,
                                        "JPEG 或 PNG；每个村（社区）每月不少于 3 张，远景、近景都要有")
        self.remove_photo_button = button("removePhoto", "移除", self.remove_photo,
                                          "把选中的相片从本月移除（拍错、选错时）")
        self.photo_list = QListWidget()
        self.photo_list.setObjectName("photoList")
        self.photo_list.setViewMode(QListView.ViewMode.IconMode)
        self.photo_list.setIconSize(QSize(data.THUMB, data.THUMB))
        self.photo_list.setGridSize(QSize(data.THUMB + 30, data.THUMB + 48))
        self.photo_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.photo_list.setMovement(QListView.Movement.Static)
        self.photo_list.setWordWrap(True)
        self.photo_list.currentItemChanged.connect(lambda *_a: self._update_team_buttons())
        self.photo_state = QLabel()
        self.photo_state.setObjectName("photoState")
        self.photo_state.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("村（社区）："))
        row.addWidget(self.photo_community)
        row.addWidget(QLabel("类型："))
        row.addWidget(self.photo_kind)
        row.addWidget(self.add_photos_button)
        row.addWidget(self.remove_photo_button)
        row.addStretch(1)
        column = QVBoxLayout(box)
        column.addLayout(row)
        column.addWidget(self.photo_list, 1)
        column.addWidget(self.photo_state)
        return box

    def _report_box(self) -> QWidget:
        box = QWidget()
        self.report_title = line_edit(placeholder="不填则为“某年某月直联工作情况汇报”",
                                      name="reportTitle")
        self.report_body = QPlainTextEdit()
        self.report_body.setObjectName("reportBody")
        self.report_body.setPlaceholderText("本月直联工作的主要情况：驻点接访、走访、收集和解决的问题、"
                                            "存在的困难和下月打算（至少 20 字）")
        self.save_report_button = button("saveReport", "保存书面汇报", self.save_report)
        self.report_state = QLabel()
        self.report_state.setObjectName("reportState")
        self.report_state.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("标题："))
        row.addWidget(self.report_title, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.report_state, 1)
        bottom.addWidget(self.save_report_button)
        column = QVBoxLayout(box)
        column.addLayout(row)
        column.addWidget(self.report_body, 1)
        column.addLayout(bottom)
        return box

    def _package_box(self) -> QWidget:
        box = QWidget()
        self.package_state = QLabel("选中一个团队")
        self.package_state.setObjectName("packageState")
        self.package_state.setWordWrap(True)
        self.package_state.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.build_button = button(
            "buildPackage", "生成上报材料包…", self.build_package,
            "一个 zip：附件1、附件2、重点走访登记册进度、书面汇报（xlsx 和 PDF）、公开栏相片和校验清单")
        self.build_result = QLabel()
        self.build_result.setObjectName("buildResult")
        self.build_result.setWordWrap(True)
        self.build_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.build_button)
        row.addStretch(1)
        column = QVBoxLayout(box)
        column.addWidget(self.package_state)
        column.addLayout(row)
        column.addWidget(self.build_result)
        column.addStretch(1)
        return box

    def _office_box(self) -> QWidget:
        box = QWidget()
        self.receive_button = button("receivePackage", "接收材料包…", self.receive_package,
                                     "从 U 盘或共享文件夹选择团队的上报材料包：逐个文件核对校验值后登记收到并合并数据")
        self.record_button = button("recordReceived", "手工登记收到…", self.record_received,
                                    "纸质材料等不经材料包报送的事项，登记收到时间")
        self.receipt = QLabel("接收结果将显示在这里。")
        self.receipt.setObjectName("receiptView")
        self.receipt.setWordWrap(True)
        self.receipt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.package_model: RowTableModel[PackageLine] = RowTableModel(PACKAGE_COLUMNS, self)
        self.package_table = make_table_view(self.package_model)
        self.package_table.setObjectName("packageTable")
        row = QHBoxLayout()
        row.addWidget(self.receive_button)
        row.addWidget(self.record_button)
        row.addStretch(1)
        title = QLabel("已接收的材料包")
        title.setObjectName("sectionTitle")
        column = QVBoxLayout(box)
        column.addLayout(row)
        column.addWidget(self.receipt)
        column.addWidget(title)
        column.addWidget(self.package_table, 1)
        return box

    # -- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        self._stale = False
        self._generation += 1
        generation = self._generation
        db = self.ctx.db
        year, month = self.picker.value()
        office = self.office

        def work(_p: Any, _c: Any) -> tuple[Any, ...]:
            teams = ledger_data.team_choices(db)
            items = data.calendar(db, year, month)
            packages = data.packages(db) if office else []
            return teams, items, packages

        self.state.setText("正在读取…")
        tasks.start(work, lambda found: self._loaded(generation, found),
                    lambda exc: self._failed(generation, exc), owner=self)

    def _loaded(self, generation: int, found: tuple[Any, ...]) -> None:
        if generation != self._generation:
            return
        teams, items, packages = found
        self.teams = {t.id: t for t in teams}
        current = self.current_team_id()
        self.model.set_items(items)
        if self.office:
            self.package_model.set_rows(packages)
        year, month = self.picker.value()
        missing = sum(1 for i in items if i.state == deadlines.ItemState.MISSING)
        self.state.setText(f"{year} 年 {month} 月：{len(self.model.teams)} 个团队，"
                           f"缺报 {missing} 项。选中一个团队查看和报送它的材料。")
        self.loaded = True
        rows = [tid for tid, _n in self.model.teams]
        row = rows.index(current) if current in rows else (0 if rows else -1)
        if row >= 0:
            self.table.selectRow(row)
            if self.table.selectionModel().selectedRows() and current in rows:
                self.load_team()  # the same row stays selected: no selection change
        else:
            self.team_month = None
            self._show_team()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.state.setText(f"读取上报情况失败：{exc}")
        error(self, "本月上报", f"读取上报情况失败：{exc}")

    def current_team_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.model.teams):
            return None
        return self.model.teams[rows[0].row()][0]

    def current_team(self) -> TeamChoice | None:
        team_id = self.current_team_id()
        return self.teams.get(team_id) if team_id is not None else None

    def team_chosen(self) -> None:
        self.load_team()

    def load_team(self) -> None:
        team = self.current_team()
        self._team_generation += 1
        generation = self._team_generation
        self.team_loaded = False
        if team is None:
            self.team_month = None
            self._show_team()
            return
        db = self.ctx.db
        year, month = self.picker.value()
        tasks.start(lambda _p, _c: data.team_month(db, team.id, team.communities, year, month),
                    lambda found: self._team_loaded(generation, found),
                    lambda exc: self._team_failed(generation, exc), owner=self)

    def _team_loaded(self, generation: int, found: TeamMonth) -> None:
        if generation != self._team_generation:
            return
        self.team_month = found
        self._show_team()
        self.team_loaded = True

    def _team_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._team_generation:
            return
        self.team_loaded = True
        self.package_state.setText(f"读取团队材料失败：{exc}")

    def _show_team(self) -> None:
        team = self.current_team()
        tm = self.team_month
        self.photo_community.clear()
        if team is not None:
            for cid, name in team.communities:
                self.photo_community.addItem(name, cid)
        self.photo_list.clear()
        if tm is not None:
            for photo in tm.photos:
                item = QListWidgetItem(QIcon(QPixmap.fromImage(photo.thumbnail)),
                                       f"{photo.community}·{photo.kind}\n{photo.file_name}")
                item.setData(Qt.ItemDataRole.UserRole, photo.id)
                item.setToolTip(f"{photo.community} {photo.kind}：{photo.file_name}"
                                f"（{photo.width}×{photo.height}）")
                self.photo_list.addItem(item)
        self._show_photo_state()
        self._show_report()
        self._show_package_state()
        self._update_team_buttons()

    def _show_photo_state(self) -> None:
        tm, team = self.team_month, self.current_team()
        if tm is None or team is None:
            self.photo_state.setText("")
            return
        short = [m for m in tm.missing if "公开栏相片" in m]
        if short:
            self.photo_state.setStyleSheet("color: #c0392b;")
            self.photo_state.setText("；".join(short))
        else:
            self.photo_state.setStyleSheet("color: #1d6b3a;")
            self.photo_state.setText(f"{team.name} {tm.year} 年 {tm.month} 月的公开栏相片已齐"
                                     f"（共 {len(tm.photos)} 张）。")

    def _show_report(self) -> None:
        tm = self.team_month
        report = tm.report if tm is not None else None
        self.report_title.setText(report.title if report else "")
        self.report_body.setPlainText(report.body if report else "")
        if tm is None:
            self.report_state.setText("")
        elif report is None:
            self.report_state.setText(f"{tm.year} 年 {tm.month} 月的书面汇报还没有写。")
        else:
            self.report_state.setText(f"已保存（{report.author or '—'}）。")

    def _show_package_state(self) -> None:
        tm, team = self.team_month, self.current_team()
        if tm is None or team is None:
            self.package_state.setText("选中一个团队")
            return
        if tm.missing:
            self.package_state.setStyleSheet(ERROR_STYLE)
            self.package_state.setText(f"{team.name} {tm.year} 年 {tm.month} 月的材料还不齐，暂不能打包：\n"
                                       + "\n".join(f"· {m}" for m in tm.missing))
        else:
            self.package_state.setStyleSheet(OK_STYLE)
            self.package_state.setText(f"{team.name} {tm.year} 年 {tm.month} 月的材料已齐，可以生成上报材料包。")

    def may_keep(self) -> bool:
        team_id = self.current_team_id()
        actor = self.ctx.db.actor
        return team_id is not None and actor is not None and actor.can_team(
            Permission.KEEP_RECORDS, team_id)

    def _update_team_buttons(self) -> None:
        keep = self.may_keep()
        ready = self.team_month is not None and self.team_month.team_id == self.current_team_id()
        for widget in (self.add_photos_button, self.remove_photo_button, self.photo_kind,
                       self.photo_community, self.save_report_button, self.build_button):
            widget.setVisible(keep)
        self.report_title.setReadOnly(not keep)
        self.report_body.setReadOnly(not keep)
        self.add_photos_button.setEnabled(ready and not self.busy)
        self.remove_photo_button.setEnabled(ready and self.photo_list.currentItem() is not None)
        self.save_report_button.setEnabled(ready)
        self.build_button.setEnabled(ready and not self.busy)

    def after_change(self) -> None:
        self.changed.emit()
        self.ctx.data_changed.emit()
        self.reload()

    # -- the team's side -------------------------------------------------------------------
    def add_photos(self) -> None:
        team, community_id = self.current_team(), self.photo_community.currentData()
        if team is None or community_id is None:
            return
        paths = common.ask_open_paths(self, "选择公开栏相片", "image")
        if not paths:
            return
        kind = PhotoKind(self.photo_kind.currentData())
        year, month = self.picker.value()
        db = self.ctx.db

        def work(_p: Any, _c: Any) -> int:
            files = []
            for path in paths:
                try:
                    files.append((path.read_bytes(), path.name))
                except OSError as exc:
                    raise DomainError(f"无法读取“{path.name}”：{exc.strerror or exc}") from None
            with db.session() as s:   # one action: all the chosen photos, or none
                for content, name in files:
                    notice_photos.add_photo(s, community_id, year, month, kind, content, name)
            return len(files)

        self.busy = True
        self._update_team_buttons()
        self.photo_state.setText("正在检查并保存相片…")
        tasks.start(work, self._photos_added, self._photos_failed, owner=self)

    def _photos_added(self, count: int) -> None:
        self.busy = False
        self.after_change()

    def _photos_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_team_buttons()
        self._show_photo_state()
        message = exc.message if isinstance(exc, DomainError) else f"保存相片失败：{exc}"
        error(self, "公开栏相片", message)

    def remove_photo(self) -> None:
        item = self.photo_list.currentItem()
        if item is None:
            return
        if not confirm(self, "移除相片", f"把“{item.text().replace(chr(10), ' ')}”从本月的公开栏相片中移除？",
                       "移除"):
            return
        try:
            with self.ctx.db.session() as s:
                notice_photos.remove_photo(s, int(item.data(Qt.ItemDataRole.UserRole)))
        except DomainError as exc:
            error(self, "公开栏相片", exc.message)
            return
        self.after_change()

    def save_report(self) -> None:
        team = self.current_team()
        if team is None:
            return
        year, month = self.picker.value()
        tm = self.team_month
        version = tm.report.version if tm is not None and tm.report is not None else None
        try:
            with self.ctx.db.session() as s:
                written_reports.save_report(s, team.id, year, month, self.report_title.text(),
                                            self.report_body.toPlainText(), version)
        except DomainError as exc:
            self.report_state.setStyleSheet("color: #c0392b;")
            self.report_state.setText(exc.message)
            return
        self.report_state.setStyleSheet("")
        self.after_change()

    def build_package(self) -> None:
        team, tm = self.current_team(), self.team_month
        if team is None or tm is None:
            return
        if tm.missing:
            error(self, "生成上报材料包", f"{team.name} {tm.year} 年 {tm.month} 月的上报材料还不齐，"
                  "暂不能打包：\n\n" + "\n".join(f"· {m}" for m in tm.missing))
            return
        out = common.ask_save_path(self, "保存上报材料包", "zip",
                                   f"{team.name}_{tm.year}年{tm.month:02d}月_上报材料.zip")
        if out is None:
            return
        db, year, month = self.ctx.db, tm.year, tm.month

        def work(_p: Any, _c: Any) -> submission_package.BuiltPackage:
            with db.session() as s:
                return submission_package.build_package(s, team.id, year, month, out)

        self.busy = True
        self._update_team_buttons()
        self.build_result.setStyleSheet("")
        self.build_result.setText("正在生成上报材料包…")
        tasks.start(work, self._built, self._build_failed, owner=self)

    def _built(self, built: submission_package.BuiltPackage) -> None:
        self.busy = False
        self._update_team_buttons()
        self.build_result.setStyleSheet(OK_STYLE)
        self.build_result.setText(f"已生成：{built.path}\n共 {built.files} 个文件；"
                                  f"SHA-256 {built.sha256}\n请把它交给组织办（U 盘或共享文件夹）。")
        self.changed.emit()

    def _build_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_team_buttons()
        message = exc.message if isinstance(exc, DomainError) else f"生成上报材料包失败：{exc}"
        self.build_result.setStyleSheet(ERROR_STYLE)
        self.build_result.setText(message)
        error(self, "生成上报材料包", message)

    # -- the office's side -----------------------------------------------------------------
    def receive_package(self) -> None:
        path = common.ask_open_path(self, "选择上报材料包", "zip")
        if path is None:
            return
        db = self.ctx.db

        def work(_p: Any, _c: Any) -> submission_package.Receipt:
            with db.session() as s:
                return submission_package.receive_package(s, path)

        self.receive_button.setEnabled(False)
        self.receipt.setStyleSheet("")
        self.receipt.setText(f"正在核对“{path.name}”…")
        tasks.start(work, lambda r: self._received(path, r), lambda exc: self._refused(path, exc), owner=self)

    def _received(self, path: Path, receipt: submission_package.Receipt) -> None:
        self.receive_button.setEnabled(True)
        head = f"{receipt.team} {receipt.year} 年 {receipt.month} 月（{path.name}）"
        if receipt.already:
            self.receipt.setStyleSheet(OK_STYLE)
            self.receipt.setText(f"{head}已于 {receipt.received_at:%Y-%m-%d %H:%M} 接收过，"
                                 "这次没有任何改动。")
            return
        lines = [f"已接收{head}，收到时间 {receipt.received_at:%Y-%m-%d %H:%M}。",
                 "登记收到：" + ("、".join(receipt.items) if receipt.items else "无新事项（均已登记过）"),
                 "合并数据：" + ("、".join(receipt.merged) if receipt.merged else "无新数据")]
        self.receipt.setStyleSheet(OK_STYLE)
        self.receipt.setText("\n".join(lines))
        self.after_change()

    def _refused(self, path: Path, exc: BaseException) -> None:
        self.receive_button.setEnabled(True)
        message = exc.message if isinstance(exc, DomainError) else (
            f"接收“{path.name}”失败：{exc}")
        self.receipt.setStyleSheet(ERROR_STYLE)
        self.receipt.setText(message)

    def record_received(self) -> None:
        year, month = self.picker.value()
        teams = [(name, tid) for tid, name in self.model.teams]
        if not teams:
            return
        dialog = RecordReceivedDialog(self.ctx, teams, year, month, self.current_team_id(), self)
        if dialog.exec():
            self.after_change()


class RecordReceivedDialog(FormDialog):
    """手工登记收到: a paper submission (or one sent another way) received on a given time."""

    def __init__(self, ctx: AppContext, teams: Sequence[tuple[str, int]], year: int, month: int,
                 team_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(f"手工登记收到：{year} 年 {month} 月", parent)
        self.ctx, self.year, self.month = ctx, year, month
        self.team = self.add_field("team_id", "驻点团队", choice_combo(teams, team_id,
                                                                   "receivedTeam"))
        self.kind = self.add_field("kind", "上报事项", choice_combo(
            [(k.label, k) for k in SubmissionKind], name="receivedKind"))
        self.at = QDateTimeEdit(QDateTime.currentDateTime())
        self.at.setObjectName("receivedAt")
        self.at.setCalendarPopup(True)
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.add_field("received_at", "收到时间", self.at)
        self.note = self.add_field("note", "说明", line_edit(placeholder="如：纸质材料，由联络员送达",
                                                           name="receivedNote"))
        self.save_button.setText("登记")

    def save(self) -> int:
        at: datetime = self.at.dateTime().toPython()
        with self.ctx.db.session() as s:
            return deadlines.record_received(
                s, int(self.team.currentData()), self.year, self.month,
                SubmissionKind(self.kind.currentData()), at.replace(second=0, microsecond=0),
                self.note.text()).id
