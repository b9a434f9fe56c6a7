"""会议督查 tab: meeting supervision tied to a meeting record — what the record shows (minutes,
sign-in, signatures, scans), the supervisor's four answers, a note, findings, 上报."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QVBoxLayout, QWidget)

from app.errors import DomainError
from app.models import FindingSource
from app.services import patrols as service
from ui import tasks
from ui.checks import data
from ui.checks.common import (RecordMessages, AmendDialog, CheckListTab, FindingDialog, FindingsBox, button,
                              headline, lock, text_box, yes_no_combo, yes_no_value)
from ui.checks.data import FindingLine, MeetingChoice, SupervisionDetail, SupervisionListRow
from ui.checks.ledger import LOCKED_STYLE
from ui.context import AppContext
from ui.ledgers.model import Col
from ui.widgets.form import form_scroll
from ui.widgets.inputs import date_edit, date_of, line_edit
from ui.window_state import fit_to_screen
from ui.widgets.messages import confirm, error

RECENT_DAYS = 180
QUESTIONS = (("held_as_scheduled", "是否按时召开"), ("minutes_complete", "会议记录是否完整"),
             ("sign_in_complete", "签到是否完整"), ("signatures_match", "签名与到会人员是否一致"))


class SupervisionsTab(CheckListTab):
    NAME = "supervision"
    WHAT = "会议督查"
    UNIT = "次督查"
    SEARCH_HINT = "搜索会议、团队或督查人…"
    COLUMNS = (
        Col("督查日期", lambda r: r.supervised_on, 108), Col("会议日期", lambda r: r.held_on, 90),
        Col("会议", lambda r: r.meeting, 220), Col("团队", lambda r: r.teams, 150),
        Col("督查人", lambda r: r.supervisor, 100),
        Col("按时召开", lambda r: r.held_as_scheduled, 60),
        Col("记录完整", lambda r: r.minutes_complete, 60),
        Col("签到完整", lambda r: r.sign_in_complete, 60),
        Col("签名一致", lambda r: r.signatures_match, 60), Col("问题", lambda r: r.findings, 45),
        Col("已上报", lambda r: "已上报" if r.reported else "未上报", 60))

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.new_button = button("newSupervision", "新建督查…", self.new_supervision,
                                 "选一次会议，对照会议记录督查")
        self.open_button = button("openSupervision", "打开", self.open_selected)
        self.buttons.addWidget(self.new_button)
        self.buttons.addWidget(self.open_button)
        self.buttons.addStretch(1)
        self.update_buttons()

    @staticmethod
    def rows(db: Any) -> list[SupervisionListRow]:
        return data.supervision_rows(db)

    def update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    def new_supervision(self) -> None:
        self._run(SupervisionDialog(self.ctx, None, self))

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            dialog = SupervisionDialog(self.ctx, row.id, self)
        except DomainError as exc:
            error(self, "会议督查", exc.message)
            return
        self._run(dialog)

    def _run(self, dialog: SupervisionDialog) -> None:
        dialog.exec()
        if dialog.changed:
            self.after_change(dialog.supervision_id)


class SupervisionDialog(RecordMessages, QDialog):
    def __init__(self, ctx: AppContext, supervision_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.supervision_id = supervision_id
        self.changed = False
        self.detail: SupervisionDetail | None = None
        self.meetings: list[MeetingChoice] = []
        self._facts_generation = 0
        self.setWindowTitle("会议情况督查")
        fit_to_screen(self, 900, 720)
        self.locked = headline("", "supervisionLocked")
        self.locked.setStyleSheet(LOCKED_STYLE)
        self.make_messages("supervision")
        self.meeting = QComboBox()
        self.meeting.setObjectName("supervisionMeeting")
        self.meeting.setMinimumContentsLength(40)
        self.meeting.addItem("正在读取会议…", None)
        self.meeting.currentIndexChanged.connect(self._meeting_chosen)
        self.meeting_label = headline("", "supervisionMeetingLabel")
        self.facts = headline("选择会议后，这里显示会议记录本身的情况。", "supervisionFacts")
        self.facts.setStyleSheet("color: #37474f; background: #f4f6f8; padding: 6px 8px;")
        self.supervised_on = date_edit(name="supervisionDate")
        self.supervisor = line_edit(placeholder="如：组织办 王敏", name="supervisionSupervisor")
        self.answers = {key: yes_no_combo(None, f"supervision_{key}") for key, _l in QUESTIONS}
        self.note = text_box("supervisionNote", 60, "督查意见")
        form_box = QGroupBox("督查")
        form = QFormLayout(form_box)
        form.addRow("会议", self.meeting)
        form.addRow("", self.meeting_label)
        form.addRow("会议记录显示", self.facts)
        form.addRow("督查日期", self.supervised_on)
        form.addRow("督查人", self.supervisor)
        for key, label in QUESTIONS:
            form.addRow(label, self.answers[key])
        form.addRow("督查意见", self.note)
        self.findings = FindingsBox("supervision", self.add_finding, self.amend_finding)
        self.save_button = button("supervisionSave", "保存", self.save)
        self.report_button = button("supervisionReport", "上报…", self.report)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        for widget in (self.save_button, self.report_button, close):
            bottom.addWidget(widget)
        layout = QVBoxLayout(self)
        for widget in (self.locked, self.top_error, self.notice):
            layout.addWidget(widget)
            widget.hide()
        body = QWidget()   # scrolls where the screen is small (1366×768 at 125–150 %)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(form_box)
        column.addWidget(self.findings, 1)
        layout.addWidget(form_scroll(body), 1)
        layout.addLayout(bottom)
        if supervision_id is None:
            self.meeting_label.hide()
            self.findings.add_button.setEnabled(False)
            self.findings.add_button.setToolTip("先保存督查，再登记发现的问题")
            self.findings.set_findings((), False)
            self.findings.add_button.setEnabled(False)
            db = ctx.db
            since = date.today() - timedelta(days=RECENT_DAYS)
            tasks.start(lambda _p, _c: data.meeting_choices(db, since), self._meetings_loaded,
                        lambda exc: self._show_error(DomainError(f"读取会议失败：{exc}")), owner=self)
        else:
            self._fill(data.supervision_detail(ctx.db, supervision_id))

    # -- a new supervision: choosing the meeting ----------------------------------------------
    def _meetings_loaded(self, meetings: list[MeetingChoice]) -> None:
        self.meetings = meetings
        self.meeting.blockSignals(True)
        self.meeting.clear()
        if not meetings:
            self.meeting.addItem(f"近 {RECENT_DAYS} 天没有会议记录", None)
        for m in meetings:
            self.meeting.addItem(m.label, m.id)
        self.meeting.blockSignals(False)
        self._meeting_chosen()

    def _meeting_chosen(self) -> None:
        meeting_id = self.meeting.currentData()
        if meeting_id is None:
            return
        self._facts_generation += 1
        generation = self._facts_generation
        db = self.ctx.db
        tasks.start(lambda _p, _c: data.meeting_facts(db, meeting_id),
                    lambda facts: self._facts_loaded(generation, facts),
                    lambda exc: self._show_error(DomainError(f"读取会议记录失败：{exc}")), owner=self)

    def _facts_loaded(self, generation: int, facts: service.MeetingRecordFacts) -> None:
        if generation != self._facts_generation:
            return
        self.facts.setText(facts_text(facts))
        if self.detail is None:   # as the record shows, until the supervisor says otherwise
            self.answers["minutes_complete"].setCurrentIndex(1 if facts.minutes_complete else 2)
            self.answers["sign_in_complete"].setCurrentIndex(1 if facts.sign_in_complete else 2)
        chosen = next((m for m in self.meetings if m.id == self.meeting.currentData()), None)
        if chosen is not None and date_of(self.supervised_on) < chosen.held_on:
            self.supervised_on.setDate(QDate(chosen.held_on))

    # -- showing ------------------------------------------------------------------------------
    def _fill(self, d: SupervisionDetail, fields: bool = True) -> None:
        self.detail = d
        self.findings.set_findings(d.findings, d.reported)
        self.findings.add_button.setEnabled(True)
        self.findings.add_button.setToolTip("登记这次督查发现的问题、整改要求和期限")
        if not fields:   # after a finding: what is being typed stays as it is
            return
        self.supervision_id = d.id
        self.meeting.clear()
        self.meeting.addItem(f"{d.held_on:%Y-%m-%d}　{d.meeting}", d.meeting_id)
        self.meeting.setEnabled(False)
        self.meeting_label.setText("团队：" + ("、".join(n for _i, n in d.teams) or "—"))
        self.meeting_label.show()
        self.facts.setText(facts_text(d.facts))
        self.supervised_on.setDate(QDate(d.supervised_on))
        self.supervised_on.setEnabled(False)
        self.supervisor.setText(d.supervisor)
        for key, _label in QUESTIONS:
            self.answers[key].setCurrentIndex([None, True, False].index(getattr(d, key)))
        self.note.setPlainText(d.note)
        reported = d.reported
        for widget in (self.supervisor, *self.answers.values()):
            lock(widget, reported)
        self.note.setReadOnly(reported)
        self.save_button.setVisible(not reported)
        self.report_button.setVisible(not reported)
        if reported:
            self.locked.setText(f"已于 {d.reported_at:%Y-%m-%d %H:%M} 由 {d.reported_by or '—'} "
                                "上报，内容已锁定；发现的问题如需更正，选中后点“更正…”并写明原因。")
        self.locked.setVisible(reported)

    # -- writing ------------------------------------------------------------------------------
    def _write(self, s: Any) -> int:
        values = {key: yes_no_value(combo) for key, combo in self.answers.items()}
        if self.detail is None:
            meeting_id = self.meeting.currentData()
            if meeting_id is None:
                raise DomainError("请选择要督查的会议。")
            return service.supervise(s, service.SupervisionInput(
                meeting_id, date_of(self.supervised_on), self.supervisor.text(),
                note=self.note.toPlainText(), **values)).id
        service.update_supervision(s, self.detail.id, self.supervisor.text(),
                             note=self.note.toPlainText(), expected_version=self.detail.version,
                             **values)
        return self.detail.id

    def save(self) -> bool:
        try:
            with self.ctx.db.session() as s:
                saved = self._write(s)
        except DomainError as exc:
            self._show_error(exc)
            return False
        self.changed = True
        self._fill(data.supervision_detail(self.ctx.db, saved))
        self._show_notice("已保存。")
        return True

    def report(self) -> None:
        if not confirm(self, "上报会议督查", "上报这次会议督查的结果？\n\n"
                       "上报后内容锁定，只能以“更正”方式修改。", "上报"):
            return
        try:
            with self.ctx.db.session() as s:
                saved = self._write(s)
                service.report_supervision(s, saved)
        except DomainError as exc:
            self._show_error(exc)
            return
        self.changed = True
        self._fill(data.supervision_detail(self.ctx.db, saved))
        self._show_notice("已上报。")

    def add_finding(self) -> None:
        d = self.detail
        if d is None:
            return
        if not d.teams:
            error(self, "登记问题", "这次会议没有关联驻点团队，无法登记团队的问题。")
            return
        dialog = FindingDialog(self.ctx, FindingSource.SUPERVISION, {"supervision_id": d.id},
                               d.teams, d.supervised_on, f"会议督查：{d.meeting}", self)
        if dialog.exec():
            self.changed = True
            self._fill(data.supervision_detail(self.ctx.db, d.id), fields=False)

    def amend_finding(self, line: FindingLine) -> None:
        if AmendDialog(self.ctx, line, self).exec() and self.detail is not None:
            self.changed = True
            self._fill(data.supervision_detail(self.ctx.db, self.detail.id), fields=False)
            self._show_notice("已更正，更正记录可在“整改跟踪”中查看。")


def facts_text(f: service.MeetingRecordFacts) -> str:
    def yes(value: bool) -> str:
        return "是" if value else "<span style='color:#c0392b'>否</span>"
    return (f"会议记录{'已定稿' if f.final else '未定稿'}；议题 {f.agenda_items} 个，"
            f"其中没有讨论记录的 {f.agenda_without_minutes} 个<br>"
            f"应到 {f.expected} 人，未签到 {f.not_signed_in} 人；到会但没有签名 "
            f"{f.present_without_signature} 人；签到表扫描件 {f.scans} 份<br>"
            f"按记录：会议记录完整 {yes(f.minutes_complete)}，签到完整 {yes(f.sign_in_complete)}")
