"""Meetings through the services: the expected list from the roster, sign-in statuses and the
figures counted from them, action items landing in the problem ledger, 定稿 locking the record,
amendments keeping the original, the weekly carry-over, and bad images refused.

The town is tests/ui_support.seed_town: 石岗村驻点团队 with leader 李建国, liaison 陈小红 and
member 黄志强, all from 2024-01-01; 新围社区 is served by no team.
"""

from __future__ import annotations

import io
from datetime import date, time

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select, text

from app.auth import Actor
from app.db import Database
from app.errors import DomainError, PermissionDenied, ValidationError
from app.models import (Attendance, AuditEntry, HandlingLevel, MeetingKind, PersonCategory,
                        Problem, ProblemSource, ProblemStatus, Role)
from app.services import meetings, people, problems, teams
from app.services.meetings import ActionInput, AgendaInput, MeetingInput, SignIn, WalkIn
from tests.databases import open_test_database
from tests.test_services_problems import actor
from tests.ui_support import seed_town

DAY = date(2026, 11, 16)


def png(ink: bool = True, size: tuple[int, int] = (300, 100)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(image).line((10, 80, 120, 20, 250, 70), fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def weekly(town: dict[str, int], on: date = DAY, **kw) -> MeetingInput:
    return MeetingInput(MeetingKind.WEEKLY, on, time(14), time(15), [town["team"]],
                        agenda=kw.pop("agenda", ["本周走访安排"]), **kw)


def new_meeting(db: Database, town: dict[str, int], **kw) -> int:
    with db.session() as s:
        return meetings.create_meeting(s, weekly(town, **kw)).id


def by_name(meeting) -> dict:  # type: ignore[no-untyped-def]
    return {a.name: a for a in meeting.attendees}


def sign_everyone(db: Database, meeting_id: int) -> None:
    with db.session() as s:
        people_ = by_name(meetings.get_meeting(s, meeting_id))
        meetings.sign_in(s, people_["李建国"].id, SignIn(Attendance.PRESENT, signature_png=png()))
        meetings.sign_in(s, people_["陈小红"].id, SignIn(Attendance.LATE, arrived_at=time(14, 12)))
        meetings.sign_in(s, people_["黄志强"].id, SignIn(Attendance.LEAVE, leave_reason="下村调解纠纷"))


def test_expected_attendees_come_from_the_roster_in_force_on_the_day(db: Database) -> None:
    town = seed_town(db)
    with db.session() as s:
        newcomer = people.create_person(s, people.PersonInput(
            "吴新", category=PersonCategory.TOWN_CADRE)).id
        teams.add_member(s, town["team"], newcomer, teams.MemberRole.CORE, date(2026, 12, 1))
    meeting_id = new_meeting(db, town)
    with db.session() as s:
        meeting = meetings.get_meeting(s, meeting_id)
        names = [a.name for a in meeting.attendees]
        assert names == ["李建国", "黄志强", "陈小红"]   # leader first; 吴新 joins only in December
        assert all(a.expected and a.status is None for a in meeting.attendees)
        assert meeting.title == "石岗村驻点团队周会（2026年11月16日）"
        assert meeting.place == "村委会二楼"   # the team's station place by default
        later = meetings.create_meeting(s, weekly(town, date(2026, 12, 7)))
        assert "吴新" in [a.name for a in later.attendees]


def test_sign_in_statuses_and_the_figures_counted_from_them(db: Database, db_path) -> None:
    town = seed_town(db)
    meeting_id = new_meeting(db, town)
    sign_everyone(db, meeting_id)
    with db.session() as s:
        meetings.add_walk_in(s, meeting_id, WalkIn("刘大爷", "石岗村村民"))
        meetings.add_walk_in(s, meeting_id, WalkIn("钟科长", "镇城建办", "科长"))
        walk_ins = [a for a in meetings.get_meeting(s, meeting_id).attendees if not a.expected]
        meetings.sign_in(s, walk_ins[0].id, SignIn(Attendance.PRESENT))
    db.close()
    with open_test_database(db_path, Actor.program()) as again, again.session() as s:
        meeting = meetings.get_meeting(s, meeting_id)
        figures = meetings.figures(meeting.attendees)
        assert (figures.expected, figures.present, figures.late, figures.on_leave, figures.absent,
                figures.not_signed, figures.walk_ins) == (3, 1, 1, 1, 0, 0, 1)
        assert figures.attended == 2 and figures.rate == 66.7
        people_ = by_name(meeting)
        assert people_["陈小红"].arrived_at == time(14, 12)
        assert people_["黄志强"].leave_reason == "下村调解纠纷"
        signature = people_["李建国"].signature_png
        assert signature and Image.open(io.BytesIO(signature)).getchannel("A").getbbox()
        assert people_["钟科长"].unit == "镇城建办" and people_["钟科长"].status is None


@pytest.mark.parametrize(("sign", "field"), [
    (SignIn(Attendance.LATE), "arrived_at"),
    (SignIn(Attendance.LATE, arrived_at=time(13, 55)), "arrived_at"),
    (SignIn(Attendance.LEAVE), "leave_reason"),
    (SignIn(Attendance.ABSENT, signature_png=png()), "signature"),
    (SignIn(Attendance.PRESENT, signature_png=png(ink=False)), "signature"),
    (SignIn(Attendance.PRESENT, signature_png=b"GIF89a" + b"\0" * 100), "signature"),
])
def test_sign_in_refuses_what_does_not_add_up(db: Database, sign: SignIn, field: str) -> None:
    town = seed_town(db)
    meeting_id = new_meeting(db, town)
    with db.session() as s:
        attendee = by_name(meetings.get_meeting(s, meeting_id))["李建国"]
        with pytest.raises(ValidationError) as err:
            meetings.sign_in(s, attendee.id, sign)
    assert field in (err.value.problems or {err.value.field: ""}) or err.value.field == field
    with db.session() as s:
        assert by_name(meetings.get_meeting(s, meeting_id))["李建国"].status is None


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "JPEG")
    return out.getvalue()


def test_scanned_sheets_are_checked_and_kept_re_encoded(db: Database) -> None:
    town = seed_town(db)
    meeting_id = new_meeting(db, town)
    original = _jpeg((3000, 4000))
    with db.session() as s:
        scan = meetings.attach_scan(s, meeting_id, original, "签到表.jpg")
        assert scan.original == original and scan.mime == "image/jpeg"
        assert max(scan.width, scan.height) == 2480
        for data, name, words in ((b"%PDF-1.4 not an image", "签到表.pdf", "不是 JPEG 或 PNG"),
                                  (original[:2000], "半截.jpg", "已损坏"),
                                  (original, "again.jpg", "已经添加过")):
            with pytest.raises(ValidationError, match=words):
                meetings.attach_scan(s, meeting_id, data, name)


def test_a_huge_image_is_refused_before_decoding(db: Database) -> None:
    town = seed_town(db)
    meeting_id = new_meeting(db, town)
    out = io.BytesIO()
    Image.new("1", (12_000, 100)).save(out, "PNG")   # tiny file, too many pixels on one side
    with db.session() as s, pytest.raises(ValidationError, match="像素"):
        meetings.attach_scan(s, meeting_id, out.getvalue(), "bomb.png")


def test_action_items_land_in_the_problem_ledger(db: Database) -> None:
    town = seed_town(db)
    with db.session() as s:
        existing = problems.raise_problem(s, problems.ProblemInput(
            community_id=town["shigang"], reported_on=date(2026, 11, 2), category="基础设施",
            description="村道积水", team_id=town["team"], level=HandlingLevel.REFERRED,
            reporter_name="村民张伯")).id
    meeting_id = new_meeting(db, town)
    with db.session() as s:
        new = meetings.add_action(s, meeting_id, ActionInput(
            "修复村口路灯", date(2026, 11, 30), owner_id=town["wong"]))
        updated = meetings.add_action(s, meeting_id, ActionInput(
            "协调城建办疏通排水渠", date(2026, 12, 5), owner_id=town["lee"], problem_id=existing))
        new_problem, updated_problem = new.problem_id, updated.problem_id
    with db.session() as s:
        raised = s.get(Problem, new_problem)
        assert (raised.source, raised.description, raised.leader_id, raised.deadline,
                raised.community_id, raised.team_id) == (
            ProblemSource.MEETING, "修复村口路灯", town["wong"], date(2026, 11, 30),
            town["shigang"], town["team"])
        assert raised.number == "石岗村-2026-002"
        old = s.get(Problem, updated_problem)
        assert old.id == existing and old.leader_id == town["lee"]
        assert old.deadline == date(2026, 12, 5) and old.status == ProblemStatus.REGISTERED
        assert "协调城建办疏通排水渠" in old.steps[-1].note and "周会" in old.steps[-1].note
        problems.advance(s, existing, ProblemStatus.IN_PROGRESS, date(2026, 11, 20))
        problems.advance(s, existing, ProblemStatus.DONE, date(2026, 11, 21), result="已处理完毕")
        with pytest.raises(DomainError, match="重新办理"):
            meetings.add_action(s, meeting_id, ActionInput(
                "再催办", date(2026, 12, 9), problem_id=existing))
        with pytest.raises(ValidationError, match="不能早于会议日期"):
            meetings.add_action(s, meeting_id, ActionInput("补记", date(2026, 11, 1)))


def test_finalising_locks_the_record_and_corrections_are_amendments(db: Database,
                                                                    db_path) -> None:
    town = seed_town(db)
    meeting_id = new_meeting(db, town)
    with db.session() as s:
        item = meetings.get_meeting(s, meeting_id).agenda[0]
        meetings.save_minutes(s, meeting_id, [AgendaInput(item.title, "分三组入户", "周三前完成",
                                                          id=item.id)], "按计划走访")
    with db.session() as s, pytest.raises(DomainError, match="没有登记签到"):
        meetings.finalise(s, meeting_id)
    sign_everyone(db, meeting_id)
    with db.session() as s:   # 陈小红 came late and did not sign: named, a reason is required
        assert meetings.finalise_check(s, meeting_id) == ["陈小红"]
        for reason in ("", "  "):
            with pytest.raises(ValidationError, match="1 位出席（迟到）的人没有签名：陈小红") as err:
                meetings.finalise(s, meeting_id, unsigned_reason=reason)
            assert err.value.field == "unsigned_reason"
        assert not meetings.get_meeting(s, meeting_id).final
    with db.session() as s:
        meetings.finalise(s, meeting_id, unsigned_reason="签字板故障，会后补签纸质表")
    with db.session() as s:
        assert meetings.get_meeting(s, meeting_id).unsigned_reason == \
            "陈小红未签名：签字板故障，会后补签纸质表"
        with pytest.raises(DomainError, match="重复定稿"):
            meetings.finalise_check(s, meeting_id)
    with db.session() as s:
        item_id = meetings.get_meeting(s, meeting_id).agenda[0].id
        with pytest.raises(DomainError, match="定稿，不能再修改会议记录"):
            meetings.save_minutes(s, meeting_id, [AgendaInput("改", id=item_id)], "改")
        with pytest.raises(ValidationError, match="更正原因"):
            meetings.add_walk_in(s, meeting_id, WalkIn("后来者"))
    # Whoever writes to a finalised record through the ORM is refused too.
    with pytest.raises(DomainError, match="已定稿"), db.session() as s:
        meetings.get_meeting(s, meeting_id).decisions = "悄悄改写"
        s.flush()
    with db.session() as s:
        people_ = by_name(meetings.get_meeting(s, meeting_id))
        with pytest.raises(ValidationError, match="更正原因"):
            meetings.sign_in(s, people_["黄志强"].id, SignIn(Attendance.ABSENT))
        meetings.amend_agenda(s, item_id, "discussion", "分三组入户，重点走访孤寡老人",
                              "漏记了重点对象")
        meetings.sign_in(s, people_["黄志强"].id, SignIn(Attendance.ABSENT), reason="核实未请假")
    db.close()
    with open_test_database(db_path, Actor.program()) as again, again.session() as s:
        meeting = meetings.get_meeting(s, meeting_id)
        assert meeting.final and meeting.finalised_by_name
        assert meeting.agenda[0].discussion == "分三组入户，重点走访孤寡老人"
        first, second = meeting.amendments
        assert (first.before, first.after, first.reason) == (
            "分三组入户", "分三组入户，重点走访孤寡老人", "漏记了重点对象")
        assert meetings.original_text(meeting, first.what, meeting.agenda[0].discussion) == "分三组入户"
        assert second.before.startswith("请假（下村调解纠纷）") and second.after == "缺席"
        assert meetings.figures(meeting.attendees).absent == 1
        actions = [e.action for e in s.scalars(select(AuditEntry).where(
            AuditEntry.entity == "meeting"))]
        assert "finalise" in actions and actions.count("amend") == 2


def test_the_weekly_minutes_start_from_last_weeks_open_items(db: Database) -> None:
    town = seed_town(db)
    first = new_meeting(db, town)
    with db.session() as s:
        meetings.add_action(s, first, ActionInput("修复村口路灯", date(2026, 11, 18),
                                                  owner_id=town["wong"]))
        problems.raise_problem(s, problems.ProblemInput(
            community_id=town["shigang"], reported_on=date(2026, 11, 3), category="基础设施",
            description="桥梁加固需党委会研究", team_id=town["team"], reporter_name="村委会",
            level=HandlingLevel.PARTY_COMMITTEE, situation="桥面开裂", solution="加固",
            budget="80000", subsidy="50000", expected_completion=date(2027, 3, 1)))
    with db.session() as s:
        second = meetings.create_meeting(s, weekly(town, date(2026, 11, 23)))
        carry = second.agenda[0]
        assert carry.title == "上周事项跟进"
        assert "修复村口路灯（黄志强，11月18日前；石岗村-2026-001 登记，已超期）" in carry.discussion
        assert "桥梁加固需党委会研究" in carry.discussion and "提请党委会" in carry.discussion
        assert second.agenda[1].title == "本周走访安排"
        plain = meetings.create_meeting(s, weekly(town, date(2026, 11, 30), carry_over=False))
        assert [a.title for a in plain.agenda] == ["本周走访安排"]


def test_who_may_keep_and_read_meetings(db: Database) -> None:
    town = seed_town(db)
    with db.session() as s:
        lead = people.create_person(s, people.PersonInput(
            "何立", category=PersonCategory.TOWN_LEADER)).id
        other = teams.create_team(s, teams.TeamInput(
            "新围社区驻点团队", [town["xinwei"]], 2, time(15), time(18, 30), "社区办"), lead,
            date(2024, 1, 1)).team.id
    meeting_id = new_meeting(db, town)
    db.act_as(actor(Role.LIAISON, other))
    with db.session() as s:
        with pytest.raises(PermissionDenied):
            meetings.get_meeting(s, meeting_id)
        assert meetings.meeting_rows(s) == []
        with pytest.raises(PermissionDenied):
            meetings.create_meeting(s, weekly(town))
        with pytest.raises(PermissionDenied):
            meetings.create_meeting(s, MeetingInput(MeetingKind.MONTHLY, DAY, time(9), time(11),
                                                    [other]))
    db.act_as(actor(Role.LIAISON, town["team"]))
    with db.session() as s:
        assert [r.id for r in meetings.meeting_rows(s)] == [meeting_id]
    db.act_as(actor(Role.ORG_OFFICE))
    with db.session() as s:
        monthly = meetings.create_meeting(s, MeetingInput(
            MeetingKind.MONTHLY, DAY, time(9), time(11), [town["team"], other]))
        # The monthly meeting expects the team heads and the town liaisons, not every member.
        assert sorted(a.name for a in monthly.attendees) == ["何立", "李建国", "陈小红"]
        with pytest.raises(PermissionDenied):
            meetings.create_meeting(s, weekly(town))


def test_compliance_marks_missed_weeks_and_months(db: Database) -> None:
    from app.services.meeting_compliance import attendance_rates, compliance

    town = seed_town(db)
    for day in (date(2026, 10, 5), date(2026, 10, 19), date(2026, 10, 26)):
        new_meeting(db, town, on=day, carry_over=False)
    with db.session() as s:
        meetings.create_meeting(s, MeetingInput(MeetingKind.MONTHLY, date(2026, 10, 30), time(9),
                                                time(11), [town["team"]]))
        (team,) = compliance(s, 2026, today=date(2026, 11, 4))
    weeks = {w.start: w for w in team.weeks}
    assert weeks[date(2026, 10, 5)].held and not weeks[date(2026, 10, 5)].missed
    assert weeks[date(2026, 10, 12)].missed                  # no weekly meeting that week
    assert weeks[date(2026, 11, 2)].due is False             # still running on 11-04
    assert not weeks[date(2026, 11, 9)].missed               # not yet due
    months = {m.start.month: m for m in team.months}
    assert months[10].held and months[9].missed and not months[11].due
    # 2026-01-01 is a Thursday: ISO week 1 starts 2025-12-29; 44 weeks ended by 11-04 (week
    # 45 runs), three of them held.
    assert team.weeks_missed == 44 - 3
    with db.session() as s:
        rates = {r.name: r for r in attendance_rates(s, date(2026, 10, 1), date(2026, 10, 31))}
    # Nobody signed in at any of the four past meetings: expected 4 (leader and liaison are at
    # the monthly one too), none attended.
    assert rates["李建国"].expected == 4 and rates["李建国"].rate == 0.0
    assert rates["黄志强"].expected == 3


def test_a_draft_can_drop_people_not_signed_in_but_not_signed_ones(db: Database) -> None:
    town = seed_town(db)
    meeting_id = new_meeting(db, town)
    sign_everyone(db, meeting_id)
    with db.session() as s:
        walk_in = meetings.add_walk_in(s, meeting_id, WalkIn("误加的人"))
        meetings.remove_attendee(s, walk_in.id)
        signed = by_name(meetings.get_meeting(s, meeting_id))["李建国"]
        with pytest.raises(DomainError, match="已签到"):
            meetings.remove_attendee(s, signed.id)
    with db.session() as s:
        assert "误加的人" not in by_name(meetings.get_meeting(s, meeting_id))
        count = s.execute(text("select count(*) from meeting_attendee")).scalar()
    assert count == 3


def test_everyone_present_then_the_exceptions(db: Database) -> None:
    town = seed_town(db)
    meeting_id = new_meeting(db, town)
    with db.session() as s:
        people_ = by_name(meetings.get_meeting(s, meeting_id))
        meetings.sign_in(s, people_["黄志强"].id, SignIn(Attendance.LEAVE, leave_reason="下村"))
        assert sorted(meetings.mark_all_present(s, meeting_id)) == sorted(["李建国", "陈小红"])
        meetings.sign_in(s, people_["陈小红"].id, SignIn(Attendance.LATE, arrived_at=time(14, 12)))
    with db.session() as s:
        rows = by_name(meetings.get_meeting(s, meeting_id))
        assert [rows[n].status for n in ("李建国", "陈小红", "黄志强")] == [
            Attendance.PRESENT, Attendance.LATE, Attendance.LEAVE]
        assert rows["黄志强"].leave_reason == "下村"
        with pytest.raises(DomainError, match="都已登记"):
            meetings.mark_all_present(s, meeting_id)
