"""下乡巡查 tab: the field patrols (Thursday afternoons by default), 新建巡查 (date, villages,
checkers → the cadres the schedule expects there), each cadre's whereabouts with a note, 保存
and 上报 (缺岗 and 走过场 then become findings in the cadre's personal file)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView,
                               QListWidget, QListWidgetItem, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.errors import DomainError
from app.models import FindingSource, Whereabouts
from app.services import patrols as service
from app.services.common import check_version
from ui.checks import data
from ui.checks.common import (RecordMessages, AmendDialog, CheckListTab, FindingDialog, FindingsBox, button,
                              headline, lock, text_box)
from ui.checks.data import FindingLine, PatrolDetail, PatrolListRow
from ui.checks.ledger import LOCKED_STYLE
from ui.context import AppContext
from ui.ledgers.common import communities_of
from ui.ledgers.data import TeamChoice
from ui.ledgers.model import Col
from ui.widgets.form import FormDialog
from ui.widgets.inputs import date_edit, date_of, line_edit
from ui.widgets.messages import confirm, error
from ui.window_state import fit_to_screen

MARKS = (("（未登记）", None),) + tuple((w.label, w) for w in Whereabouts)


class PatrolsTab(CheckListTab):
    NAME = "patrol"
    WHAT = "下乡巡查"
    UNIT = "次巡查"
    SEARCH_HINT = "搜索村（社区）或巡查人员…"
    COLUMNS = (
        Col("巡查日期", lambda r: r.patrol_on, 108), Col("时间", lambda r: r.hours, 90),
        Col("巡查村（社区）", lambda r: r.villages, 200), Col("巡查人员", lambda r: r.checkers, 150),
        Col("应在岗", lambda r: r.expected, 55), Col("在岗", lambda r: r.at_work, 45),
        Col("缺岗/走过场", lambda r: r.away, 80), Col("请假或公务", lambda r: r.excused, 75),
        Col("未登记", lambda r: r.unrecorded, 55),
        Col("已上报", lambda r: "已上报" if r.reported else "未上报", 60))

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.teams: list[TeamChoice] = []
        self.new_button = button("newPatrol", "新建巡查…", self.new_patrol,
                                 "登记一次下乡巡查：日期、巡查的村（社区）和巡查人员")
        self.open_button = button("openPatrol", "打开", self.open_selected,
                                  "登记选中巡查中各干部的在岗情况（也可双击一行）")
        self.buttons.addWidget(self.new_button)
        self.buttons.addWidget(self.open_button)
        self.buttons.addStretch(1)
        self.update_buttons()

    @staticmethod
    def rows(db: Any) -> list[PatrolListRow]:
        return data.patrol_rows(db)

    def set_teams(self, teams: Sequence[TeamChoice]) -> None:
        self.teams = list(teams)

    def update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    def new_patrol(self) -> None:
        dialog = NewPatrolDialog(self.ctx, self.teams, self)
        if not dialog.exec() or dialog.result_value is None:
            return
        self.after_change(dialog.result_value)
        self.open_patrol(dialog.result_value)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_patrol(row.id)

    def open_patrol(self, patrol_id: int) -> None:
        try:
            dialog = PatrolDialog(self.ctx, patrol_id, self)
        except DomainError as exc:
            error(self, "下乡巡查", exc.message)
            return
        dialog.exec()
        if dialog.changed:
            self.after_change(patrol_id)


class NewPatrolDialog(FormDialog):
    def __init__(self, ctx: AppContext, teams: Sequence[TeamChoice],
                 parent: QWidget | None = None) -> None:
        super().__init__("新建下乡巡查", parent)
        self.ctx = ctx
        weekday = data.patrol_weekday(ctx.db)
        self.patrol_on = self.add_field("patrol_on", "巡查日期", date_edit(
            service.default_patrol_day(date.today(), weekday), "patrolDate"))
        self.villages = QListWidget()
        self.villages.setObjectName("patrolVillages")
        for name, cid in communities_of(teams):
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, cid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.villages.addItem(item)
        self.villages.setMinimumHeight(180)
        self.add_field("community_ids", "巡查的村（社区）", self.villages)
        self.checkers = self.add_field("checkers", "巡查人员", line_edit(
            placeholder="如：组织办 王敏、李强", name="patrolCheckers"))
        self.note = self.add_field("note", "巡查情况", text_box("patrolNote", 60))
        self.save_button.setText("新建并登记在岗情况")

    def community_ids(self) -> list[int]:
        return [self.villages.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.villages.count())
                if self.villages.item(i).checkState() == Qt.CheckState.Checked]

    def check_villages(self, names: Sequence[str]) -> None:
        for i in range(self.villages.count()):
            item = self.villages.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in names
                               else Qt.CheckState.Unchecked)

    def save(self) -> int:
        entry = service.PatrolInput(date_of(self.patrol_on), self.community_ids(),
                                    self.checkers.text(), note=self.note.toPlainText())
        with self.ctx.db.session() as s:
            return service.create_patrol(s, entry).id


class PatrolDialog(RecordMessages, QDialog):
    """The cadres the schedule expected in the patrolled villages and where each was found."""

    def __init__(self, ctx: AppContext, patrol_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.patrol_id = patrol_id
        self.changed = False
        self.detail: PatrolDetail = data.patrol_detail(ctx.db, patrol_id)
        self.setWindowTitle(f"下乡巡查：{self.detail.patrol_on:%Y-%m-%d}")
        fit_to_screen(self, 1000, 700)
        self.header = headline("", "patrolHeader")
        self.locked = headline("", "patrolLocked")
        self.locked.setStyleSheet(LOCKED_STYLE)
        self.make_messages("patrol")
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("patrolSightings")
        self.table.setHorizontalHeaderLabels(["干部", "驻点团队", "村（社区）", "巡查情况", "情况说明"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for col, width in enumerate((90, 150, 110, 110)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(32)
        self.marks: dict[int, QComboBox] = {}
        self.notes: dict[int, Any] = {}
        self.findings = FindingsBox("patrol", self.add_finding, self.amend_finding)
        self.all_button = button("patrolAllAtWork", "未登记的全部在岗", self.all_at_work)
        self.save_button = button("patrolSave", "保存", self.save)
        self.report_button = button("patrolReport", "上报…", self.report,
                                    "上报后锁定；缺岗、走过场的干部记入个人档案")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.all_button)
        bottom.addStretch(1)
        for widget in (self.save_button, self.report_button, close):
            bottom.addWidget(widget)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.findings)
        split.setSizes([430, 200])
        layout = QVBoxLayout(self)
        for widget in (self.header, self.locked, self.top_error, self.notice):
            layout.addWidget(widget)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self._fill(self.detail)

    def _fill(self, d: PatrolDetail, fields: bool = True) -> None:
        self.detail = d
        self.findings.set_findings(d.findings, d.reported)
        if not fields:   # after a finding: the marks being entered stay as they are
            return
        self.header.setText(
            f"<b>{d.patrol_on:%Y-%m-%d}</b>　{d.hours}　巡查：{d.villages}<br>"
            f"巡查人员：{d.checkers or '—'}" + (f"<br>巡查情况：{d.note}" if d.note else "")
            + f"<br>按驻点安排应在岗 {len(d.sightings)} 人。")
        reported = d.reported
        self.table.setRowCount(len(d.sightings))
        self.marks.clear()
        self.notes.clear()
        for r, x in enumerate(d.sightings):
            for col, text in enumerate((x.person, x.team, x.community)):
                self.table.setItem(r, col, QTableWidgetItem(text))
            mark = QComboBox()
            mark.setObjectName(f"patrolMark{r + 1}")
            for label, value in MARKS:
                mark.addItem(label, value)
            mark.setCurrentIndex([v for _l, v in MARKS].index(x.whereabouts))
            note = line_edit(x.note, "缺岗、请假、走过场须写明情况", f"patrolNoteRow{r + 1}")
            lock(mark, reported)
            lock(note, reported)
            if x.whereabouts is not None and x.whereabouts.finding:
                self.table.item(r, 0).setForeground(Qt.GlobalColor.red)
            self.table.setCellWidget(r, 3, mark)
            self.table.setCellWidget(r, 4, note)
            self.marks[x.id] = mark
            self.notes[x.id] = note
        if reported:
            self.locked.setText(f"已于 {d.reported_at:%Y-%m-%d %H:%M} 由 {d.reported_by or '—'} "
                                "上报，内容已锁定。缺岗、走过场已记入个人档案；如需更正，"
                                "选中下方的问题点“更正…”并写明原因。")
        self.locked.setVisible(reported)
        for widget in (self.all_button, self.save_button, self.report_button):
            widget.setVisible(not reported)

    def _refresh(self, fields: bool = True) -> None:
        self._fill(data.patrol_detail(self.ctx.db, self.patrol_id), fields)

    def set_mark(self, row: int, whereabouts: Whereabouts | None, note: str = "") -> None:
        sighting = self.detail.sightings[row]
        combo = self.marks[sighting.id]
        combo.setCurrentIndex([v for _l, v in MARKS].index(whereabouts))
        self.notes[sighting.id].setText(note)

    def all_at_work(self) -> None:
        for combo in self.marks.values():
            if _mark(combo) is None:
                combo.setCurrentIndex([v for _l, v in MARKS].index(Whereabouts.AT_WORK))

    def _entries(self) -> list[service.SightingInput]:
        return [service.SightingInput(sid, _mark(combo), self.notes[sid].text())
                for sid, combo in self.marks.items()]

    def save(self) -> bool:
        try:
            with self.ctx.db.session() as s:
                service.record_sightings(s, self.patrol_id, self._entries(), self.detail.version)
        except DomainError as exc:
            self._show_error(exc)
            return False
        self.changed = True
        self._refresh()
        self._show_notice("已保存。")
        return True

    def report(self) -> None:
        away = [(self.detail.sightings[r].person, combo.currentText())
                for r, combo in enumerate(self.marks.values())
                if (mark := _mark(combo)) is not None and mark.finding]
        text = (f"上报 {self.detail.patrol_on:%Y-%m-%d} 的下乡巡查结果？\n\n"
                "上报后内容锁定，只能以“更正”方式修改。")
        if away:
            text += "\n\n以下干部将作为问题记入个人档案：\n" + "\n".join(
                f"　{name}（{mark}）" for name, mark in away)
        if not confirm(self, "上报下乡巡查", text, "上报"):
            return
        try:
            with self.ctx.db.session() as s:
                check_version(service.get_patrol(s, self.patrol_id), self.detail.version, "巡查")
                service.record_sightings(s, self.patrol_id, self._entries())
                service.report_patrol(s, self.patrol_id)
        except DomainError as exc:
            self._show_error(exc)
            return
        self.changed = True
        self._refresh()
        if away:
            self._show_notice("已上报。以下干部的缺岗、走过场已记入个人档案（整改期限 15 天）："
                              + "、".join(f"{name}（{mark}）" for name, mark in away))
        else:
            self._show_notice("已上报。应在岗干部均无缺岗、走过场。")

    def add_finding(self) -> None:
        d = self.detail
        teams = {x.team_id: x.team for x in d.sightings if x.team_id is not None}
        if not teams:
            error(self, "登记问题", "这次巡查没有应在岗的团队，无法登记问题。")
            return
        dialog = FindingDialog(self.ctx, FindingSource.PATROL, {"patrol_id": d.id},
                               sorted(teams.items(), key=lambda t: t[1]), d.patrol_on,
                               f"{d.patrol_on:%Y-%m-%d} 下乡巡查", self)
        if dialog.exec():
            self.changed = True
            self._refresh(fields=False)

    def amend_finding(self, line: FindingLine) -> None:
        if AmendDialog(self.ctx, line, self).exec():
            self.changed = True
            self._refresh(fields=False)
            self._show_notice("已更正，更正记录可在“整改跟踪”中查看。")



def _mark(combo: QComboBox) -> Whereabouts | None:
    """The chosen whereabouts (Qt hands enum values back as plain strings)."""
    return MARKS[combo.currentIndex()][1] if combo.currentIndex() >= 0 else None
