"""驻点日志 tab: the station sessions, filtered by team, community and month; recording a
session (hours and place default to the team's, members present ticked from the team's
current members, problems raised inline go to the problem ledger); correcting one (修改 or a
double-click: the same form filled in, the team fixed); the month's missing station days (gaps)
of the teams shown."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from datetime import date, time
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QGridLayout, QHBoxLayout, QLabel,
                               QListWidget, QMessageBox, QSplitter, QVBoxLayout, QWidget)

from app.errors import DomainError, ValidationError
from app.models import SessionKind
from app.services import problems as problem_service
from app.services import station_logs
from ui import tasks
from ui.context import AppContext
from ui.ledgers import data
from ui.ledgers.common import EditableLedgerTab, text_box
from ui.ledgers.data import SessionRow, TeamChoice
from ui.ledgers.model import Col
from ui.widgets.form import FormDialog
from ui.widgets.inputs import choice_combo, date_edit, date_of, line_edit, time_edit, time_of

COLUMNS = (
    Col("日期", lambda r: r.held_on, 90), Col("驻点团队", lambda r: r.team, 130),
    Col("村（社区）", lambda r: r.community, 90), Col("时间", lambda r: r.hours, 100),
    Col("地点", lambda r: r.place, 110), Col("类型", lambda r: r.kind, 70),
    Col("到岗成员", lambda r: r.members, 160), Col("情况摘要", lambda r: r.summary, 220, "stretch"),
    Col("问题", lambda r: r.problems, 40))


class SessionsTab(EditableLedgerTab):
    NAME, WHAT, UNIT = "session", "驻点日志", "次驻点"
    SEARCH_HINT, RECORD_LABEL = "搜索团队、地点、成员或摘要…", "记录驻点"
    COLUMNS = COLUMNS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._gap_generation = 0
        self.gap_month = QDateEdit(QDate.currentDate())
        self.gap_month.setObjectName("gapMonth")
        self.gap_month.setDisplayFormat("yyyy年M月")
        self.gap_month.dateChanged.connect(lambda _d: self.load_gaps())
        self.gaps = QListWidget()
        self.gaps.setObjectName("sessionGaps")
        gap_pane = QWidget()
        gap_layout = QVBoxLayout(gap_pane)
        gap_layout.setContentsMargins(8, 0, 0, 0)
        gap_head = QHBoxLayout()
        gap_head.addWidget(QLabel("缺少日志的驻点日："))
        gap_head.addWidget(self.gap_month)
        gap_layout.addLayout(gap_head)
        gap_layout.addWidget(self.gaps, 1)
        split = QSplitter()
        split.addWidget(self.listing)
        split.addWidget(gap_pane)
        split.setSizes([950, 250])
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addLayout(self.filters)
        self.created_notice = QLabel()
        self.created_notice.setObjectName("sessionCreatedProblems")
        self.created_notice.setWordWrap(True)
        self.created_notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.created_notice.hide()
        layout.addWidget(self.created_notice)
        layout.addWidget(split, 1)

    @staticmethod
    def key(row: SessionRow) -> str:
        return "\x1f".join((row.team, row.community, row.place, row.members, row.summary)).lower()

    @staticmethod
    def rows(db: Any) -> list[SessionRow]:
        return data.session_rows(db)

    def set_teams(self, teams: Sequence[TeamChoice]) -> None:
        super().set_teams(teams)
        if self.loaded:
            self.load_gaps()

    def reload(self, select_id: int | None = None) -> None:
        super().reload(select_id)
        self.load_gaps()

    def load_gaps(self) -> None:
        chosen = date_of(self.gap_month)
        start = chosen.replace(day=1)
        end = chosen.replace(day=monthrange(chosen.year, chosen.month)[1])
        end = min(end, date.today())
        wanted = self.team.currentData()
        teams = [(t.id, t.name) for t in self.teams if wanted is None or t.id == wanted]
        db = self.ctx.db
        self._gap_generation += 1
        generation = self._gap_generation
        tasks.start(lambda _p, _c: data.gaps(db, teams, start, end),
                    lambda found: self._show_gaps(generation, found),
                    lambda exc: self._show_gap_error(exc), owner=self)

    def _show_gaps(self, generation: int, found: list[tuple[str, date]]) -> None:
        if generation != self._gap_generation:
            return  # an older month's answer arriving late
        self.gaps.clear()
        if not found:
            self.gaps.addItem("本月驻点日都有日志")
        for name, day in found:
            self.gaps.addItem(f"{day:%m-%d}　{name}")

    def _show_gap_error(self, exc: BaseException) -> None:
        self.gaps.clear()
        self.gaps.addItem(f"无法列出：{exc}")

    def apply_filter(self) -> None:
        super().apply_filter()
        if self.sender() is self.team:
            self.load_gaps()

    def record(self) -> None:
        dialog = SessionDialog(self.ctx, self.teams, self)
        if dialog.exec():
            self._show_created(dialog.created_numbers)
            self.after_record()

    def edit(self, row: SessionRow) -> int | None:
        dialog = SessionDialog(self.ctx, self.teams, self, data.session_form(self.ctx.db, row.id))
        if not dialog.exec():
            return None
        self._show_created(dialog.created_numbers)
        return dialog.result_value

    def _show_created(self, numbers: Sequence[str]) -> None:
        """After a save: the numbers of the problems it registered, so they can be found."""
        self.created_notice.setText(
            f"刚才登记了 {len(numbers)} 个问题，已记入问题台账：" + "、".join(numbers)
            if numbers else "")
        self.created_notice.setVisible(bool(numbers))


MAKE_UP, EXTRA = "make_up", "extra"


def ask_off_day(parent: QWidget, question: str) -> str:
    """Not the team's station day: MAKE_UP (补班), EXTRA (an extra session) or "" (go back)
    (tests replace this function)."""
    box = QMessageBox(QMessageBox.Icon.Question, "不是驻点日", question, parent=parent)
    make_up = box.addButton("是补班", QMessageBox.ButtonRole.ActionRole)
    extra = box.addButton("额外驻点，保存", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return {id(make_up): MAKE_UP, id(extra): EXTRA}.get(id(box.clickedButton()), "")


class SessionDialog(FormDialog):
    """记录驻点, or with ``form`` 修改驻点日志: the recorded values filled in, the team fixed
    (a session stays with its team), problems already raised listed (they are edited in the
    problem ledger) and the problem lines raising new ones."""

    def __init__(self, ctx: AppContext, teams: Sequence[TeamChoice],
                 parent: QWidget | None = None,
                 form: station_logs.SessionForm | None = None) -> None:
        super().__init__("记录驻点" if form is None else "修改驻点日志", parent)
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.edit = form
        self.created_numbers: list[str] = []   # after a save: the problems it registered
        self.teams = {t.id: t for t in teams}
        team_items = ([(t.name, t.id) for t in teams] if form is None
                      else [(form.team_name, form.data.team_id)])
        self.team = self.add_field("team_id", "驻点团队", choice_combo(
            team_items, name="sessionTeamField"))
        self.community = self.add_field("community_id", "村（社区）", QComboBox())
        self.community.setObjectName("sessionCommunityField")
        self.held_on = self.add_field("held_on", "日期", date_edit(name="sessionDate"))
        hours = QWidget()
        hours_layout = QHBoxLayout(hours)
        hours_layout.setContentsMargins(0, 0, 0, 0)
        self.start = time_edit(time(9), "sessionStart")
        self.end = time_edit(time(12), "sessionEnd")
        hours_layout.addWidget(self.start)
        hours_layout.addWidget(QLabel("至"))
        hours_layout.addWidget(self.end)
        hours_layout.addStretch(1)
        self.add_field("end_time", "时间", hours)
        self.place = self.add_field("place", "地点", line_edit(name="sessionPlace"))
        self.kind = self.add_field("kind", "类型", choice_combo(
            [(k.label, k) for k in SessionKind], SessionKind.RECEPTION, "sessionKind"))
        self.announced = self.add_field("make_up_announced_on", "补班公告日期",
                                        date_edit(name="sessionAnnounced"))
        self.made_up = self.add_field("make_up_for", "所补驻点日", date_edit(name="sessionMadeUp"))
        self.members_box = QWidget()
        self.members_box.setObjectName("sessionMembers")
        self.members_grid = QGridLayout(self.members_box)
        self.members_grid.setContentsMargins(0, 0, 0, 0)
        self.member_checks: list[QCheckBox] = []
        self.add_field("member_ids", "到岗成员", self.members_box)
        self.summary = self.add_field("summary", "情况摘要", text_box("sessionSummary", 70,
                                                                  "接待、走访情况"))
        if form is not None:
            raised = QLabel("\n".join(form.problems) or "（无）")
            raised.setObjectName("sessionRaised")
            raised.setWordWrap(True)
            raised.setToolTip("已登记的问题在“问题台账”中修改")
            self.add_field("raised", "已登记的问题", raised)
        self.problems_text = self.add_field(
            "problems", "反映的问题" if form is None else "新增问题", text_box(
                "sessionProblems", 70, "每行一个问题：类别：描述，如 基础设施：村口路灯不亮"))
        self.problem_reporter = self.add_field("reporter_name", "问题反映人", line_edit(
            placeholder="不填则记为匿名", name="sessionReporter"))
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        if form is None:
            self.team.currentIndexChanged.connect(self._team_chosen)
            self._team_chosen()
        else:
            self.team.setEnabled(False)
            self.team.setToolTip("驻点日志记下后不能改到别的团队")
            self._show(form)
        self._kind_chosen()

    def _fill(self, communities: Sequence[tuple[int, str]],
              members: Sequence[tuple[int, str]], present: set[int] | None) -> None:
        """Communities and member boxes; ``present`` None ticks everyone."""
        self.community.clear()
        for check in self.member_checks:
            self.members_grid.removeWidget(check)
            check.deleteLater()
        self.member_checks = []
        for cid, name in communities:
            self.community.addItem(name, cid)
        for n, (person_id, name) in enumerate(members):
            check = QCheckBox(name)
            check.setProperty("person_id", person_id)
            check.setChecked(present is None or person_id in present)
            self.members_grid.addWidget(check, n // 4, n % 4)
            self.member_checks.append(check)

    def _team_chosen(self) -> None:
        team = self.teams.get(self.team.currentData())
        if team is None:
            self._fill((), (), None)
            return
        self._fill(team.communities, team.members, None)
        self.place.setText(team.place)
        self.start.setTime(QTime(team.start.hour, team.start.minute))
        self.end.setTime(QTime(team.end.hour, team.end.minute))

    def _show(self, form: station_logs.SessionForm) -> None:
        data = form.data
        self._fill(form.communities, form.members, set(data.member_ids))
        self.community.setCurrentIndex(max(0, self.community.findData(data.community_id)))
        self.held_on.setDate(QDate(data.held_on))
        for edit, value in ((self.start, data.start_time), (self.end, data.end_time)):
            if value is not None:
                edit.setTime(QTime(value.hour, value.minute))
        self.place.setText(data.place)
        self.kind.setCurrentIndex(max(0, self.kind.findData(data.kind)))
        if data.make_up_announced_on is not None:
            self.announced.setDate(QDate(data.make_up_announced_on))
        if data.make_up_for is not None:
            self.made_up.setDate(QDate(data.make_up_for))
        self.summary.setPlainText(data.summary)

    def _kind_chosen(self) -> None:
        make_up = self.kind.currentData() == SessionKind.MAKE_UP
        for widget in (self.announced, self.made_up):
            self.form.setRowVisible(widget.parentWidget(), make_up)

    def problem_inputs(self, community_id: int) -> list[problem_service.ProblemInput]:
        reporter = self.problem_reporter.text().strip()
        items = []
        for n, line in enumerate(self.problems_text.toPlainText().splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            category, sep, description = line.replace(":", "：").partition("：")
            if not sep:
                category, description = "其他", line
            items.append(problem_service.ProblemInput(
                community_id=community_id, reported_on=date_of(self.held_on),
                category=category.strip() or "其他", description=description.strip(),
                anonymous=not reporter, reporter_name=reporter))
        return items

    def try_save(self) -> None:
        """On a day that is not the team's station day, asks first: 补班 or an extra session?
        (An edit asks only when its date or type changed.)"""
        team_id, held_on, kind = (self.team.currentData(), date_of(self.held_on),
                                  self.kind.currentData())
        unchanged = self.edit is not None and (self.edit.data.held_on, self.edit.data.kind) == (
            held_on, kind)
        if team_id is not None and not unchanged:
            try:
                with self.ctx.db.session() as s:
                    question = station_logs.off_station_day(s, team_id, held_on, kind)
                    replaced = station_logs.last_station_day(s, team_id, held_on)
            except DomainError as exc:
                self.body.show_error(exc)
                return
            if question:
                answer = ask_off_day(self, question)
                if answer == MAKE_UP:
                    self.kind.setCurrentIndex(self.kind.findData(SessionKind.MAKE_UP))
                    self.made_up.setDate(QDate(replaced))
                    self.body.show_error(ValidationError(
                        "补班须提前公告：请填写补班公告日期，核对所补的驻点日后再保存",
                        "make_up_announced_on"))
                    self.announced.setFocus()
                    return
                if answer != EXTRA:
                    return
        super().try_save()

    def save(self) -> int:
        team_id, community_id = self.team.currentData(), self.community.currentData()
        if team_id is None or community_id is None:
            raise ValidationError("请选择驻点团队和村（社区）", "team_id")
        make_up = self.kind.currentData() == SessionKind.MAKE_UP
        entry = station_logs.SessionInput(
            team_id=team_id, community_id=community_id, held_on=date_of(self.held_on),
            kind=self.kind.currentData(), start_time=time_of(self.start),
            end_time=time_of(self.end), place=self.place.text(),
            member_ids=[c.property("person_id") for c in self.member_checks if c.isChecked()],
            # Households met are not on this form: an edit keeps those recorded.
            household_ids=list(self.edit.data.household_ids) if self.edit else [],
            summary=self.summary.toPlainText(),
            make_up_announced_on=date_of(self.announced) if make_up else None,
            make_up_for=date_of(self.made_up) if make_up else None,
            problems=self.problem_inputs(community_id))
        with self.ctx.db.session() as s:
            try:
                if self.edit is None:
                    row = station_logs.create_session(s, entry)
                else:
                    row = station_logs.update_session(s, self.edit.session_id, entry,
                                                      self.edit.version)
                # the problems this save registered (the newest of the session's), to list them
                made = sorted(row.problems, key=lambda p: p.id)[-len(entry.problems):] \
                    if entry.problems else []
                self.created_numbers = [p.number for p in made]
                return row.id
            except ValidationError as exc:
                # A problem line the ledger refuses: say it belongs to 反映的问题.
                if set(exc.problems) & {"category", "description"}:
                    raise ValidationError(exc.message, "problems") from exc
                raise
