"""个人档案 tab: pick a cadre (name search) and a year → their personal file for the annual
assessment (年度考核), read-only, counted from the records; 导出 PDF / 导出 Excel."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QSpinBox, QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from app.errors import DomainError
from app.services.personal_files import FindingLine, PersonalFile
from ui import tasks
from ui.checks import data
from ui.checks.common import button
from ui.checks.data import PersonChoice
from ui.context import AppContext
from ui.widgets.inputs import line_edit
from ui.widgets.messages import error, saved_file

FILTERS = {"pdf": "PDF 文件 (*.pdf)", "xlsx": "Excel 工作簿 (*.xlsx)"}
RED = "#c0392b"


def ask_save_path(parent: QWidget, kind: str, suggested: str) -> Path | None:
    """The save dialog (tests replace this function)."""
    name, _ = QFileDialog.getSaveFileName(parent, "导出个人档案", suggested, FILTERS[kind])
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == f".{kind}" else path.with_suffix(f".{kind}")


def exporter(kind: str) -> Any:
    """app.checks.personal_file's writer, or None when this build does not have it."""
    try:
        from app.checks import personal_file
    except ImportError:
        return None
    return getattr(personal_file, f"personal_file_{kind}", None)


class PersonalTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.file: PersonalFile | None = None
        self.loaded_people = False
        self._search_generation = 0
        self._generation = 0
        self.search = line_edit(placeholder="输入姓名、单位或职务查找干部…", name="personalSearch")
        self.search.returnPressed.connect(self.find_people)
        self.find_button = button("personalFind", "查找", self.find_people)
        self.people = QListWidget()
        self.people.setObjectName("personalPeople")
        self.people.currentItemChanged.connect(lambda *_a: self.show_file())
        self.year = QSpinBox()
        self.year.setObjectName("personalYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.year.setSuffix(" 年")
        self.year.valueChanged.connect(lambda _v: self.show_file())
        self.pdf_button = button("personalPdf", "导出 PDF…", lambda: self.export("pdf"),
                                 "年度考核用的个人档案（A4，可打印）")
        self.xlsx_button = button("personalXlsx", "导出 Excel…", lambda: self.export("xlsx"))
        self.view = QTextBrowser()
        self.view.setObjectName("personalView")
        self.view.setOpenLinks(False)
        self.state = QLabel("查找并选中一位干部，这里显示他（她）所选年度的个人档案。")
        self.state.setObjectName("personalState")
        find_row = QHBoxLayout()
        find_row.addWidget(self.search, 1)
        find_row.addWidget(self.find_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(find_row)
        left_layout.addWidget(self.people, 1)
        top = QHBoxLayout()
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year)
        top.addWidget(self.state, 1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.xlsx_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addLayout(top)
        right_layout.addWidget(self.view, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([260, 900])
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        self._update_buttons()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self.loaded_people:
            self.find_people()

    def mark_stale(self) -> None:
        if self.person_id() is not None and self.isVisible():
            self.show_file()

    # -- people ----------------------------------------------------------------------------
    def find_people(self) -> None:
        self.loaded_people = True
        self._search_generation += 1
        generation = self._search_generation
        db, text = self.ctx.db, self.search.text()
        tasks.start(lambda _p, _c: data.people(db, text),
                    lambda found: self._people_found(generation, found),
                    lambda exc: error(self, "个人档案", f"查找干部失败：{_message(exc)}"), owner=self)

    def _people_found(self, generation: int, found: list[PersonChoice]) -> None:
        if generation != self._search_generation:
            return   # an earlier search answering late
        current = self.person_id()
        self.people.blockSignals(True)
        self.people.clear()
        for p in found:
            item = QListWidgetItem(p.label)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.people.addItem(item)
            if p.id == current:
                self.people.setCurrentItem(item)
        self.people.blockSignals(False)
        if not found:
            self.state.setText("没有找到符合的干部。")
        if len(found) == 1:
            self.people.setCurrentRow(0)

    def person_id(self) -> int | None:
        item = self.people.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def choose(self, person_id: int) -> bool:
        for i in range(self.people.count()):
            if self.people.item(i).data(Qt.ItemDataRole.UserRole) == person_id:
                self.people.setCurrentRow(i)
                return True
        return False

    # -- the file ----------------------------------------------------------------------------
    def show_file(self) -> None:
        person_id = self.person_id()
        self._generation += 1
        generation = self._generation
        self.file = None
        self._update_buttons()
        if person_id is None:
            self.view.clear()
            return
        year = self.year.value()
        self.state.setText("正在统计…")
        db = self.ctx.db
        tasks.start(lambda _p, _c: data.personal_file(db, person_id, year),
                    lambda file: self._file_loaded(generation, file),
                    lambda exc: self._file_failed(generation, exc), owner=self)

    def _file_loaded(self, generation: int, file: PersonalFile) -> None:
        if generation != self._generation:
            return
        self.file = file
        self.state.setText(f"{file.name} {file.year} 年个人档案")
        self.view.setHtml(file_html(file))
        self._update_buttons()

    def _file_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.state.setText("读取个人档案失败")
        error(self, "个人档案", f"读取个人档案失败：{_message(exc)}")

    def _update_buttons(self) -> None:
        for b in (self.pdf_button, self.xlsx_button):
            b.setEnabled(self.file is not None)

    def export(self, kind: str) -> None:
        file = self.file
        if file is None:
            return
        writer = exporter(kind)
        if writer is None:
            error(self, "导出个人档案", "这个版本还没有安装个人档案导出功能。")
            return
        out = ask_save_path(self, kind, f"{file.name}{file.year}年个人档案.{kind}")
        if out is None:
            return
        db, person_id, year = self.ctx.db, file.person_id, file.year

        def work(_p: Any, _c: Any) -> Path:
            with db.session() as s:
                writer(s, person_id, year, out)
            return out

        tasks.run_with_progress(self, "正在导出个人档案…", work,
                                lambda path: saved_file(self, "导出个人档案", f"已保存：{path}", path),
                                lambda exc: error(self, "导出个人档案",
                                                  f"导出失败：{_message(exc)}"),
                                cancellable=False)


def _message(exc: BaseException) -> str:
    return exc.message if isinstance(exc, DomainError) else str(exc)


def _cell(text: Any, red: bool = False) -> str:
    value = escape("" if text is None else str(text))
    return f"<td style='color:{RED}; font-weight:bold'>{value}</td>" if red else f"<td>{value}</td>"


def _table(head: tuple[str, ...], rows: list[str], empty: str) -> str:
    if not rows:
        return f"<p style='color:#607d8b'>{escape(empty)}</p>"
    header = "".join(f"<th align='left'>{escape(h)}</th>" for h in head)
    return ("<table border='1' cellspacing='0' cellpadding='4' width='100%' "
            "style='border-collapse:collapse; border-color:#cfd8dc'>"
            f"<tr style='background:#eceff1'>{header}</tr>{''.join(rows)}</table>")


def _finding_rows(lines: tuple[FindingLine, ...], with_team: bool) -> list[str]:
    return ["<tr>" + _cell(f"{f.on:%Y-%m-%d}") + _cell(f.source)
            + (_cell(f.team) if with_team else "") + _cell(f.severity) + _cell(f.description)
            + _cell(f.status + ("（超期）" if f.overdue else ""), f.overdue) + "</tr>"
            for f in lines]


def file_html(f: PersonalFile) -> str:
    rate = f.attendance
    attendance = "（这一年没有应参加的会议）"
    if rate is not None and rate.expected:
        attendance = (f"{rate.rate:.1f}%（应到 {rate.expected} 次，出席 {rate.attended} 次，"
                      f"其中迟到 {rate.late} 次；请假 {rate.on_leave} 次，缺席 {rate.absent} 次）")
    perfunctory = sum(1 for p in f.patrols if p.whereabouts == "走过场")
    absent = sum(1 for p in f.patrols if p.whereabouts == "缺岗")
    on_time = (f"{100 * f.problems_on_time / f.problems_closed:.0f}%"
               if f.problems_closed else "—")
    figures = [
        ("所在团队", "、".join(f.teams) or "（这一年没有在驻点团队）"),
        ("下乡巡查", f"被巡查 {len(f.patrols)} 次，缺岗 {absent} 次，走过场 {perfunctory} 次"),
        ("会议出席率", attendance),
        ("参加驻点", f"{f.station_sessions} 次"),
        ("入户走访", f"{f.visits} 次"),
        ("负责的问题", f"{f.problems} 个，已办结 {f.problems_closed} 个，"
                  f"按期办结 {f.problems_on_time} 个（按期率 {on_time}）"),
        ("个人被督查发现的问题", f"{len(f.personal_findings)} 个"),
        ("所在团队台账抽查、会议督查发现的问题", f"{len(f.team_findings)} 个"),
    ]
    figure_rows = "".join(
        f"<tr><td width='30%' style='background:#f5f7f8'>{escape(k)}</td>"
        f"{_cell(v, red=(k == '下乡巡查' and f.patrol_absences > 0))}</tr>" for k, v in figures)
    patrols = ["<tr>" + _cell(f"{p.on:%Y-%m-%d}") + _cell(p.place)
               + _cell(p.whereabouts, p.whereabouts in ("缺岗", "走过场")) + _cell(p.note) + "</tr>"
               for p in f.patrols]
    identity = "　".join(x for x in (f.unit, f.position) if x)
    return (
        f"<h2 style='margin-bottom:2px'>{escape(f.name)}　{f.year} 年个人档案</h2>"
        f"<p style='color:#546e7a'>{escape(identity)}　（年度考核用，数据来自驻点日志、走访记录、"
        "问题台账、会议签到和抽查督查记录）</p>"
        "<table border='1' cellspacing='0' cellpadding='5' width='100%' "
        f"style='border-collapse:collapse; border-color:#cfd8dc'>{figure_rows}</table>"
        "<h3>下乡巡查情况</h3>"
        + _table(("巡查日期", "村（社区）", "情况", "说明"), patrols, "这一年没有被巡查到。")
        + "<h3>个人被督查发现的问题</h3>"
        + _table(("发现日期", "来源", "严重程度", "问题", "整改状态"),
                 _finding_rows(f.personal_findings, False), "没有。")
        + "<h3>所在团队台账抽查、会议督查发现的问题</h3>"
        + _table(("发现日期", "来源", "团队", "严重程度", "问题", "整改状态"),
                 _finding_rows(f.team_findings, True), "没有。"))
