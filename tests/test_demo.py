"""The demo town: built once per module into a fresh file, then checked after reopening it."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app import cli
from app import demo as demo_module
from app.db import Database, sqlite_files
from app.demo import DemoContext, build_demo
from app.demo.ledgers import LAST_DAY
from app.errors import DomainError, ValidationError
from app.images import check_signature
from app.models import (ActionItem, Attendance, Attendee, Community, CommunityKind, Gender, Grid,
                        Household, HouseholdKind, HouseholdTag, Meeting, MeetingAmendment,
                        MeetingKind, MemberRole, Membership, Person, Problem, ProblemSource)
from app.normalize import normalize_phone, normalize_resident_id
from app.services import communities, households, meetings, teams
from app.services.meeting_compliance import compliance
from tests.databases import db_target, open_test_database

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-\d{7,8}$")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with open_test_database(path) as db:
        build_demo(db, "small", seed=11)
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Database]:
    with open_test_database(demo_path) as db:
        yield db


def count(db: Database, model: type) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_small_town_has_the_promised_size(demo: Database) -> None:
    assert count(demo, Community) == 12
    assert count(demo, Household) == 5000
    with demo.session() as s:
        assert len(teams.list_teams(s)) == 8
        kinds = Counter(c.kind for c in communities.list_communities(s))
        grids = Counter(s.scalars(select(Grid.community_id)))
    assert kinds[CommunityKind.VILLAGE] and kinds[CommunityKind.COMMUNITY]
    assert 1 <= kinds[CommunityKind.COOPERATIVE] <= 2
    assert all(3 <= n <= 8 for n in grids.values()) and len(grids) == 12


def test_every_team_follows_the_station_rules(demo: Database) -> None:
    with demo.session() as s:
        for team in teams.list_teams(s):
            view = teams.overview(s, team.id)
            assert len(team.current(MemberRole.LEADER)) == 1
            assert len(team.current(MemberRole.TOWN_LIAISON)) == 1
            assert len([m for m in team.current() if m.role.in_station_team]) <= 10
            assert 4 <= len(view.support) + len(view.community_liaisons) <= 8
            assert len(view.community_liaisons) == len(view.communities)
            assert 1 <= len(teams.leader_communities(s, view.leader.person_id)) <= 2
            assert not any("规定为" in w for w in view.warnings)


def test_phones_and_resident_ids_are_stored_normalised(demo: Database) -> None:
    with demo.session() as s:
        rows = s.execute(select(Person.mobile, Person.landline, Person.resident_id)).all()
        rows += s.execute(select(Household.mobile, Household.landline,
                                 Household.head_resident_id)).all()
    mobiles = [m for m, _, _ in rows if m]
    landlines = [line for _, line, _ in rows if line]
    ids = [i for _, _, i in rows if i]
    assert all(MOBILE.match(m) and normalize_phone(m) == m for m in mobiles)
    assert all(LANDLINE.match(x) and normalize_phone(x) == x for x in landlines)
    assert landlines and len(ids) > 1000
    assert all(normalize_resident_id(i) == i for i in ids)
    assert any(not m and not line for m, line, _ in rows)  # some households gave no phone


def test_people_have_genders_and_believable_names(demo: Database) -> None:
    with demo.session() as s:
        people = list(s.scalars(select(Person)))
    lengths = Counter(len(p.name) for p in people)
    assert lengths[2] and lengths[3] and set(lengths) == {2, 3}
    assert {Gender.MALE, Gender.FEMALE} <= {p.gender for p in people}
    assert all(p.unit and p.position for p in people)
    assert any(p.position.startswith("党委书记") for p in people)


def test_some_people_serve_two_teams(demo: Database) -> None:
    with demo.session() as s:
        pairs = s.execute(select(Membership.person_id, Membership.team_id).distinct()
                          .where(Membership.end_date.is_(None))).all()
    teams_per_person = Counter(person for person, _ in pairs)
    assert max(teams_per_person.values()) == 2


def test_replaced_members_leave_a_history(demo: Database) -> None:
    with demo.session() as s:
        successors = list(s.scalars(select(Membership).where(Membership.replaces_id.is_not(None))))
        assert len(successors) >= 4
        for new in successors:
            old = new.replaces
            assert old is not None and old.end_date == new.start_date and old.end_reason
            assert old.role == new.role and old.team_id == new.team_id
        assert {m.role for m in successors} >= {MemberRole.CORE, MemberRole.COMMUNITY_LIAISON}


def test_households_look_like_a_register(demo: Database) -> None:
    with demo.session() as s:
        rows = households.household_rows(s, on=date(2026, 7, 1))
        kinds = Counter(s.scalars(select(Household.kind)))
        sizes = set(s.scalars(select(Household.size)))
    assert len(rows) == 5000 and all(r.grid for r in rows)
    assert kinds[HouseholdKind.RESIDENT] > 4000
    assert kinds[HouseholdKind.SHOP] and kinds[HouseholdKind.UNIT]
    assert sizes <= set(range(1, 8)) and 1 in sizes and 7 in sizes
    assert any(re.search(r"村[一二三四五六七八九十]+巷\d+号$", r.address) for r in rows)
    assert any(re.search(r"社区\w+路\d+号$", r.address) for r in rows)
    assert any(re.search(r"\d+栋\d+房$", r.address) for r in rows)
    tagged = [r for r in rows if r.key_groups]
    assert 0.03 * 5000 < len(tagged) < 0.08 * 5000


def test_key_group_tags_have_history(demo: Database) -> None:
    with demo.session() as s:
        tags = list(s.scalars(select(HouseholdTag)))
        two = s.execute(select(HouseholdTag.household_id).group_by(HouseholdTag.household_id)
                        .having(func.count() > 1)).all()
        groups = {t.key_group.name for t in tags}
        lone_elders = [t.household.size for t in tags if t.key_group.name == "孤寡老人"]
    removed = [t for t in tags if t.removed_on is not None]
    assert len(groups) >= 7 and two
    assert lone_elders and set(lone_elders) == {1}
    assert all(t.added_reason for t in tags)
    assert removed and len(removed) < len(tags) / 4
    assert all(t.removed_on > t.added_on and t.removed_reason for t in removed)


@pytest.mark.sqlite_only
def test_database_passes_the_full_integrity_check(demo_path: Path) -> None:
    assert sqlite_files.check(demo_path, full=True) == []


# --- meetings (issue 6) ------------------------------------------------------------------

def meetings_of(s: Session, kind: MeetingKind | None = None) -> list[Meeting]:
    query = select(Meeting).options(selectinload(Meeting.attendees), selectinload(Meeting.teams),
                                    selectinload(Meeting.agenda), selectinload(Meeting.actions))
    if kind is not None:
        query = query.where(Meeting.kind == kind)
    return list(s.scalars(query.order_by(Meeting.held_on, Meeting.id)))


def test_a_year_of_meetings_of_every_kind(demo: Database) -> None:
    with demo.session() as s:
        kinds = Counter(s.scalars(select(Meeting.kind)))
        days = s.execute(select(func.min(Meeting.held_on), func.max(Meeting.held_on))).one()
        weekly = meetings_of(s, MeetingKind.WEEKLY)
        monthly = meetings_of(s, MeetingKind.MONTHLY)
        team_count = len(teams.list_teams(s))
    # Eight teams over the 52 weeks up to the demo's last ledger day, about 6 % missing.
    assert 0.85 * 8 * 52 < kinds[MeetingKind.WEEKLY] < 0.98 * 8 * 52
    assert kinds[MeetingKind.MONTHLY] == 12
    assert 2 <= kinds[MeetingKind.PARTY_COMMITTEE] <= 4 and kinds[MeetingKind.FORUM] >= 3
    assert date(2025, 11, 1) <= days[0] < date(2025, 11, 8)
    assert LAST_DAY - timedelta(days=7) < days[1] <= LAST_DAY
    # Weekly meetings are the day before the station day (Tuesday), a few on the day itself.
    weekdays = Counter(m.held_on.isoweekday() for m in weekly)
    assert set(weekdays) == {1, 2} and 0.02 * len(weekly) < weekdays[2] < 0.1 * len(weekly)
    assert all(len(m.teams) == 1 for m in weekly)
    assert sum(m.agenda[0].title == "上周事项跟进" for m in weekly) > 0.95 * len(weekly)
    assert all(m.agenda and m.host_id and m.recorder_id for m in weekly if m.final)
    # Every team at the monthly meeting, leaders and town liaisons expected; one month without
    # a team or two.
    sizes = [len(m.teams) for m in monthly]
    assert sorted(sizes)[1:] == [team_count] * 11 and team_count - 2 <= min(sizes) < team_count
    for meeting in monthly:
        posts = Counter(a.post for a in meeting.attendees if a.expected)
        assert posts["组长"] >= len(meeting.teams) - 1 and posts["专职联络员"] >= len(meeting.teams)


def test_missing_weeks_and_months_show_in_compliance(demo: Database) -> None:
    with demo.session() as s:
        # The week of the demo's last day (ISO week 44) ends on Sunday 1 November.
        rows = compliance(s, 2026, today=date(2026, 11, 2))
    due = sum(1 for r in rows for w in r.weeks if w.due)
    missed = sum(r.weeks_missed for r in rows)
    assert len(rows) == 8 and due == 8 * 44
    assert 0.02 * due < missed < 0.12 * due
    assert sum(1 for r in rows if r.weeks_missed) >= 4
    assert 1 <= sum(r.months_missed for r in rows) <= 2
    assert all(m.held for r in rows for m in r.months[:10] if not m.missed)


def test_only_the_last_weeks_minutes_are_drafts(demo: Database) -> None:
    with demo.session() as s:
        meetings = meetings_of(s)
    drafts = [m for m in meetings if not m.final]
    assert drafts and len(drafts) < 0.1 * len(meetings)
    assert all(m.held_on > LAST_DAY - timedelta(days=21) for m in drafts)
    assert all(m.held_on <= m.finalised_at.date() <= LAST_DAY and m.finalised_by_name
               for m in meetings if m.final)


def test_finalised_meetings_have_every_expected_attendee_signed_in(demo: Database) -> None:
    with demo.session() as s:
        final = [m for m in meetings_of(s) if m.final]
        statuses = Counter()
        for meeting in final:
            for a in meeting.attendees:
                if a.expected:
                    assert a.status is not None, f"{meeting.title}：{a.name} 未签到"
                statuses[a.status] += 1
                if a.status == Attendance.LATE:
                    assert a.arrived_at is not None and a.arrived_at > meeting.start_time
                else:
                    assert a.arrived_at is None
                assert bool(a.leave_reason) == (a.status == Attendance.LEAVE)
                if a.status in (Attendance.LEAVE, Attendance.ABSENT):
                    assert a.signature_png is None
            if meetings.unsigned_names(meeting) and not meeting.amendments:
                # 定稿 with people present who did not sign: the reason is on the record
                assert meeting.unsigned_reason.startswith("、".join(
                    meetings.unsigned_names(meeting)) + "未签名："), meeting.title
            figures = meetings.figures(meeting.attendees)
            assert figures.not_signed == 0 and figures.expected == sum(
                1 for a in meeting.attendees if a.expected)
    total = sum(statuses.values())
    assert statuses[Attendance.PRESENT] > 0.8 * total
    assert statuses[Attendance.LATE] and statuses[Attendance.LEAVE] and statuses[Attendance.ABSENT]
    assert statuses[Attendance.ABSENT] < statuses[Attendance.LEAVE]


def test_signatures_are_a_few_small_pngs_reused(demo: Database) -> None:
    with demo.session() as s:
        came = s.execute(select(Attendee.signature_png).join(Meeting).where(
            Meeting.finalised_at.is_not(None),
            Attendee.status.in_([Attendance.PRESENT, Attendance.LATE]))).scalars().all()
    signed = [png for png in came if png is not None]
    assert 0.8 * len(came) < len(signed) < len(came)
    distinct = set(signed)
    assert 10 <= len(distinct) <= 30
    for png in distinct:
        assert len(png) < 4000
        with Image.open(io.BytesIO(png)) as picture:
            assert picture.format == "PNG"
            rgba = picture.convert("RGBA")
        alpha = rgba.getchannel("A")
        assert alpha.getextrema() == (0, 255)              # transparent, with ink on it
        assert check_signature(png) == png                 # what the sign-in would store


def test_action_items_are_problems_in_the_ledger(demo: Database) -> None:
    with demo.session() as s:
        actions = list(s.scalars(select(ActionItem).options(
            selectinload(ActionItem.problem), selectinload(ActionItem.meeting))))
        raised = s.scalar(select(func.count()).select_from(Problem)
                          .where(Problem.source == ProblemSource.MEETING))
        numbers = s.scalars(select(Problem.number)).all()
        for action in actions:
            problem = action.problem
            assert problem.description == action.text and problem.deadline == action.deadline
            assert problem.leader_id == action.owner_id
            assert problem.reported_on == action.meeting.held_on
            assert problem.source == ProblemSource.MEETING and action.created_problem
            assert action.deadline >= action.meeting.held_on
            assert problem.steps and problem.steps[-1].to_status == problem.status
        kinds = Counter(a.meeting.kind for a in actions)
    assert len(actions) == raised and len(actions) > 100
    assert kinds[MeetingKind.WEEKLY] and kinds[MeetingKind.MONTHLY] == 12 and kinds[MeetingKind.FORUM]
    assert len(numbers) == len(set(numbers))


def test_a_few_finalised_meetings_were_amended_and_stay_locked(demo: Database) -> None:
    with demo.session() as s:
        amendments = list(s.scalars(select(MeetingAmendment)))
        assert 2 <= len(amendments) <= 3
        for amendment in amendments:
            meeting = meetings.get_meeting(s, amendment.meeting_id)
            assert meeting.final and amendment.at >= meeting.finalised_at
            assert amendment.reason and amendment.before != amendment.after
            if amendment.what == "会议决定":
                assert meeting.decisions == amendment.after
                assert meetings.original_text(meeting, "会议决定", meeting.decisions) \
                    == amendment.before
        assert {a.what.split(" ")[-1] for a in amendments} >= {"会议决定", "签到"}
        meeting_id = amendments[0].meeting_id
    # Rows written in bulk are locked like any others: a silent rewrite is refused.
    with pytest.raises(DomainError, match="已定稿"):
        with demo.session() as s:
            meetings.get_meeting(s, meeting_id).decisions = "悄悄改写"
            s.flush()


# The steps up to the household register: enough where a test needs a town, not all of it.
ROSTER_STEPS = demo_module.STEPS[:[name for name, _ in demo_module.STEPS].index("households") + 1]


def names_and_addresses(path: Path) -> list[tuple[str, str]]:
    with open_test_database(path) as db, db.session() as s:
        rows = s.execute(select(Household.address, Household.head_name).order_by(Household.id))
        people = s.execute(select(Person.name, Person.mobile).order_by(Person.id))
        held = s.execute(select(Meeting.title, Attendee.name, Attendee.status).join(Attendee)
                         .order_by(Attendee.id))
        return [tuple(r) for r in rows] + [tuple(p) for p in people] + [tuple(m) for m in held]


def test_same_seed_builds_the_same_town(demo_path: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    again, other = tmp_path / "again.db", tmp_path / "other.db"
    with open_test_database(again) as db:
        build_demo(db, "small", seed=11)
    assert names_and_addresses(again) == names_and_addresses(demo_path)
    # another seed: other names and addresses already in the roster steps (the whole town
    # takes ~20 s to build; those steps are enough to tell)
    monkeypatch.setattr(demo_module, "STEPS", ROSTER_STEPS)
    with open_test_database(other) as db:
        build_demo(db, "small", seed=12)
    with open_test_database(other) as db:
        households = count(db, Household)
    assert households == 5000
    assert names_and_addresses(other)[:households] != names_and_addresses(demo_path)[:households]


def test_refuses_a_database_that_holds_records(db: Database) -> None:
    with db.session() as s:
        place = communities.ensure_community(s, "石岗村")
        households.create_household(s, households.HouseholdInput(place.id, "石岗村一巷1号", "陈大文"))
    with pytest.raises(DomainError, match="demo 只写入新的空数据库.*已有数据"):
        build_demo(db, "small")
    assert count(db, Household) == 1 and count(db, Community) == 1


def test_a_failing_step_leaves_the_database_empty(db: Database,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_ctx: DemoContext) -> None:
        raise DomainError("模拟失败")

    # after the roster is written (a failure at the very end rolls back the same way)
    monkeypatch.setattr(demo_module, "STEPS", [*ROSTER_STEPS, ("broken", broken)])
    with pytest.raises(DomainError, match="模拟失败"):
        build_demo(db, "small")
    assert count(db, Household) == count(db, Person) == count(db, Community) == 0


def test_unknown_size_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError, match="small、large"):
        build_demo(db, "huge")


def test_command_prints_counts_and_refuses_a_second_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_module, "STEPS", ROSTER_STEPS)   # the command's plumbing only
    path = tmp_path / "cli.db"
    assert cli.main(["demo", "--db", db_target(path), "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "住户 5000 户" in out and "驻点团队 8 个" in out and "用时" in out
    assert cli.main(["demo", "--db", db_target(path)]) == 1
    assert "demo 只写入新的空数据库" in capsys.readouterr().err
