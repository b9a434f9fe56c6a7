"""Teams, people and memberships from the roster, written through the services.

Each row runs in its own savepoint, so a row the services refuse (an eleventh station member, a
second leader) is reported and undone alone; the rules are exactly those of the window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import DomainError, ValidationError
from app.models import Community, MemberRole, Person, Team
from app.roster.problems import ImportPreview
from app.roster.validate import MemberRecord, Problems, TeamRecord, split_names
from app.services import communities, people, teams

T = TypeVar("T")
# Service field names -> roster fields, so a refused value is reported at its own column.
_PERSON_FIELDS = {"name": "name", "phones": "mobile", "landline": "landline",
                  "resident_id": "resident_id", "unit": "unit", "position": "position",
                  "note": "note"}
_TEAM_FIELDS = {"name": "team", "communities": "communities", "station_weekday": "weekday",
                "station_end": "hours", "station_place": "place", "hotline": "hotline",
                "note": "note"}


class MemberWriter:
    def __init__(self, session: Session, problems: Problems, preview: ImportPreview,
                 today: date) -> None:
        self.s, self.problems, self.preview, self.today = session, problems, preview, today
        self.by_rid: dict[str, int] = {}
        self.by_key: dict[tuple[str, str], int] = {}
        self.names: dict[int, str] = {}
        for pid, name, mobile, rid in session.execute(
                select(Person.id, Person.name, Person.mobile, Person.resident_id)):
            if rid:
                self.by_rid[rid] = pid
            self.by_key.setdefault((name, mobile), pid)
            self.names[pid] = name
        self.created: set[int] = set()
        self.pending: list[Person] = []
        self.counted: set[int] = set()
        self.known_communities = set(session.scalars(select(Community.name)))

    # -- savepoints ---------------------------------------------------------------------------
    def attempt(self, action: Callable[[], T], on_error: Callable[[DomainError], None]) -> T | None:
        savepoint = self.s.begin_nested()
        self.pending = []
        try:
            result = action()
        except DomainError as exc:
            savepoint.rollback()
            on_error(exc)
            return None
        savepoint.commit()
        for person in self.pending:  # only people whose row went in are known from now on
            self._remember(person)
        return result

    def report(self, record: MemberRecord | TeamRecord, field_map: dict[str, str], default: str
               ) -> Callable[[DomainError], None]:
        def on_error(exc: DomainError) -> None:
            if isinstance(exc, ValidationError) and exc.problems:
                for key, message in exc.problems.items():
                    self.problems.add(record.sheet, record.row, field_map.get(key, default), message)
            else:
                self.problems.add(record.sheet, record.row, default, exc.message)
        return on_error

    # -- teams --------------------------------------------------------------------------------
    def write_team(self, name: str, spec: TeamRecord | None, rows: list[MemberRecord]) -> None:
        team = teams.find_team(self.s, name)
        if team is not None:
            self.preview.teams_existing += 1
        else:
            team = self._create_team(name, spec, rows)
            if team is None:
                return
        for record in rows:
            if not self.problems.is_bad(record.sheet, record.row):
                self._write_member(team, record)

    def _create_team(self, name: str, spec: TeamRecord | None, rows: list[MemberRecord]
                     ) -> Team | None:
        leader = next((r for r in rows if r.role == MemberRole.LEADER
                       and not self.problems.is_bad(r.sheet, r.row)), None)
        if leader is None:
            self._team_failed(spec, rows, f"新团队“{name}”在名册中没有责任人（每个团队须有一名责任人）")
            return None
        names = spec.communities if spec else list(dict.fromkeys(
            n for r in rows for n in split_names(r.community)))
        first = spec or leader
        if not names:
            self._no_communities(name, leader, rows)
            return None

        def create() -> Team:
            ids = [self._community(n).id for n in names]
            data = teams.default_input(self.s, name, ids)
            if spec is not None:
                data.station_weekday = spec.weekday or data.station_weekday
                data.station_start = spec.start or data.station_start
                data.station_end = spec.end or data.station_end
                data.station_place, data.hotline = spec.place, spec.hotline or data.hotline
                data.note = spec.note
            person_id = self._person(leader)
            saved = teams.create_team(self.s, data, person_id, self.today,
                                      leader_title=leader.title or "组长")
            return saved.team

        team = self.attempt(create, self.report(first, _TEAM_FIELDS if spec else {}, "team"))
        if team is None:
            self._team_failed(None, rows, f"团队“{name}”未能建立，本行未导入")
            return None
        self.preview.teams_new += 1
        self.preview.memberships_new += 1
        self._count_person(self._match(leader))
        rows.remove(leader)
        return team

    def _no_communities(self, name: str, leader: MemberRecord, rows: list[MemberRecord]) -> None:
        """Said once for the team, at its leader's row, not once a row."""
        sheet = leader.sheet
        if "community" in sheet.header.columns:
            where = "请在“驻点村（社区）”列填写"
        else:
            where = f"工作表没有“驻点村（社区）”列（未能识别的列：{sheet.unplaced_text()}），请指定哪一列是它"
        self.problems.add(sheet, leader.row, "community",
                          f"新团队“{name}”没有驻点村（社区），这个团队的 {len(rows)} 行都没有导入：{where}")
        for record in rows:
            self.problems.mark_bad(record.sheet, record.row)

    def _team_failed(self, spec: TeamRecord | None, rows: list[MemberRecord], reason: str) -> None:
        if spec is not None:
            self.problems.add(spec.sheet, spec.row, "team", reason)
        for record in rows:
            if not self.problems.is_bad(record.sheet, record.row):
                self.problems.add(record.sheet, record.row, "team", reason)

    def _community(self, name: str) -> Community:
        if name not in self.known_communities:
            self.known_communities.add(name)
            self.preview.communities_new.append(name)
        return communities.ensure_community(self.s, name)

    # -- people and memberships -----------------------------------------------------------------
    def _write_member(self, team: Team, record: MemberRecord) -> None:
        assert record.role is not None
        found = self._match(record)
        if found is not None and any(m.person_id == found and m.role == record.role
                                     for m in team.current(on=self.today)):
            self.preview.memberships_existing += 1
            self._count_person(found)
            return

        def join() -> int:
            person_id = self._person(record)
            teams.add_member(self.s, team.id, person_id, record.role, self.today,  # type: ignore[arg-type]
                             title=record.title)
            return person_id

        person_id = self.attempt(join, self.report(record, _PERSON_FIELDS, "role"))
        if person_id is not None:
            self.preview.memberships_new += 1
            self._count_person(person_id)

    def write_person(self, record: MemberRecord) -> None:
        """A person on the roster with no team: matched or created, no membership."""
        found = self._match(record)
        if found is None:
            found = self.attempt(lambda: self._person(record),
                                 self.report(record, _PERSON_FIELDS, "name"))
        elif record.resident_id and self.names.get(found, record.name) != record.name:
            self.problems.add(record.sheet, record.row, "resident_id",
                              f"这个身份证号已登记在“{self.names[found]}”名下")
            return
        self._count_person(found)

    def _match(self, record: MemberRecord) -> int | None:
        if record.resident_id and record.resident_id in self.by_rid:
            return self.by_rid[record.resident_id]
        return self.by_key.get((record.name, record.mobile))

    def _person(self, record: MemberRecord) -> int:
        """The person of this row: found by ID, else by name and mobile, else created."""
        found = self._match(record)
        if found is not None:
            if record.resident_id and self.names.get(found, record.name) != record.name:
                raise ValidationError(f"这个身份证号已登记在“{self.names[found]}”名下",
                                      "resident_id")
            return found
        pending = next((p for p in self.pending if _same(p, record)), None)
        if pending is not None:
            return pending.id
        person = people.create_person(self.s, people.PersonInput(
            name=record.name, gender=record.gender, unit=record.unit, position=record.position,
            category=record.category, phones=record.mobile, landline=record.landline,
            resident_id=record.resident_id or "", note=record.note))
        self.pending.append(person)
        return person.id

    def _remember(self, person: Person) -> None:
        if person.resident_id:
            self.by_rid[person.resident_id] = person.id
        self.by_key.setdefault((person.name, person.mobile), person.id)
        self.names[person.id] = person.name
        self.created.add(person.id)

    def _count_person(self, person_id: int | None) -> None:
        if person_id is None or person_id in self.counted:
            return
        self.counted.add(person_id)
        if person_id in self.created:
            self.preview.people_new += 1
        else:
            self.preview.people_existing += 1


def _same(person: Person, record: MemberRecord) -> bool:
    if record.resident_id and person.resident_id == record.resident_id:
        return True
    return (person.name, person.mobile) == (record.name, record.mobile)
