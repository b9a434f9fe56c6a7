"""Findings of the spot checks and their rectification (整改) and re-check (核查整改).

- A finding belongs to a check (ledger check, patrol or meeting supervision), names the team
  and, for a cadre's own conduct, the person (it then goes into their personal file); it has a
  severity, a rectification requirement and a deadline.
- The team responds (整改情况, ``KEEP_RECORDS`` on the team, or the office itself); the office
  re-checks: passed closes it (已核查销号); failed sends it back open with a new deadline.
- Open past the deadline = overdue (``Finding.is_overdue``), shown in red everywhere.
- Once reported (with its check) the finding's content is locked; ``amend_finding`` corrects it
  with a reason, keeping before and after (``CheckAmendment``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.auth import Permission, actor_of, can, require, require_team
from app.errors import DomainError, NotFoundError, ValidationError
from app.models import (CheckAmendment, FieldPatrol, Finding, FindingSource, FindingStatus,
                        LedgerCheck, MeetingSupervision, Person, Severity, Team)
from app.models.checks import CHECK_AMENDING
from app.normalize import clean_text
from app.services.common import check_version, get_or_fail, required


@dataclass
class FindingInput:
    source: FindingSource
    found_on: date
    severity: Severity
    description: str
    requirement: str
    deadline: date
    team_id: int | None = None
    person_id: int | None = None
    ledger_check_id: int | None = None
    patrol_id: int | None = None
    supervision_id: int | None = None


def add_finding(session: Session, data: FindingInput) -> Finding:
    require(session, Permission.RUN_SPOT_CHECKS)
    owner = _owner(session, data)
    if owner is not None and owner.reported:
        raise DomainError("这次督查已上报，不能再增加发现的问题；如需补充，请用“更正”。")
    problems: dict[str, str] = {}
    if data.deadline < data.found_on:
        problems["deadline"] = "整改期限不能早于发现日期"
    if data.team_id is None and data.person_id is None:
        problems["team_id"] = "请选择问题所属的团队或干部"
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    if data.team_id is not None:
        get_or_fail(session, Team, data.team_id, "驻点团队")
    if data.person_id is not None:
        get_or_fail(session, Person, data.person_id, "干部")
    finding = Finding(
        source=data.source, found_on=data.found_on, severity=data.severity,
        description=required(clean_text(data.description), "description", "发现的问题", 5000),
        requirement=required(clean_text(data.requirement), "requirement", "整改要求", 5000),
        deadline=data.deadline, team_id=data.team_id, person_id=data.person_id,
        ledger_check_id=data.ledger_check_id, patrol_id=data.patrol_id,
        supervision_id=data.supervision_id, status=FindingStatus.OPEN)
    owner.findings.append(finding)   # keeps a loaded check's list of findings current
    session.flush()
    return finding


def _owner(session: Session, data: FindingInput):  # type: ignore[no-untyped-def]
    links = [(LedgerCheck, data.ledger_check_id, FindingSource.LEDGER_CHECK, "台账抽查"),
             (FieldPatrol, data.patrol_id, FindingSource.PATROL, "下乡巡查"),
             (MeetingSupervision, data.supervision_id, FindingSource.SUPERVISION, "会议督查")]
    given = [(model, id_, source, what) for model, id_, source, what in links if id_ is not None]
    if len(given) != 1:
        raise ValidationError("发现的问题须属于一次督查（台账抽查、下乡巡查或会议督查之一）",
                              "source")
    model, id_, source, what = given[0]
    if data.source not in (source, FindingSource.LATE_DELIVERY):
        raise ValidationError(f"问题来源与所属的{what}不一致", "source")
    return get_or_fail(session, model, id_, what)


def get_finding(session: Session, finding_id: int) -> Finding:
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFoundError(f"找不到这条督查发现的问题（编号 {finding_id}）。")
    if not can(session, Permission.RUN_SPOT_CHECKS):
        require_team(session, Permission.VIEW_RECORDS, finding.team_id)
    return finding


def respond(session: Session, finding_id: int, response: str, on: date,
            expected_version: int | None = None) -> Finding:
    """The team's rectification (整改情况); it waits for the re-check."""
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFoundError(f"找不到这条督查发现的问题（编号 {finding_id}）。")
    if not can(session, Permission.RUN_SPOT_CHECKS):
        require_team(session, Permission.KEEP_RECORDS, finding.team_id)
    check_version(finding, expected_version, "督查问题")
    if finding.status == FindingStatus.CLOSED:
        raise DomainError("这条问题已核查销号，不需要再整改。")
    if on < finding.found_on:
        raise ValidationError("整改日期不能早于发现日期", "responded_on")
    if on > date.today():
        raise ValidationError("整改日期不能晚于今天", "responded_on")
    finding.response = required(clean_text(response), "response", "整改情况", 5000)
    finding.responded_on = on
    finding.status = FindingStatus.RESPONDED
    session.flush()
    return finding


def recheck(session: Session, finding_id: int, on: date, passed: bool, note: str,
            new_deadline: date | None = None, expected_version: int | None = None) -> Finding:
    """核查整改: passed closes the finding; failed reopens it with a new deadline."""
    require(session, Permission.RUN_SPOT_CHECKS)
    finding = get_finding(session, finding_id)
    check_version(finding, expected_version, "督查问题")
    if finding.status != FindingStatus.RESPONDED:
        raise DomainError("团队还没有报送整改情况，暂不能核查。")
    if finding.responded_on is not None and on < finding.responded_on:
        raise ValidationError("核查日期不能早于整改日期", "recheck_on")
    note = clean_text(note)
    finding.recheck_on, finding.recheck_passed, finding.recheck_note = on, passed, note
    if passed:
        finding.status = FindingStatus.CLOSED
    else:
        if not note:
            raise ValidationError("核查未通过，请写明原因", "recheck_note")
        if new_deadline is None or new_deadline <= on:
            raise ValidationError("核查未通过，请给出晚于核查日期的新整改期限", "deadline")
        with _amending(session):
            _amend(session, finding, "整改期限", finding.deadline.isoformat(),
                   new_deadline.isoformat(), f"核查未通过：{note}")
            finding.deadline = new_deadline
            finding.status = FindingStatus.OPEN
            session.flush()
    session.flush()
    return finding


AMENDABLE = {"description": "发现的问题", "requirement": "整改要求", "severity": "严重程度",
             "deadline": "整改期限"}


def amend_finding(session: Session, finding_id: int, field_: str, value: str, reason: str
                  ) -> CheckAmendment:
    """Correct a reported finding: the old and new values, who, when and why are kept."""
    require(session, Permission.RUN_SPOT_CHECKS)
    finding = get_finding(session, finding_id)
    if field_ not in AMENDABLE:
        raise ValidationError(f"不能更正“{field_}”", "field")
    if not finding.reported:
        raise DomainError("这条问题还没有上报，直接修改即可。")
    reason = clean_text(reason)
    if not reason:
        raise ValidationError("请写明更正原因", "reason")
    old = getattr(finding, field_)
    if field_ == "severity":
        new = Severity.from_label(value) if isinstance(value, str) else value
        if new is None:
            raise ValidationError(f"不认识的严重程度“{value}”", "severity")
        before, after = old.label, new.label
    elif field_ == "deadline":
        new = value if isinstance(value, date) else date.fromisoformat(str(value))
        before, after = old.isoformat(), new.isoformat()
    else:
        new = required(clean_text(value), field_, AMENDABLE[field_], 5000)
        before, after = old, new
    if before == after:
        raise ValidationError("更正后的内容与原内容相同", "value")
    with _amending(session):
        setattr(finding, field_, new)
        amendment = _amend(session, finding, AMENDABLE[field_], before, after, reason)
        session.flush()
    return amendment


@contextmanager
def _amending(session: Session) -> Iterator[None]:
    session.info[CHECK_AMENDING] = True
    try:
        yield
    finally:
        session.info.pop(CHECK_AMENDING, None)


def _amend(session: Session, finding: Finding, what: str, before: str, after: str,
           reason: str) -> CheckAmendment:
    actor = actor_of(session)
    amendment = CheckAmendment(entity="finding", entity_id=finding.id,
                               at=datetime.now().replace(microsecond=0), user_id=actor.user_id,
                               user_name=actor.display_name[:60], reason=reason, what=what,
                               before=before, after=after)
    session.add(amendment)
    audit.record(session, "amend", "finding", finding.id, f"更正督查问题：{what}",
                 {"原因": reason})
    return amendment


def amendments(session: Session, finding_id: int) -> list[CheckAmendment]:
    get_finding(session, finding_id)
    return list(session.scalars(select(CheckAmendment).where(
        CheckAmendment.entity == "finding", CheckAmendment.entity_id == finding_id)
        .order_by(CheckAmendment.id)))


# --- the list ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FindingRow:
    id: int
    found_on: date
    source: FindingSource
    team_id: int | None
    team: str
    person: str
    severity: Severity
    description: str
    requirement: str
    deadline: date
    status: FindingStatus
    overdue: bool
    response: str
    recheck_on: date | None
    reported: bool
    version: int


@dataclass
class FindingFilter:
    team_id: int | None = None
    person_id: int | None = None
    status: FindingStatus | None = None
    start: date | None = None
    end: date | None = None
    overdue_only: bool = False


def finding_rows(session: Session, flt: FindingFilter | None = None,
                 today: date | None = None) -> list[FindingRow]:
    """Findings the actor may read: the office all, liaisons and leaders their teams'."""
    actor = require(session, Permission.VIEW_RECORDS)
    flt = flt or FindingFilter()
    today = today or date.today()
    query = (select(Finding).options(selectinload(Finding.team), selectinload(Finding.person))
             .order_by(Finding.found_on.desc(), Finding.id.desc()))
    if not actor.can(Permission.RUN_SPOT_CHECKS):
        allowed = actor.teams_for(Permission.VIEW_RECORDS)
        if allowed is not None:
            query = query.where(Finding.team_id.in_(allowed))
    for column, value in ((Finding.team_id, flt.team_id), (Finding.person_id, flt.person_id),
                          (Finding.status, flt.status)):
        if value is not None:
            query = query.where(column == value)
    if flt.start is not None:
        query = query.where(Finding.found_on >= flt.start)
    if flt.end is not None:
        query = query.where(Finding.found_on <= flt.end)
    if flt.overdue_only:
        query = query.where(Finding.status == FindingStatus.OPEN, Finding.deadline < today)
    return [FindingRow(f.id, f.found_on, f.source, f.team_id, f.team.name if f.team else "",
                       f.person.name if f.person else "", f.severity, f.description,
                       f.requirement, f.deadline, f.status, f.is_overdue(today), f.response,
                       f.recheck_on, f.reported, f.version)
            for f in session.scalars(query)]
