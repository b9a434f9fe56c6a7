"""One meeting: 基本信息, 签到, 会议记录 (agenda, decisions, action items) and 更正记录 tabs, and 定稿.

A new meeting starts on 基本信息; 保存 creates it (expected attendees from the teams' roster,
the weekly meeting's carry-over item) and opens the other tabs. Every user action is one
transaction: 保存基本信息, each sign-in row, 保存会议记录 (also done on 定稿 and when the dialog
closes with unsaved minutes), each action item. After 定稿 the fields are read-only; each text
has 更正… (new text and a reason → ``amend_agenda`` / ``amend_decisions``), and the original
stays visible in 更正记录.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QPushButton, QRadioButton, QScrollArea,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from app.auth import Permission
from app.errors import DomainError, ValidationError
from app.models import MeetingKind
from app.services import meetings as service
from ui import window_state
from ui.context import AppContext
from ui.ledgers.data import TeamChoice
from ui.meetings import data
from ui.meetings.data import Detail, PersonChoice, ProblemChoice, state_text
from ui.meetings.sign_in import SignInTab
from ui.widgets.form import FormBody, FormDialog, form_scroll
from ui.widgets.inputs import (choice_combo, combo_value, date_edit, date_of, line_edit,
                               time_edit, time_of)
from ui.widgets.messages import confirm, error

RESIDENT_KINDS = (MeetingKind.FORUM, MeetingKind.HEARING)
CHOSEN_KINDS = (MeetingKind.PARTY_COMMITTEE, MeetingKind.JOINT)   # invitees chosen by hand
NOBODY = "（未定）"


def kinds_for(ctx: AppContext) -> list[MeetingKind]:
    """The kinds the signed-in user may keep."""
    team = ctx.can(Permission.KEEP_RECORDS)
    town = ctx.can(Permission.KEEP_TOWN_MEETINGS)
    return [k for k in MeetingKind if (town if k.town_level else team)]


def may_keep(ctx: AppContext, kind: MeetingKind, team_ids: Sequence[int]) -> bool:
    actor = ctx.actor
    if actor is None:
        return False
    if kind.town_level:
        return actor.can(Permission.KEEP_TOWN_MEETINGS)
    return bool(team_ids) and all(actor.can_team(Permission.KEEP_RECORDS, t) for t in team_ids)


def text_edit(name: str, text: str = "", height: int = 80, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setObjectName(name)
    box.setMinimumHeight(height)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    return box


# --- 基本信息 ---------------------------------------------------------------------------------

class InfoTab(QWidget):
    """The meeting's data; ``save()`` creates or updates it and returns its id."""

    def __init__(self, ctx: AppContext, teams: Sequence[TeamChoice],
                 people: Sequence[PersonChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.teams = {t.id: t for t in teams}
        self.people = list(people)
        self.detail: Detail | None = None
        self.body = FormBody()
        kinds = kinds_for(ctx)
        self.kind = self.body.add_field("kind", "会议类型", choice_combo(
            [(k.label, k) for k in kinds], name="meetingKind"))
        self.title = self.body.add_field("title", "会议名称", line_edit(
            placeholder="不填则按团队、类型和日期自动命名", name="meetingTitle"))
        self.held_on = self.body.add_field("held_on", "日期", date_edit(name="meetingDate"))
        hours = QWidget()
        row = QHBoxLayout(hours)
        row.setContentsMargins(0, 0, 0, 0)
        self.start = time_edit(time(14), "meetingStart")
        self.end = time_edit(time(15), "meetingEnd")
        row.addWidget(self.start)
        row.addWidget(QLabel("至"))
        row.addWidget(self.end)
        row.addStretch(1)
        self.body.add_field("end_time", "时间", hours)
        self.team_list = QListWidget()
        self.team_list.setObjectName("meetingTeams")
        self.team_list.setMaximumHeight(110)
        for team in teams:
            item = QListWidgetItem(team.name)
            item.setData(Qt.ItemDataRole.UserRole, team.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.team_list.addItem(item)
        self.body.add_field("team_ids", "驻点团队", self.team_list)
        self.community = self.body.add_field("community_id", "群众所在村（社区）",
                                             choice_combo([], name="meetingCommunity"))
        self.place = self.body.add_field("place", "地点", line_edit(
            placeholder="不填则用团队的驻点地点", name="meetingPlace"))
        person_items = [(NOBODY, None)] + [(p.label, p.id) for p in self.people]
        self.host = self.body.add_field("host_id", "主持人", choice_combo(
            person_items, name="meetingHost", searchable=True))
        self.recorder = self.body.add_field("recorder_id", "记录人", choice_combo(
            person_items, name="meetingRecorder", searchable=True))
        self.invitees = QListWidget()
        self.invitees.setObjectName("meetingInvitees")
        self.invitees.setMaximumHeight(150)
        for person in self.people:
            item = QListWidgetItem(person.label)
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.invitees.addItem(item)
        self.body.add_field("expected_person_ids", "应到人员", self.invitees)
        self.note = QLabel()
        self.note.setObjectName("meetingInfoNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #5d6d7e;")
        self.save_button = QPushButton("保存基本信息")
        self.save_button.setObjectName("saveMeetingInfo")
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self.team_list.itemChanged.connect(self._teams_chosen)
        self._kind_chosen()

    # -- filling ---------------------------------------------------------------------------
    def new(self) -> None:
        """Defaults for a new meeting: the first team, its station day's hour before."""
        kind = self.chosen_kind()
        if self.team_list.count() and kind is not None and not kind.town_level:
            self.team_list.item(0).setCheckState(Qt.CheckState.Checked)
            team = self.teams[self.team_list.item(0).data(Qt.ItemDataRole.UserRole)]
            begin = (datetime.combine(date.today(), team.start) - timedelta(hours=1)).time()
            self.start.setTime(QTime(begin.hour, begin.minute))
            self.end.setTime(QTime(team.start.hour, team.start.minute))

    def show_detail(self, detail: Detail, editable: bool) -> None:
        self.detail = detail
        if self.kind.findData(detail.kind) < 0:   # a kind this user may read, not keep
            self.kind.addItem(detail.kind.label, detail.kind)
        self.kind.setCurrentIndex(self.kind.findData(detail.kind))
        self.title.setText(detail.title)
        self.held_on.setDate(QDate(detail.held_on))
        self.start.setTime(QTime(detail.start_time.hour, detail.start_time.minute))
        self.end.setTime(QTime(detail.end_time.hour, detail.end_time.minute))
        self.team_list.blockSignals(True)
        for i in range(self.team_list.count()):
            item = self.team_list.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in detail.team_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        missing = [t for t in detail.team_ids if t not in self.teams]
        self.team_list.blockSignals(False)
        self._teams_chosen()
        if missing:   # a team this user does not see in the list: name it at least
            self.note.setText(f"所属团队：{detail.teams}")
        self.community.setCurrentIndex(max(0, self.community.findData(detail.community_id)))
        self.place.setText(detail.place)
        for combo, value in ((self.host, detail.host_id), (self.recorder, detail.recorder_id)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        expected = set(detail.expected_person_ids)
        for i in range(self.invitees.count()):
            item = self.invitees.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in expected
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        for widget in (self.kind, self.title, self.held_on, self.start, self.end,
                       self.team_list, self.community, self.place, self.host, self.recorder,
                       self.invitees):
            widget.setEnabled(editable)
        self.save_button.setVisible(editable)
        if detail.final:
            self.note.setText(f"会议记录已于 {detail.finalised_at:%Y-%m-%d %H:%M} 由 "
                              f"{detail.finalised_by_name} 定稿，基本信息不能再修改。")
        elif not missing:
            self.note.setText("修改团队后，应到人员按新团队的名单重新生成；已签到的人员保留。")

    def _kind_chosen(self) -> None:
        kind = self.chosen_kind()
        form = self.body.form
        form.setRowVisible(self.community.parentWidget(), kind in RESIDENT_KINDS)
        form.setRowVisible(self.invitees.parentWidget(), kind in CHOSEN_KINDS)

    def chosen_kind(self) -> MeetingKind | None:
        value = self.kind.currentData()   # Qt hands a str enum back as a plain str
        return None if value is None else MeetingKind(value)

    def checked_teams(self) -> list[int]:
        return [self.team_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.team_list.count())
                if self.team_list.item(i).checkState() == Qt.CheckState.Checked]

    def _teams_chosen(self, *_args: Any) -> None:
        current = self.community.currentData()
        self.community.clear()
        seen: set[int] = set()
        for team_id in self.checked_teams():
            for cid, name in self.teams[team_id].communities:
                if cid not in seen:
                    seen.add(cid)
                    self.community.addItem(name, cid)
        self.community.setCurrentIndex(max(0, self.community.findData(current)))

    # -- saving ----------------------------------------------------------------------------
    def entry(self) -> service.MeetingInput:
        kind = self.chosen_kind()
        invitees = None
        if kind in CHOSEN_KINDS:
            invitees = [self.invitees.item(i).data(Qt.ItemDataRole.UserRole)
                        for i in range(self.invitees.count())
                        if self.invitees.item(i).checkState() == Qt.CheckState.Checked]
        elif self.detail is not None and self.detail.kind in CHOSEN_KINDS:
            invitees = None   # a kind that takes the roster again
        return service.MeetingInput(
            kind=kind, held_on=date_of(self.held_on), start_time=time_of(self.start),
            end_time=time_of(self.end), team_ids=self.checked_teams(), title=self.title.text(),
            place=self.place.text(),
            community_id=self.community.currentData() if kind in RESIDENT_KINDS else None,
            host_id=combo_value(self.host), recorder_id=combo_value(self.recorder),
            expected_person_ids=invitees)

    def save(self) -> int:
        """One transaction; a ValidationError shows beside its field and is raised again."""
        entry = self.entry()
        if entry.kind is None:
            raise ValidationError("请选择会议类型", "kind")
        self.body.clear_errors()
        try:
            with self.ctx.db.session() as s:
                if self.detail is None:
                    return service.create_meeting(s, entry).id
                return service.update_meeting(s, self.detail.id, entry, self.detail.version).id
        except DomainError as exc:
            self.body.show_error(exc)
            raise


# --- 会议记录 ---------------------------------------------------------------------------------

class AgendaBox(QGroupBox):
    """One agenda item: title, discussion, decision; 删除 in a draft, 更正… after 定稿."""

    def __init__(self, number: int, line: data.AgendaLine | None, final: bool, editable: bool,
                 amend: Callable[[str, str], None] | None,
                 remove: Callable[["AgendaBox"], None]) -> None:
        super().__init__(f"议题 {number}")
        self.setObjectName(f"agendaItem{number}")
        self.item_id = line.id if line else None
        self.title = QLineEdit(line.title if line else "")
        self.title.setObjectName(f"agendaTitle{number}")
        self.title.setPlaceholderText("议题")
        self.discussion = text_edit(f"agendaDiscussion{number}", line.discussion if line else "",
                                    90, "讨论情况：谁发言、说了什么")
        self.decision = text_edit(f"agendaDecision{number}", line.decision if line else "", 50,
                                  "本议题的决定")
        layout = QVBoxLayout(self)
        self.amend_buttons: dict[str, QPushButton] = {}
        for field_, label, widget in (("title", "议题", self.title),
                                      ("discussion", "讨论情况", self.discussion),
                                      ("decision", "决定", self.decision)):
            row = QHBoxLayout()
            caption = QLabel(label)
            caption.setFixedWidth(60)
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            row.addWidget(caption)
            row.addWidget(widget, 1)
            if final and amend is not None:
                button = QPushButton("更正…")
                button.setObjectName(f"amend_{field_}_{number}")
                button.clicked.connect(lambda _c=False, f=field_: amend(f, label))
                row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
                self.amend_buttons[field_] = button
            layout.addLayout(row)
        for widget in (self.title, self.discussion, self.decision):
            widget.setReadOnly(not editable)
        if editable:
            remove_button = QPushButton("删除此议题")
            remove_button.setObjectName(f"agendaRemove{number}")
            remove_button.clicked.connect(lambda: remove(self))
            layout.addWidget(remove_button, 0, Qt.AlignmentFlag.AlignRight)

    def entry(self) -> service.AgendaInput:
        return service.AgendaInput(self.title.text(), self.discussion.toPlainText(),
                                   self.decision.toPlainText(), self.item_id)


class MinutesTab(QWidget):
    """Agenda items, 会议决定, 交办事项. ``saved`` after each write."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: Detail | None = None
        self.editable = False
        self.dirty = False
        self.on_saved: Callable[[], None] = lambda: None
        self.boxes: list[AgendaBox] = []
        self.agenda_column = QVBoxLayout()
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.addLayout(self.agenda_column)
        self.add_button = QPushButton("添加议题")
        self.add_button.setObjectName("addAgendaItem")
        self.add_button.clicked.connect(lambda: self._add_box(None))
        holder_layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        decisions_box = QGroupBox("会议决定")
        decisions_layout = QHBoxLayout(decisions_box)
        self.decisions = text_edit("meetingDecisions", "", 70, "会议形成的决定（各议题的决定之外）")
        self.decisions.textChanged.connect(self._changed)
        decisions_layout.addWidget(self.decisions, 1)
        self.amend_decisions_button = QPushButton("更正…")
        self.amend_decisions_button.setObjectName("amendDecisions")
        self.amend_decisions_button.clicked.connect(self.amend_decisions)
        decisions_layout.addWidget(self.amend_decisions_button, 0, Qt.AlignmentFlag.AlignTop)
        holder_layout.addWidget(decisions_box)
        actions_box = QGroupBox("交办事项（登记到问题台账）")
        actions_layout = QVBoxLayout(actions_box)
        self.actions = QTableWidget(0, 5)
        self.actions.setObjectName("meetingActions")
        self.actions.setHorizontalHeaderLabels(["交办事项", "责任人", "办结时限", "问题台账", "状态"])
        self.actions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.actions.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.actions.setMinimumHeight(110)
        actions_layout.addWidget(self.actions)
        self.add_action_button = QPushButton("添加交办事项…")
        self.add_action_button.setObjectName("addAction")
        self.add_action_button.clicked.connect(self.add_action)
        actions_layout.addWidget(self.add_action_button, 0, Qt.AlignmentFlag.AlignLeft)
        holder_layout.addWidget(actions_box)
        holder_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        self.save_button = QPushButton("保存会议记录")
        self.save_button.setObjectName("saveMinutes")
        self.save_button.clicked.connect(self.save_clicked)
        self.message = QLabel()
        self.message.setObjectName("minutesMessage")
        self.message.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)

    def set_detail(self, detail: Detail, may_keep: bool) -> None:
        self.detail = detail
        self.editable = may_keep and not detail.final
        for box in self.boxes:
            self.agenda_column.removeWidget(box)
            box.deleteLater()
        self.boxes = []
        for line in detail.agenda:
            self._add_box(line)
        self.decisions.blockSignals(True)
        self.decisions.setPlainText(detail.decisions)
        self.decisions.blockSignals(False)
        self.decisions.setReadOnly(not self.editable)
        self.amend_decisions_button.setVisible(detail.final and may_keep)
        self.add_button.setVisible(self.editable)
        self.save_button.setVisible(self.editable)
        self.add_action_button.setVisible(may_keep)
        self.actions.setRowCount(len(detail.actions))
        for row, action in enumerate(detail.actions):
            how = "新登记" if action.created else "更新"
            for column, text in enumerate((action.text, action.owner or "未定",
                                           f"{action.deadline:%Y-%m-%d}",
                                           f"{action.problem_number}（{how}）",
                                           action.problem_status)):
                self.actions.setItem(row, column, QTableWidgetItem(text))
        self.dirty = False
        self.message.setText("已定稿：内容只读；如需更正，请点相应内容旁的“更正…”并写明原因。"
                             if detail.final else "")

    def _add_box(self, line: data.AgendaLine | None) -> None:
        final = self.detail is not None and self.detail.final
        amend = (partial(self.amend_item, line)
                 if final and line is not None and self._may_keep() else None)
        box = AgendaBox(len(self.boxes) + 1, line, final, self.editable, amend,
                        self._remove_box)
        for edit in (box.discussion, box.decision):
            edit.textChanged.connect(self._changed)
        box.title.textEdited.connect(self._changed)
        self.boxes.append(box)
        self.agenda_column.addWidget(box)
        if line is None:
            self._changed()
            box.title.setFocus()

    def _may_keep(self) -> bool:
        d = self.detail
        return d is not None and may_keep(self.ctx, d.kind, d.team_ids)

    def _remove_box(self, box: AgendaBox) -> None:
        self.boxes.remove(box)
        self.agenda_column.removeWidget(box)
        box.deleteLater()
        for n, other in enumerate(self.boxes, start=1):
            other.setTitle(f"议题 {n}")
        self._changed()

    def _changed(self, *_args: Any) -> None:
        if self.editable:
            self.dirty = True
            self.message.setText("有未保存的修改")

    def save(self) -> None:
        """保存会议记录: one transaction; raises DomainError (shown by the caller)."""
        assert self.detail is not None
        agenda = [box.entry() for box in self.boxes]
        with self.ctx.db.session() as s:
            service.save_minutes(s, self.detail.id, agenda, self.decisions.toPlainText(),
                                 self.detail.version)
        self.dirty = False
        self.message.setText("会议记录已保存")

    def save_clicked(self) -> None:
        try:
            self.save()
        except DomainError as exc:
            self.message.setText("")
            error(self, "保存会议记录", exc.message)
            return
        self.on_saved()

    # -- 更正 ------------------------------------------------------------------------------
    def amend_item(self, line: data.AgendaLine, field_: str, label: str) -> None:
        current = getattr(line, field_)
        dialog = AmendDialog(f"更正议题“{line.title[:20]}”的{label}", current, self,
                             lambda s, text, reason: service.amend_agenda(s, line.id, field_,
                                                                         text, reason),
                             self.ctx)
        if dialog.exec():
            self.on_saved()

    def amend_decisions(self) -> None:
        assert self.detail is not None
        meeting_id = self.detail.id
        dialog = AmendDialog("更正会议决定", self.detail.decisions, self,
                             lambda s, text, reason: service.amend_decisions(s, meeting_id,
                                                                            text, reason),
                             self.ctx)
        if dialog.exec():
            self.on_saved()

    def add_action(self) -> None:
        assert self.detail is not None
        if self.dirty:   # the action may hang on an agenda item typed just now
            try:
                self.save()
            except DomainError as exc:
                error(self, "添加交办事项", f"请先保存会议记录：{exc.message}")
                return
            self.on_saved()
        dialog = ActionDialog(self.ctx, self.detail, self)
        if dialog.exec():
            self.on_saved()


class AmendDialog(FormDialog):
    """更正: the text as it stands (read-only), the corrected text, and the reason."""

    def __init__(self, title: str, current: str, parent: QWidget | None,
                 action: Callable[[Any, str, str], Any], ctx: AppContext) -> None:
        super().__init__(title, parent)
        self.setObjectName("amendDialog")
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.action = action
        original = text_edit("amendBefore", current, 60)
        original.setReadOnly(True)
        self.add_field("before", "原内容", original)
        self.text = self.add_field("text", "更正为", text_edit("amendText", current, 90))
        self.reason = self.add_field("reason", "更正原因", line_edit(
            placeholder="如 记录遗漏、笔误、与会人员指出", name="amendReason"))
        self.save_button.setText("更正")

    def save(self) -> Any:
        with self.ctx.db.session() as s:
            return self.action(s, self.text.toPlainText(), self.reason.text()).id


class ActionDialog(FormDialog):
    """添加交办事项: text, owner (attendees first, then the roster), deadline; a new problem in
    the ledger or an open problem of the team to update."""

    def __init__(self, ctx: AppContext, detail: Detail, parent: QWidget | None = None) -> None:
        super().__init__("添加交办事项", parent)
        self.setObjectName("actionDialog")
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.detail = detail
        self.text = self.add_field("text", "交办事项", text_edit("actionText", "", 70))
        owners: list[tuple[str, Any]] = [(NOBODY, None)]
        seen: set[int] = set()
        for a in detail.attendees:
            if a.person_id is not None and a.person_id not in seen:
                seen.add(a.person_id)
                owners.append((f"{a.name}（{a.post or a.unit}）" if a.post or a.unit else a.name,
                               a.person_id))
        try:
            for person in data.people_choices(ctx.db):
                if person.id not in seen:
                    owners.append((person.label, person.id))
        except DomainError:
            pass   # a reader without the directory: the attendees are enough
        self.owner = self.add_field("owner_id", "责任人", choice_combo(
            owners, name="actionOwner", searchable=True))
        self.deadline = self.add_field("deadline", "办结时限", date_edit(
            detail.held_on + timedelta(days=14), "actionDeadline"))
        self.agenda = self.add_field("agenda_item_id", "所属议题", choice_combo(
            [("（不指定）", None)] + [(a.title, a.id) for a in detail.agenda],
            name="actionAgenda"))
        kind = QWidget()
        kind_row = QHBoxLayout(kind)
        kind_row.setContentsMargins(0, 0, 0, 0)
        self.as_new = QRadioButton("登记为新问题")
        self.as_new.setObjectName("actionNewProblem")
        self.as_existing = QRadioButton("更新已有问题")
        self.as_existing.setObjectName("actionExistingProblem")
        self.as_new.setChecked(True)
        kind_row.addWidget(self.as_new)
        kind_row.addWidget(self.as_existing)
        kind_row.addStretch(1)
        self.add_field("problem_kind", "问题台账", kind)
        self.problems: list[ProblemChoice] = data.open_problems(ctx.db, detail.team_ids)
        self.problem = self.add_field("problem_id", "已有问题", choice_combo(
            [(p.label, p.id) for p in self.problems], name="actionProblem", searchable=True))
        from ui.ledgers.data import category_choices

        categories = category_choices(ctx.db)   # the town's list (设置), never typed by hand
        self.category = self.add_field("category", "问题类别", choice_combo(
            [(c, c) for c in categories], "其他" if "其他" in categories else None,
            "actionCategory"))
        self.reason = self.add_field("reason", "更正原因", line_edit(name="actionReason"))
        self.form.setRowVisible(self.reason.parentWidget(), detail.final)
        self.as_existing.setEnabled(bool(self.problems))
        if not self.problems:
            self.as_existing.setToolTip("本团队没有未办结的问题")
        self.as_new.toggled.connect(self._kind_chosen)
        self._kind_chosen()

    def _kind_chosen(self) -> None:
        new = self.as_new.isChecked()
        self.form.setRowVisible(self.problem.parentWidget(), not new)
        self.form.setRowVisible(self.category.parentWidget(), new)

    def save(self) -> int:
        existing = self.as_existing.isChecked()
        problem_id = combo_value(self.problem) if existing else None
        if existing and problem_id is None:
            raise ValidationError("请选择要更新的问题", "problem_id")
        entry = service.ActionInput(
            text=self.text.toPlainText(), deadline=date_of(self.deadline),
            owner_id=combo_value(self.owner), agenda_item_id=self.agenda.currentData(),
            problem_id=problem_id, category=self.category.currentData() or "其他")
        with self.ctx.db.session() as s:
            return service.add_action(s, self.detail.id, entry, self.reason.text()).id


# --- 更正记录 ---------------------------------------------------------------------------------

class AmendmentsTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("amendmentTable")
        self.table.setHorizontalHeaderLabels(["时间", "更正人", "更正内容", "原因", "原内容", "更正后"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column, width in ((0, 120), (1, 70), (2, 170), (3, 130)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel()
        self.note.setObjectName("amendmentNote")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def set_detail(self, detail: Detail) -> None:
        self.table.setRowCount(len(detail.amendments))
        for row, a in enumerate(detail.amendments):
            for column, text in enumerate((f"{a.at:%Y-%m-%d %H:%M}", a.user_name, a.what,
                                           a.reason, a.before or "（空）", a.after or "（空）")):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        if not detail.final:
            self.note.setText("会议记录还没有定稿；定稿后的每一次更正都记在这里，原内容保留可查。")
        elif detail.amendments:
            self.note.setText(f"定稿后共更正 {len(detail.amendments)} 次；原内容保留如下。")
        else:
            self.note.setText("定稿后没有更正。")


# --- the dialog -------------------------------------------------------------------------------

class MeetingEditor(window_state.RemembersSize, QDialog):
    """``meeting_id`` None: a new meeting. Raises the service's PermissionDenied /
    NotFoundError when the meeting cannot be opened by this user."""

    def __init__(self, ctx: AppContext, teams: Sequence[TeamChoice], meeting_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        window_state.remember(self)  # fits the screen; its size kept per user
        self.setObjectName("meetingEditor")
        self.ctx = ctx
        self.changed = False     # something was saved: the list reloads
        self.detail: Detail | None = None
        first = data.detail(ctx.db, meeting_id) if meeting_id is not None else None
        try:
            people = data.people_choices(ctx.db)
        except DomainError:
            people = []
        self.setWindowTitle("新建会议" if first is None else first.title)
        window_state.fit_to_screen(self, 1060, 760)
        self.header = QLabel()
        self.header.setObjectName("meetingHeader")
        self.header.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.state = QLabel()
        self.state.setObjectName("meetingState")
        self.info = InfoTab(ctx, teams, people)
        self.info.save_button.clicked.connect(self.save_info)
        self.sign_in = SignInTab(ctx)
        self.sign_in.saved.connect(self.reload)
        self.minutes = MinutesTab(ctx)
        self.minutes.on_saved = self.reload
        self.amendments = AmendmentsTab()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("meetingTabs")
        self.tabs.addTab(self.info, "基本信息")
        self.tabs.addTab(self.sign_in, "签到")
        self.tabs.addTab(self.minutes, "会议记录")
        self.tabs.addTab(self.amendments, "更正记录")
        self.finalise_button = QPushButton("定稿…")
        self.finalise_button.setObjectName("finaliseMeeting")
        self.finalise_button.setToolTip("定稿后会议记录锁定，之后的修改须以“更正”方式写明原因")
        self.finalise_button.clicked.connect(self.finalise)
        close = QPushButton("关闭")
        close.setObjectName("closeMeeting")
        close.clicked.connect(self.close)
        head = QHBoxLayout()
        head.addWidget(self.header, 1)
        head.addWidget(self.state)
        bottom = QHBoxLayout()
        bottom.addWidget(self.finalise_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(form_scroll(self.tabs), 1)  # scrolls on a small screen (issue 15)
        layout.addLayout(bottom)
        if first is None:
            self.info.new()
            self._show_new()
        else:
            self._show(first)

    def _show_new(self) -> None:
        self.header.setText("新建会议")
        self.state.setText("填写基本信息后点“保存基本信息”，再登记签到和会议记录")
        for index in (1, 2, 3):
            self.tabs.setTabEnabled(index, False)
        self.finalise_button.hide()

    def may_keep(self) -> bool:
        d = self.detail
        return d is not None and may_keep(self.ctx, d.kind, d.team_ids)

    def _show(self, detail: Detail) -> None:
        self.detail = detail
        keep = self.may_keep()
        self.setWindowTitle(detail.title)
        self.header.setText(detail.title)
        state = state_text(detail.final, len(detail.amendments))
        self.state.setText(state if not detail.final else
                           f"{state}（{detail.finalised_at:%Y-%m-%d %H:%M}，{detail.finalised_by_name}）")
        self.state.setStyleSheet("color: #1e8449; font-weight: bold;" if detail.final
                                 else "color: #b9770e; font-weight: bold;")
        for index in (1, 2, 3):
            self.tabs.setTabEnabled(index, True)
        self.info.show_detail(detail, keep and not detail.final)
        self.sign_in.set_detail(detail, keep)
        self.minutes.set_detail(detail, keep)
        self.amendments.set_detail(detail)
        self.finalise_button.setVisible(keep and not detail.final)

    def reload(self) -> None:
        assert self.detail is not None
        self.changed = True
        try:
            fresh = data.detail(self.ctx.db, self.detail.id)
        except DomainError as exc:
            error(self, "会议", exc.message)
            return
        dirty_minutes = self.minutes.dirty
        if dirty_minutes:   # keep what was typed in the minutes while another tab saved
            boxes = [b.entry() for b in self.minutes.boxes]
            decisions = self.minutes.decisions.toPlainText()
        self._show(fresh)
        if dirty_minutes and not fresh.final:
            self._restore_minutes(boxes, decisions)

    def _restore_minutes(self, agenda: list[service.AgendaInput], decisions: str) -> None:
        stored = {a.id: a for a in self.detail.agenda} if self.detail else {}
        if [a.id for a in agenda] == list(stored) and all(
                (a.title, a.discussion, a.decision) == (stored[a.id].title, stored[a.id].discussion,
                                                       stored[a.id].decision)
                for a in agenda if a.id is not None) and decisions == self.detail.decisions:
            return
        mins = self.minutes
        for box in list(mins.boxes):
            mins.agenda_column.removeWidget(box)
            box.deleteLater()
        mins.boxes = []
        for entry in agenda:
            mins._add_box(data.AgendaLine(entry.id or 0, entry.title, entry.discussion,
                                          entry.decision))
            mins.boxes[-1].item_id = entry.id
        mins.decisions.setPlainText(decisions)
        mins.dirty = True
        mins.message.setText("有未保存的修改")

    def save_info(self) -> None:
        try:
            meeting_id = self.info.save()
        except DomainError:
            self.tabs.setCurrentWidget(self.info)
            return
        self.changed = True
        new = self.detail is None
        self.detail = data.detail(self.ctx.db, meeting_id)
        self.reload()
        if new:
            self.tabs.setCurrentWidget(self.sign_in)

    def finalise(self) -> None:
        """Check first (sign-in, agenda, date; who is present without a signature), then ask:
        a plain "确定定稿吗？", or with unsigned attendees a dialog naming them that needs the
        reason (kept on the record, printed)."""
        assert self.detail is not None
        try:
            with self.ctx.db.session() as s:
                unsigned = service.finalise_check(s, self.detail.id)
        except DomainError as exc:
            error(self, "定稿", exc.message)
            self.reload()
            return
        if unsigned:
            dialog = FinaliseDialog(self, unsigned)
            if not dialog.exec():
                return
            reason = dialog.result_value
        else:
            if not confirm(self, "定稿", FINALISE_TEXT + "\n\n确定定稿吗？", "定稿"):
                return
            reason = ""
        try:
            if self.minutes.dirty:
                self.minutes.save()
                self.detail = data.detail(self.ctx.db, self.detail.id)
            with self.ctx.db.session() as s:
                service.finalise(s, self.detail.id, self.detail.version, reason)
        except DomainError as exc:
            error(self, "定稿", exc.message)
            self.reload()
            return
        self.reload()

    def done(self, result: int) -> None:
        """Closing keeps what was typed in the minutes (saved as one more action)."""
        if self.detail is not None and self.minutes.dirty and self.minutes.editable:
            try:
                self.minutes.save()
                self.changed = True
            except DomainError as exc:
                self.tabs.setCurrentWidget(self.minutes)
                error(self, "保存会议记录", f"会议记录没有保存：{exc.message}\n请修改后再关闭。")
                return
        super().done(result)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        event.ignore()
        self.done(QDialog.DialogCode.Accepted if self.changed else QDialog.DialogCode.Rejected)


FINALISE_TEXT = ("定稿后会议记录（基本信息、签到、议题、决定和交办事项）将被锁定，"
                 "之后的任何修改都要以“更正”方式写明原因并留痕。")


class FinaliseDialog(FormDialog):
    """定稿 with attendees marked 出席/迟到 who have not signed: named, and a reason required."""

    def __init__(self, parent: QWidget | None, unsigned: Sequence[str]) -> None:
        super().__init__("定稿：有人未签名", parent)
        self.unsigned = list(unsigned)
        warning = QLabel(service.unsigned_message(self.unsigned) + "\n\n" + FINALISE_TEXT)
        warning.setObjectName("finaliseUnsigned")
        warning.setWordWrap(True)
        self.add_field("info", "", warning)
        self.reason = self.add_field("unsigned_reason", "未签名原因", line_edit(
            placeholder="如：签字板故障，已口头确认到会", name="finaliseReason"))
        self.save_button.setText("仍然定稿")

    def save(self) -> str:
        reason = self.reason.text().strip()
        if not reason:
            raise ValidationError("请写明未签名的原因", "unsigned_reason")
        return reason


__all__ = ["ActionDialog", "AmendDialog", "FinaliseDialog", "MeetingEditor", "kinds_for",
           "may_keep"]
