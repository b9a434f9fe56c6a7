"""The problem ledger (问题台账): registering a problem, its status flow, feedback and reopening.

Rules this module settles:

- Number per community and year: ``石岗村-2026-007`` (community name, year of the reported
  date, three-digit sequence). The next sequence is max(seq) + 1 in the same transaction;
  problems are never deleted (no service deletes one), so a number is never reused, and the
  unique constraint on (community, year, seq) refuses a duplicate should two people register
  at the same moment (the insert is retried once in a savepoint).
- Status flow 登记 → 办理中 → 已办结 → 已反馈 → 已销案, one step at a time; each step is a
  ``ProblemStep`` dated and signed, plus a "status" audit entry. 已反馈 needs the feedback
  method, date and satisfaction; so 已销案 cannot happen without feedback.
- ``reopen`` takes a handled problem (已办结, 已反馈, 已销案) back to 办理中; the steps stay, the
  old feedback is written into the reopen step's note and cleared (it must be given again).
- Overdue: deadline passed and the status still 登记 or 办理中 (``Problem.is_overdue`` and
  ``Problem.overdue_clause`` for queries).
- Default deadline (限时办结) when none is given: the category's days after the reported date,
  from the town's categories (``ProblemCategory``, kept on the settings page; see
  ``app.services.problem_categories``); a category not in that list gets
  ``FALLBACK_DEADLINE_DAYS``; problems solved on site (现场解决) are due the same day.
- 提请党委会 requires the fields of 附件1: 现状, 解决方案, 预算金额, 申请补贴金额 (may be 0),
  预计完工时间.
- Keeping the ledger needs KEEP_RECORDS for the problem's community (liaisons: the communities
  their teams serve); reading needs VIEW_RECORDS, scoped the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import Row, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit
from app.auth import Permission, actor_of, community_scope, require, require_community
from app.db.text import contains_text
from app.errors import DomainError, NotFoundError, ValidationError
from app.models import (Community, FeedbackMethod, HandlingLevel, Household, Person, Problem,
                        ProblemSource, ProblemStatus, ProblemStep, Satisfaction, TeamCommunity)
from app.normalize import clean_text
from app.services.common import check_version, get_or_fail, optional, required
from app.services.problem_categories import check_category, deadline_days_for

S = ProblemStatus
FLOW: tuple[ProblemStatus, ...] = (S.REGISTERED, S.IN_PROGRESS, S.DONE, S.FED_BACK, S.CLOSED)

MONEY_LIMIT = Decimal("9999999999.99")


@dataclass
class ProblemInput:
    community_id: int
    reported_on: date
    category: str
    description: str
    source: ProblemSource = ProblemSource.OTHER
    level: HandlingLevel = HandlingLevel.COMMUNITY
    team_id: int | None = None
    reporter_household_id: int | None = None
    reporter_person_id: int | None = None
    anonymous: bool = False
    reporter_name: str = ""
    leader_id: int | None = None
    department: str = ""
    deadline: date | None = None          # None: the default for the category
    result: str = ""
    situation: str = ""                   # 附件1 现状
    solution: str = ""                    # 附件1 解决方案
    budget: Decimal | str | None = None   # 附件1 预算金额（元）
    subsidy: Decimal | str | None = None  # 附件1 申请补贴金额（元）
    expected_completion: date | None = None  # 附件1 预计完工时间
    station_session_id: int | None = None


@dataclass(frozen=True)
class Feedback:
    method: FeedbackMethod
    on: date
    satisfaction: Satisfaction


def default_deadline(session: Session, category: str, reported_on: date,
                     level: HandlingLevel = HandlingLevel.COMMUNITY) -> date:
    """The deadline when none is given: same day on site, else the category's days."""
    if level == HandlingLevel.ON_SITE:
        return reported_on
    return reported_on + timedelta(days=deadline_days_for(session, category))


def number_for(community_name: str, year: int, seq: int) -> str:
    return f"{community_name}-{year}-{seq:03d}"


# --- registering -------------------------------------------------------------------------

def raise_problem(session: Session, data: ProblemInput) -> Problem:
    """Register a problem (status 登记) with the next number of its community and year."""
    actor = require_community(session, Permission.KEEP_RECORDS, data.community_id)
    community = get_or_fail(session, Community, data.community_id, "村（社区）")
    problem = Problem(community_id=community.id, status=S.REGISTERED,
                      recorded_by=actor.user_id, year=data.reported_on.year)
    _apply(session, problem, data)
    problem.steps.append(_step(session, None, S.REGISTERED, data.reported_on, "登记"))
    for attempt in range(2):
        seq = (session.scalar(select(func.max(Problem.seq)).where(
            Problem.community_id == community.id, Problem.year == problem.year)) or 0) + 1
        problem.seq = seq
        problem.number = number_for(community.name, problem.year, seq)
        try:
            with session.begin_nested():
                session.add(problem)
                session.flush()
            break
        except IntegrityError:
            if attempt:
                raise DomainError("另一位同事刚好也在登记这个村（社区）的问题，编号冲突。请再保存一次。")
    return problem


def update_problem(session: Session, problem_id: int, data: ProblemInput,
                   expected_version: int | None = None) -> Problem:
    """Change a problem's details; its number, community and status stay.

    Only while it is being handled (登记, 办理中). Once 已办结 (and so also 已反馈, 已销案)
    the result was reported and the resident told about *this* description, so it is refused
    rather than silently rewritten: a correction goes through ``reopen`` (back to 办理中, with
    a dated, signed step and the reason), then this.
    """
    problem = problem_for(session, problem_id, Permission.KEEP_RECORDS)
    check_version(problem, expected_version, "问题")
    if problem.status.finished:
        raise DomainError(f"问题 {problem.number} 已是“{problem.status.label}”，不能再修改；"
                          "如需更正，请先“重新办理”。")
    if data.community_id != problem.community_id:
        raise ValidationError("问题登记后不能改到别的村（社区）；编号按村（社区）编排。",
                              "community_id")
    _apply(session, problem, data)
    return problem


def _apply(session: Session, problem: Problem, data: ProblemInput) -> None:
    problems: dict[str, str] = {}

    def attempt(name: str, fn):  # type: ignore[no-untyped-def]
        try:
            return fn()
        except ValidationError as err:
            problems[name] = err.message
            return None

    category = attempt("category", lambda: check_category(
        session, required(clean_text(data.category), "category", "问题类别", 40),
        problem.category if problem.id is not None else ""))
    description = attempt("description", lambda: required(clean_text(data.description),
                                                          "description", "问题描述", 2000))
    reporter_name = attempt("reporter_name", lambda: optional(
        clean_text(data.reporter_name), "reporter_name", "反映人", 60))
    department = attempt("department", lambda: optional(clean_text(data.department),
                                                        "department", "责任部门", 60))
    budget = attempt("budget", lambda: _money(data.budget, "budget", "预算金额"))
    subsidy = attempt("subsidy", lambda: _money(data.subsidy, "subsidy", "申请补贴金额"))
    if data.reporter_household_id is not None:
        household = session.get(Household, data.reporter_household_id)
        if household is None:
            problems["reporter_household_id"] = "找不到所选的反映住户，可能已被删除。"
        elif household.community_id != problem.community_id:
            problems["reporter_household_id"] = "反映住户不在这个村（社区）。"
    if data.reporter_person_id is not None and session.get(Person, data.reporter_person_id) is None:
        problems["reporter_person_id"] = "找不到所选的反映人，可能已被删除。"
    if data.leader_id is not None and session.get(Person, data.leader_id) is None:
        problems["leader_id"] = "找不到所选的责任领导，可能已被删除。"
    if (data.team_id is not None and session.scalar(select(TeamCommunity.id).where(
            TeamCommunity.team_id == data.team_id,
            TeamCommunity.community_id == problem.community_id)) is None):
        problems["team_id"] = "所选团队不在这个村（社区）驻点。"
    if data.deadline is not None and data.deadline < data.reported_on:
        problems["deadline"] = (f"办结时限（{data.deadline:%Y-%m-%d}）不能早于登记日期"
                                f"（{data.reported_on:%Y-%m-%d}）")
    if not data.anonymous and not (data.reporter_household_id or data.reporter_person_id
                                   or clean_text(data.reporter_name)):
        problems["reporter_name"] = "请填写反映人，或选择住户、人员；不愿留名的请勾选“匿名”"
    if data.level == HandlingLevel.PARTY_COMMITTEE:
        missing = [label for label, empty in (
            ("现状", not clean_text(data.situation)), ("解决方案", not clean_text(data.solution)),
            ("预算金额", budget is None and "budget" not in problems),
            ("申请补贴金额", subsidy is None and "subsidy" not in problems),
            ("预计完工时间", data.expected_completion is None)) if empty]
        if missing:
            problems["level"] = ("提请党委会的问题须填写附件1的内容：" + "、".join(missing))
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    if problem.id is not None and problem.year != data.reported_on.year:
        raise ValidationError("登记日期不能改到另一年；编号按年度编排。", "reported_on")
    problem.reported_on = data.reported_on
    problem.year = data.reported_on.year
    problem.source = data.source
    problem.team_id = data.team_id
    problem.station_session_id = data.station_session_id
    problem.reporter_household_id = None if data.anonymous else data.reporter_household_id
    problem.reporter_person_id = None if data.anonymous else data.reporter_person_id
    problem.anonymous = data.anonymous
    problem.reporter_name = "" if data.anonymous else (reporter_name or "")
    problem.category = category or ""
    problem.description = description or ""
    problem.level = data.level
    problem.leader_id = data.leader_id
    problem.department = department or ""
    problem.deadline = data.deadline or default_deadline(session, problem.category,
                                                         data.reported_on, data.level)
    problem.result = clean_text(data.result)
    problem.situation = clean_text(data.situation)
    problem.solution = clean_text(data.solution)
    problem.budget = budget
    problem.subsidy = subsidy
    problem.expected_completion = data.expected_completion


def _money(value: Decimal | str | None, field_: str, label: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace(",", "").replace("，", "").removesuffix("元")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{label}“{value}”不是金额，请填写数字（元），如 12000.50", field_)
    if not amount.is_finite() or amount < 0 or amount > MONEY_LIMIT:
        raise ValidationError(f"{label}应在 0 到 9,999,999,999.99 元之间", field_)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(f"{label}最多两位小数（到分）", field_)
    return amount.quantize(Decimal("0.01"))


# --- status flow -------------------------------------------------------------------------

def advance(session: Session, problem_id: int, to_status: ProblemStatus, on: date,
            note: str = "", expected_version: int | None = None,
            feedback: Feedback | None = None, result: str | None = None) -> Problem:
    """Move a problem one step along the flow; 已反馈 takes (or needs) the feedback.

    办结 needs the 办理结果: given here (``result``) or already on the problem. A problem
    that somehow has none cannot go on to 已反馈 or 销案 either until it is written."""
    problem = problem_for(session, problem_id, Permission.KEEP_RECORDS)
    check_version(problem, expected_version, "问题")
    current = problem.status
    index = FLOW.index(current)
    if current == S.CLOSED:
        raise DomainError(f"问题 {problem.number} 已销案；如需继续办理，请先“重新办理”。")
    expected = FLOW[index + 1]
    if to_status != expected:
        raise DomainError(f"问题 {problem.number} 现在是“{current.label}”，下一步只能是"
                          f"“{expected.label}”，不能直接改为“{to_status.label}”。")
    _check_step_date(problem, on)
    if result is not None and clean_text(result):
        problem.result = clean_text(result)[:2000]
    if to_status.finished and not clean_text(problem.result or ""):
        raise ValidationError(f"问题 {problem.number} 要“{to_status.label}”，请先填写办理结果"
                              "（怎么解决的、结果如何）", "result")
    if to_status == S.FED_BACK:
        if feedback is not None:
            if feedback.on < problem.reported_on:
                raise ValidationError("反馈日期不能早于问题登记日期", "feedback_on")
            problem.feedback_method = feedback.method
            problem.feedback_on = feedback.on
            problem.satisfaction = feedback.satisfaction
        missing = [label for label, value in (
            ("反馈方式", problem.feedback_method), ("反馈日期", problem.feedback_on),
            ("群众满意度", problem.satisfaction)) if value is None]
        if missing:
            raise ValidationError(f"问题 {problem.number} 要标为“已反馈”，请先填写"
                                  + "、".join(missing), "feedback_method")
    if to_status == S.CLOSED and (problem.feedback_method is None or problem.feedback_on is None
                                  or problem.satisfaction is None):
        raise DomainError(f"问题 {problem.number} 没有反馈记录，不能销案。")
    _change(session, problem, to_status, on, clean_text(note))
    return problem


def reopen(session: Session, problem_id: int, on: date, reason: str,
           expected_version: int | None = None) -> Problem:
    """Take a handled problem back to 办理中; its steps stay, the old feedback is noted."""
    problem = problem_for(session, problem_id, Permission.KEEP_RECORDS)
    check_version(problem, expected_version, "问题")
    if not problem.status.finished:
        raise DomainError(f"问题 {problem.number} 还在“{problem.status.label}”，不需要重新办理。")
    reason = clean_text(reason)
    if not reason:
        raise ValidationError("请写明重新办理的原因", "reason")
    _check_step_date(problem, on)
    note = f"重新办理：{reason}"
    if problem.feedback_method is not None:
        note += (f"（原反馈：{problem.feedback_method.label}，"
                 f"{problem.feedback_on:%Y-%m-%d}，{problem.satisfaction.label if problem.satisfaction else ''}）")
    problem.feedback_method = None
    problem.feedback_on = None
    problem.satisfaction = None
    _change(session, problem, S.IN_PROGRESS, on, note[:500])
    return problem


def _check_step_date(problem: Problem, on: date) -> None:
    last = problem.steps[-1].on_date if problem.steps else problem.reported_on
    if on < last:
        raise ValidationError(f"办理日期（{on:%Y-%m-%d}）不能早于上一环节的日期"
                              f"（{last:%Y-%m-%d}）", "on")


def _change(session: Session, problem: Problem, to_status: ProblemStatus, on: date,
            note: str) -> None:
    before = problem.status
    problem.steps.append(_step(session, before, to_status, on, note))
    problem.status = to_status
    session.flush()
    audit.record(session, "status", "problem", problem.id,
                 f"问题 {problem.number}：{before.label} → {to_status.label}",
                 {"status": {"前": before.label, "后": to_status.label},
                  "日期": on.isoformat(), **({"说明": note} if note else {})})


def _step(session: Session, before: ProblemStatus | None, after: ProblemStatus, on: date,
          note: str) -> ProblemStep:
    actor = actor_of(session)
    return ProblemStep(from_status=before, to_status=after, on_date=on, by_user=actor.user_id,
                       by_name=actor.display_name[:60], note=note[:500])


def record_committee_decision(session: Session, problem_id: int, on: date, decision: str
                              ) -> Problem:
    """The party committee's decision on a problem raised to it (附件1), written back into the
    ledger: the decision on the problem and a dated, signed step in its history."""
    require(session, Permission.KEEP_TOWN_MEETINGS)
    problem = problem_for(session, problem_id, Permission.VIEW_RECORDS)
    if problem.level != HandlingLevel.PARTY_COMMITTEE:
        raise DomainError(f"问题 {problem.number} 不是提请党委会研究的问题。")
    text = clean_text(decision)
    if not text:
        raise ValidationError("请填写党委会的意见", "committee_decision")
    if on < problem.reported_on or on > date.today():
        raise ValidationError("决定日期应在登记日期之后、今天之前", "committee_decided_on")
    problem.committee_decided_on, problem.committee_decision = on, text
    problem.steps.append(_step(session, problem.status, problem.status, on,
                               f"党委会意见：{text}"[:500]))
    session.flush()
    return problem


# --- reading -----------------------------------------------------------------------------

def problem_for(session: Session, problem_id: int, permission: Permission) -> Problem:
    """The problem, if the actor has ``permission`` in its community (the ledger's own scoping
    rule)."""
    problem = session.get(Problem, problem_id)
    if problem is None:
        raise NotFoundError(f"找不到这个问题（编号 {problem_id}）。")
    require_community(session, permission, problem.community_id)
    return problem


def get_problem(session: Session, problem_id: int) -> Problem:
    return problem_for(session, problem_id, Permission.VIEW_RECORDS)


@dataclass
class ProblemFilter:
    community_id: int | None = None
    team_id: int | None = None
    status: ProblemStatus | None = None
    year: int | None = None
    start: date | None = None
    end: date | None = None
    overdue_only: bool = False
    text: str = ""
    on: date | None = None   # "today" for overdue
    # The ledger as it opens: a year's problems and every earlier one still open.
    year_or_open: int | None = None
    statuses: list[ProblemStatus] = field(default_factory=list)
    ids: Sequence[int] | None = None   # these problems only (a page of the list)


def problem_query(session: Session, flt: ProblemFilter | None = None):  # type: ignore[no-untyped-def]
    """A select of ``Problem`` the actor may read (VIEW_RECORDS), filtered."""
    flt = flt or ProblemFilter()
    scope = community_scope(session, Permission.VIEW_RECORDS)
    query = select(Problem)
    if scope is not None:
        query = query.where(Problem.community_id.in_(scope))
    if flt.community_id is not None:
        query = query.where(Problem.community_id == flt.community_id)
    if flt.team_id is not None:
        query = query.where(Problem.team_id == flt.team_id)
    if flt.status is not None:
        query = query.where(Problem.status == flt.status)
    if flt.statuses:
        query = query.where(Problem.status.in_(flt.statuses))
    if flt.year is not None:
        query = query.where(Problem.year == flt.year)
    if flt.year_or_open is not None:
        query = query.where(or_(Problem.year == flt.year_or_open,
                                Problem.status.in_([S.REGISTERED, S.IN_PROGRESS])))
    if flt.start is not None:
        query = query.where(Problem.reported_on >= flt.start)
    if flt.end is not None:
        query = query.where(Problem.reported_on <= flt.end)
    if flt.overdue_only:
        query = query.where(Problem.overdue_clause(flt.on))
    if flt.ids is not None:
        query = query.where(Problem.id.in_(flt.ids))
    text = clean_text(flt.text)
    if text:
        query = query.where(or_(*(contains_text(column, text) for column in (
            Problem.number, Problem.description, Problem.category, Problem.reporter_name)),
            # the list shows an anonymous reporter as 匿名: finding them by it
            *((Problem.anonymous.is_(True),) if text in ANONYMOUS else ())))
    return query


ANONYMOUS = "匿名"
# The list's columns the database orders; the text columns (number, community, category,
# description, reporter) come back from ``problem_texts`` for the caller's Chinese collation.
_STATUS_RANK = case({s: n for n, s in enumerate(FLOW)}, value=Problem.status)
_LEVEL_RANK = case({level: n for n, level in enumerate(HandlingLevel)}, value=Problem.level)
SQL_ORDERS = {"reported_on": (Problem.reported_on,), "deadline": (Problem.deadline,),
              "status": (_STATUS_RANK, Problem.deadline), "level": (_LEVEL_RANK,)}
TEXT_COLUMNS = {"number": Problem.number, "community": Community.name,
                "category": Problem.category, "description": Problem.description,
                "reporter": case((Problem.anonymous.is_(True), ANONYMOUS),
                                 else_=Problem.reporter_name)}
_NEWEST_FIRST = (Problem.reported_on.desc(), Problem.id.desc())


def problem_ids(session: Session, flt: ProblemFilter | None = None,
                order: str = "reported_on", descending: bool = True
                ) -> tuple[list[int], list[int]]:
    """The ids of the problems ``flt`` selects, in ``order`` (a key of SQL_ORDERS), ties by
    registration (the other way round when ascending) — what a list that reads only its
    visible rows needs — and which of them are overdue on ``flt.on`` (found in the same pass:
    a second query scanned the text again)."""
    keys = SQL_ORDERS[order]
    late = case((Problem.overdue_clause(flt.on if flt else None), 1), else_=0)
    query = problem_query(session, flt).with_only_columns(Problem.id, late).order_by(
        *(key.desc() if descending else key.asc() for key in (*keys, Problem.id)))
    ids, overdue = [], []
    for pid, is_late in session.connection().execute(query):
        ids.append(pid)
        if is_late:
            overdue.append(pid)
    return ids, overdue


def problem_search_values(session: Session, flt: ProblemFilter | None = None
                          ) -> list[tuple[int, str, str, str, str]]:
    """(id, number, category, description, reporter as the list shows it) of the problems
    ``flt`` selects: the text ``flt.text`` is matched against, for a search done in memory."""
    query = problem_query(session, flt).with_only_columns(
        Problem.id, Problem.number, Problem.category, Problem.description,
        TEXT_COLUMNS["reporter"])
    return [tuple(row) for row in session.connection().execute(query)]  # type: ignore[misc]


def problem_texts(session: Session, flt: ProblemFilter | None, column: str
                  ) -> list[tuple[int, str]]:
    """(id, the text of ``column``) of the problems ``flt`` selects, newest first, for a sort
    in Chinese order (which the database cannot do the same way everywhere)."""
    query = problem_query(session, flt).with_only_columns(Problem.id, TEXT_COLUMNS[column])
    if column == "community":
        query = query.join(Community, Community.id == Problem.community_id)
    return [(pid, text or "") for pid, text in
            session.connection().execute(query.order_by(*_NEWEST_FIRST))]


def problem_count(session: Session, flt: ProblemFilter | None = None) -> int:
    query = problem_query(session, flt).with_only_columns(func.count(Problem.id))
    return session.connection().execute(query).scalar_one()


def problem_span(session: Session, flt: ProblemFilter | None = None
                 ) -> tuple[date | None, date | None]:
    """The first and last reported day among the problems ``flt`` selects."""
    query = problem_query(session, flt).with_only_columns(
        func.min(Problem.reported_on), func.max(Problem.reported_on))
    first, last = session.execute(query).one()
    return first, last


def problem_communities(session: Session, flt: ProblemFilter | None = None
                        ) -> list[tuple[int, str]]:
    """(id, name) of the communities the problems ``flt`` selects belong to."""
    ids = problem_query(session, flt).with_only_columns(Problem.community_id).distinct()
    return [(cid, name) for cid, name in session.execute(
        select(Community.id, Community.name).where(Community.id.in_(ids)))]


def problem_values(session: Session, flt: ProblemFilter | None = None) -> list[Row]:
    """The list's columns as plain rows, newest first — for lists of any size (no ORM objects):
    id, version, number, community_id, community, team_id, reported_on, category, description,
    anonymous, reporter_name, level, deadline, status."""
    query = problem_query(session, flt).with_only_columns(
        Problem.id, Problem.version, Problem.number, Problem.community_id, Community.name,
        Problem.team_id, Problem.reported_on, Problem.category, Problem.description,
        Problem.anonymous, Problem.reporter_name, Problem.level, Problem.deadline, Problem.status
    ).join(Community, Community.id == Problem.community_id)
    # Core execution: the ORM's row loading costs more than the query for a plain column list.
    return session.connection().execute(
        query.order_by(Problem.reported_on.desc(), Problem.id.desc())).all()


def list_problems(session: Session, flt: ProblemFilter | None = None) -> list[Problem]:
    return list(session.scalars(problem_query(session, flt)
                                .order_by(Problem.reported_on.desc(), Problem.id.desc())))


def overdue_problems(session: Session, on: date | None = None) -> list[Problem]:
    return list_problems(session, ProblemFilter(overdue_only=True, on=on))
