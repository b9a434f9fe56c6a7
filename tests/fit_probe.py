"""Measures every window and dialog of the program, for tests/test_ui_fit.py.

Run as ``python -m tests.fit_probe DEMO_DB`` in a fresh process (QT_SCALE_FACTOR must be set
before the QApplication exists; the test sets it and an offscreen screen of 1366×728). Prints
one JSON line per window: its minimumSizeHint and the size it opens at, in physical pixels
(device-independent pixels × the scale factor), or the error that kept it from being built.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _physical(size: Any, factor: float) -> list[int]:
    return [round(size.width() * factor), round(size.height() * factor)]


def measure(name: str, widget: Any, factor: float) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    widget.show()   # the size it opens at: shown, so remembered/clamped sizes apply
    for _ in range(3):
        QApplication.processEvents()
    hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    line = {"name": name, "min": _physical(hint, factor), "size": _physical(widget.size(), factor)}
    widget.hide()
    return line


def build_dialogs(db: Any, ctx: Any) -> list[tuple[str, Callable[[], Any]]]:
    from app.models import FindingSource
    from app.services import bulletin as bulletin_service
    from app.services.people import PersonInput
    from ui.checks import data as checks_data
    from ui.ledgers import data as ledger_data
    from ui.meetings import data as meeting_data

    teams = ledger_data.team_choices(db)
    today = date.today()
    out: list[tuple[str, Callable[[], Any]]] = []

    def add(name: str, make: Callable[[], Any]) -> None:
        out.append((name, make))

    def first_problem() -> Any:
        from ui.ledgers.data import ProblemQuery  # type: ignore[attr-defined]
        listing = ledger_data.problem_listing(db, ProblemQuery())
        return ledger_data.problem_page(db, list(listing.ids[:1]))[0]

    def first_finding() -> Any:
        return checks_data.finding_rows(db)[0]

    def meeting_detail() -> Any:
        rows = meeting_data.meeting_list(db)
        return meeting_data.detail(db, rows[0].id)

    def project_row() -> Any:
        from app.services.funding import project_rows
        with db.session() as s:
            return project_rows(s)[0]

    # 登录与账户
    from ui.auth.change_password import ChangePasswordDialog
    from ui.auth.first_start import FirstStartWizard
    from ui.auth.sign_in import SignInDialog
    add("SignInDialog", lambda: SignInDialog(db))
    add("ChangePasswordDialog", lambda: ChangePasswordDialog(db, True))
    add("FirstStartWizard", lambda: FirstStartWizard(db))
    from ui.users.dialog import ResetPasswordDialog, UserDialog, user_choices

    def user_dialog() -> Any:
        from app.services.accounts import UserInput
        with db.session() as s:
            choices = user_choices(s)
        return UserDialog(db, UserInput("", ""), choices)
    add("UserDialog", user_dialog)
    add("ResetPasswordDialog", lambda: ResetPasswordDialog(db, 1, "admin"))
    # 团队与人员
    from ui.communities.page import CommunityDialog
    from ui.communities.rows import community_choices, community_rows
    from ui.households.dialog import (HouseholdDialog, household_choices,
                                      household_start)
    from ui.people.dialogs import PersonDialog, RetireDialog
    from ui.teams.member_dialogs import (AddMemberDialog, EndMembershipDialog,
                                         ReplaceMemberDialog)
    from ui.teams.rows import people_choices
    from ui.teams.team_dialog import TeamDialog

    def community() -> Any:
        with db.session() as s:
            return CommunityDialog(db, community_rows(s)[0])

    def household() -> Any:
        from app.services.households import household_rows
        with db.session() as s:
            row = household_rows(s)[0]
            return HouseholdDialog(db, household_choices(s), household_start(s, row.id))

    def team_view() -> Any:
        from ui.teams.rows import team_view as view_of  # type: ignore[attr-defined]
        return view_of(db, teams[0].id)

    def team_dialog() -> Any:
        from datetime import time
        with db.session() as s:
            comms, people = community_choices(s), people_choices(s)
        return TeamDialog(db, TeamInput("", [], 2, time(15), time(18)), comms, people)

    def members(kind: str) -> Any:
        from app.services import teams as team_service
        with db.session() as s:
            people = people_choices(s)
            view = team_service.overview(s, teams[0].id)
        current = list(view.current)
        if kind == "add":
            return AddMemberDialog(db, view.id, view.name, people)
        if kind == "replace":
            return ReplaceMemberDialog(db, view.name, current, people, current[0])
        return EndMembershipDialog(db, view.name, current, current[0])

    from app.services.teams import TeamInput
    add("CommunityDialog", community)
    add("HouseholdDialog", household)
    add("PersonDialog", lambda: PersonDialog(db, PersonInput("")))
    add("RetireDialog", lambda: RetireDialog(db, 1, "李建国"))
    add("TeamDialog", team_dialog)
    add("AddMemberDialog", lambda: members("add"))
    add("ReplaceMemberDialog", lambda: members("replace"))
    add("EndMembershipDialog", lambda: members("end"))
    # 联系卡
    from ui.cards.design import DesignDialog, design_start
    from ui.cards.preview import PreviewDialog

    def design() -> Any:
        from app.services import cards
        with db.session() as s:
            target = cards.card_targets(s)[0]  # type: ignore[attr-defined]
        return DesignDialog(db, target, design_start(db, target.team_id, target.community_id))

    def preview() -> Any:
        from PySide6.QtGui import QPageSize, QPainter, QPdfWriter
        pdf = Path(os.environ["FIT_PROBE_TMP"]) / "卡片.pdf"
        writer = QPdfWriter(str(pdf))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        painter = QPainter(writer)
        painter.drawText(100, 100, "联系卡")
        painter.end()
        return PreviewDialog(pdf, "联系卡预览", ["提示一", "提示二"], on_print=lambda: None,
                             on_save=lambda: None)
    add("DesignDialog", design)
    add("PreviewDialog", preview)
    # 日志与台账
    from ui.ledgers.problems import CommitteeDialog, RaiseProblemDialog, ReopenDialog, StepDialog
    from ui.ledgers.receptions import ReceptionDialog
    from ui.ledgers.sessions import SessionDialog
    from ui.ledgers.visits import VisitDialog
    add("SessionDialog", lambda: SessionDialog(ctx, teams))
    add("VisitDialog", lambda: VisitDialog(ctx, teams))
    add("ReceptionDialog", lambda: ReceptionDialog(ctx, teams))
    add("RaiseProblemDialog", lambda: RaiseProblemDialog(ctx, teams))
    add("StepDialog", lambda: StepDialog(ctx, first_problem()))
    add("CommitteeDialog", lambda: CommitteeDialog(ctx, first_problem()))
    add("ReopenDialog", lambda: ReopenDialog(ctx, first_problem()))
    # 会议与签到
    from ui.meetings.editor import ActionDialog, MeetingEditor
    from ui.meetings.editor import AmendDialog as MeetingAmendDialog
    from ui.meetings.sign_in import SignInCorrectionDialog, WalkInDialog
    from ui.widgets.signature_pad import SignatureDialog

    def editor() -> Any:
        return MeetingEditor(ctx, teams, meeting_data.meeting_list(db)[0].id)
    add("MeetingEditor(new)", lambda: MeetingEditor(ctx, teams, None))
    add("MeetingEditor", editor)
    add("meetings.AmendDialog", lambda: MeetingAmendDialog(
        "更正会议决定", "原来的决定\n第二行", None, lambda *a: None, ctx))
    add("ActionDialog", lambda: ActionDialog(ctx, meeting_detail()))
    add("WalkInDialog", lambda: WalkInDialog(ctx, meeting_detail()))

    def correction() -> Any:
        d = meeting_detail()
        return SignInCorrectionDialog(ctx, d, d.attendees[0])
    add("SignInCorrectionDialog", correction)
    add("SignatureDialog", lambda: SignatureDialog("陈小红"))
    # 抽查督查
    from ui.checks.common import AmendDialog, FindingDialog
    from ui.checks.findings import RecheckDialog, RespondDialog
    from ui.checks.ledger import CheckDialog, DrawDialog, MonthDialog
    from ui.checks.patrols import NewPatrolDialog, PatrolDialog
    from ui.checks.supervision import SupervisionDialog
    add("MonthDialog", lambda: MonthDialog(today))
    add("DrawDialog", lambda: DrawDialog(ctx, {}))
    add("CheckDialog", lambda: CheckDialog(ctx, checks_data.check_rows(db)[0].id))
    add("NewPatrolDialog", lambda: NewPatrolDialog(ctx, teams))
    add("PatrolDialog", lambda: PatrolDialog(ctx, checks_data.patrol_rows(db)[0].id))
    add("SupervisionDialog(new)", lambda: SupervisionDialog(ctx, None))
    add("SupervisionDialog", lambda: SupervisionDialog(
        ctx, checks_data.supervision_rows(db)[0].id))
    add("FindingDialog", lambda: FindingDialog(
        ctx, FindingSource.PATROL, {"patrol_id": checks_data.patrol_rows(db)[0].id},
        [(t.id, t.name) for t in teams], today, "下乡巡查"))

    def finding_line() -> Any:
        return checks_data.finding_detail(db, first_finding().id).line
    add("checks.AmendDialog", lambda: AmendDialog(ctx, finding_line()))
    add("RespondDialog", lambda: RespondDialog(ctx, first_finding()))
    add("RecheckDialog", lambda: RecheckDialog(ctx, first_finding()))
    # 上报与通报
    from ui.submissions.bulletin import IssueDialog, RecordsDialog
    from ui.submissions.funding import (DecisionDialog, DisburseDialog, FundsDialog,
                                        ProgressDialog, ProjectDialog)
    from ui.submissions.monthly import RecordReceivedDialog

    def records() -> Any:
        last = date(today.year, today.month, 1)
        year, month = (last.year, last.month - 1) if last.month > 1 else (last.year - 1, 12)
        with db.session() as s:
            b = bulletin_service.bulletin(s, year, month)
            team = max(b.teams, key=lambda t: t.problems_raised)
            lines = bulletin_service.records_behind(s, year, month, team.team_id,
                                                    "problems_raised", today=b.as_of)
        return RecordsDialog(f"{team.team} {year} 年 {month} 月 · 收集问题", "12", lines)
    add("IssueDialog", lambda: IssueDialog(today.year, today.month))
    add("RecordsDialog", records)
    add("ProjectDialog", lambda: ProjectDialog(ctx, teams, None))
    add("DecisionDialog", lambda: DecisionDialog(ctx, project_row()))
    add("DisburseDialog", lambda: DisburseDialog(ctx, project_row()))
    add("ProgressDialog", lambda: ProgressDialog(ctx, project_row()))
    add("FundsDialog", lambda: FundsDialog(ctx, today.year, Decimal("100000")))
    add("RecordReceivedDialog", lambda: RecordReceivedDialog(
        ctx, [(t.name, t.id) for t in teams], today.year, today.month, teams[0].id))
    # 花名册
    from ui.roster.mapping_dialog import ColumnMappingDialog
    from ui.roster.preview_dialog import ImportPreviewDialog

    def roster(kind: str) -> Any:
        import app.roster as roster_service
        from app.roster.mapping import scan_layout
        path = Path(os.environ["FIT_PROBE_TMP"]) / "名册.xlsx"
        if not path.exists():
            with db.session() as s:
                roster_service.export_roster(s, path)
        if kind == "mapping":
            return ColumnMappingDialog(scan_layout(path), None, path.name)
        with db.new_session() as s:
            return ImportPreviewDialog(roster_service.preview_import(s, path), path.name,
                                       source=path)
    add("ColumnMappingDialog", lambda: roster("mapping"))
    add("ImportPreviewDialog", lambda: roster("preview"))
    from ui.help import HelpDialog

    add("HelpDialog", lambda: HelpDialog("联系卡"))
    return out


def main(db_path: str) -> int:
    from app.auth import Actor
    from app.db import open_database
    from ui.app import make_application

    factor = float(os.environ.get("QT_SCALE_FACTOR", "1") or 1)
    app = make_application()
    from ui import tasks
    from ui.context import AppContext
    from ui.main_window import AREAS, MainWindow

    db = open_database(db_path).act_as(Actor.program())
    ctx = AppContext(db)
    window = MainWindow(ctx)
    window.show()
    for _ in range(50):
        app.processEvents()
        tasks.wait_all()
        if window.dashboard is not None and window.dashboard.loaded:
            break
    app.processEvents()
    worst = None
    for area in AREAS:
        window.show_area(area)
        for _ in range(5):
            app.processEvents()
        tasks.wait_all()
        app.processEvents()
        line = measure(f"MainWindow[{area}]", window, factor)
        window.show()
        print(json.dumps(line, ensure_ascii=False), flush=True)
        if worst is None or line["min"][1] > worst["min"][1]:
            worst = line
    window.show_area(AREAS[0])
    only = set(sys.argv[2:])
    for name, make in build_dialogs(db, ctx):
        if only and name not in only:
            continue
        try:
            dialog = make()
            line = measure(name, dialog, factor)
            dialog.deleteLater()
        except Exception as exc:  # noqa: BLE001 - reported, the test fails on it
            line = {"name": name, "error": f"{type(exc).__name__}: {exc}",
                    "trace": traceback.format_exc(limit=3)}
        print(json.dumps(line, ensure_ascii=False), flush=True)
        app.processEvents()
    tasks.wait_all()
    window.close()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
