"""Funding projects (专项经费补贴项目, 附件2).

- A team applies (KEEP_RECORDS on the team): name, state, plan, total budget, the subsidy asked
  for, the application date (its order matters), urgency. Money is exact: ``Decimal`` yuan,
  two places, never negative; the subsidy cannot exceed the budget.
- The party committee decides (KEEP_TOWN_MEETINGS — the office that keeps its minutes): an
  amount approved (≤ the subsidy asked), or refused with a reason. Disbursements never exceed
  the amount approved. Progress is recorded per month (0–100 %, never going back) until the
  project is completed (100 %, with the completion date).
- The queue (``queue``): approved and waiting projects ordered as the seeds say — urgency, then
  the order of application, then the smaller amount — against the funds the town sets for the
  year; each row says whether the year's funds still cover it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.auth import Permission, require, require_team
from app.errors import DomainError, NotFoundError, ValidationError
from app.models import (Community, Disbursement, FundingProject, FundingYear, ProjectProgress,
                        ProjectStatus, Team, Urgency)
from app.models.ledgers import CENT
from app.normalize import clean_text
from app.services.common import check_version, get_or_fail, optional, required

MONEY_LIMIT = Decimal("9999999999.99")
URGENCY_ORDER = {Urgency.HIGH: 0, Urgency.MEDIUM: 1, Urgency.NORMAL: 2}


def money(value: Decimal | str | int | None, label: str, field_: str,
          allow_zero: bool = True) -> Decimal:
    """Yuan, exactly, two places: "12,345.6" → Decimal("12345.60")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"请填写{label}", field_)
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").replace("元", "").strip())
    except InvalidOperation:
        raise ValidationError(f"{label}“{value}”不是金额", field_) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ValidationError(f"{label}最多两位小数（到分）", field_)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError(f"{label}应大于 0", field_)
    if amount > MONEY_LIMIT:
        raise ValidationError(f"{label}过大", field_)
    return amount.quantize(CENT)


@dataclass
class ProjectInput:
    team_id: int
    community_id: int
    name: str
    budget: Decimal | str
    subsidy: Decimal | str
    applied_on: date
    urgency: Urgency = Urgency.NORMAL
    situation: str = ""
    plan: str = ""
    expected_completion: date | None = None


def _apply(session: Session, project: FundingProject, data: ProjectInput) -> None:
    problems: dict[str, str] = {}

    def attempt(key: str, fn):  # type: ignore[no-untyped-def]
        try:
            return fn()
        except ValidationError as err:
            problems[key] = err.message
            return None

    team = get_or_fail(session, Team, data.team_id, "驻点团队")
    get_or_fail(session, Community, data.community_id, "村（社区）")
    if data.community_id not in {link.community_id for link in team.community_links}:
        problems["community_id"] = f"所选村（社区）不在{team.name}的驻点范围内"
    name = attempt("name", lambda: required(clean_text(data.name), "name", "项目名称", 120))
    budget = attempt("budget", lambda: money(data.budget, "总预算", "budget", allow_zero=False))
    subsidy = attempt("subsidy", lambda: money(data.subsidy, "申请补贴金额", "subsidy",
                                               allow_zero=False))
    if budget is not None and subsidy is not None and subsidy > budget:
        problems["subsidy"] = f"申请补贴（{subsidy} 元）不能超过总预算（{budget} 元）"
    if data.applied_on > date.today():
        problems["applied_on"] = "申请日期不能晚于今天"
    if data.expected_completion is not None and data.expected_completion < data.applied_on:
        problems["expected_completion"] = "预计完工日期不能早于申请日期"
    situation = attempt("situation", lambda: optional(clean_text(data.situation), "situation",
                                                      "现状", 5000))
    plan = attempt("plan", lambda: optional(clean_text(data.plan), "plan", "解决方案", 5000))
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    project.team_id, project.community_id, project.name = team.id, data.community_id, name
    project.budget, project.subsidy, project.applied_on = budget, subsidy, data.applied_on
    project.urgency, project.situation, project.plan = data.urgency, situation, plan
    project.expected_completion = data.expected_completion


def create_project(session: Session, data: ProjectInput) -> FundingProject:
    actor = require_team(session, Permission.KEEP_RECORDS, data.team_id)
    project = FundingProject(uid=str(uuid.uuid4()), status=ProjectStatus.APPLIED,
                             recorded_by=actor.user_id)
    _apply(session, project, data)
    session.add(project)
    session.flush()
    return project


def get_project(session: Session, project_id: int) -> FundingProject:
    project = session.get(FundingProject, project_id)
    if project is None:
        raise NotFoundError(f"找不到这个经费项目（编号 {project_id}）。")
    require_team(session, Permission.VIEW_RECORDS, project.team_id)
    return project


def update_project(session: Session, project_id: int, data: ProjectInput,
                   expected_version: int | None = None) -> FundingProject:
    """Correct an application the committee has not decided yet."""
    project = get_project(session, project_id)
    require_team(session, Permission.KEEP_RECORDS, project.team_id)
    check_version(project, expected_version, "经费项目")
    if project.status != ProjectStatus.APPLIED:
        raise DomainError(f"“{project.name}”党委会已{project.status.label[1:]}，申请内容不能再改。")
    if data.team_id != project.team_id:
        raise ValidationError("项目的驻点团队不能修改", "team_id")
    _apply(session, project, data)
    session.flush()
    return project


def decide(session: Session, project_id: int, on: date, approved: Decimal | str | None,
           refusal_reason: str = "", expected_version: int | None = None) -> FundingProject:
    """The party committee's decision: ``approved`` (≤ the subsidy asked) or, with None, refused
    with a reason."""
    require(session, Permission.KEEP_TOWN_MEETINGS)
    project = get_project(session, project_id)
    check_version(project, expected_version, "经费项目")
    if project.status != ProjectStatus.APPLIED:
        raise DomainError(f"“{project.name}”党委会已有决定（{project.status.label}）。")
    if on < project.applied_on:
        raise ValidationError("决定日期不能早于申请日期", "decided_on")
    if on > date.today():
        raise ValidationError("决定日期不能晚于今天", "decided_on")
    if approved is None:
        reason = clean_text(refusal_reason)
        if not reason:
            raise ValidationError("不批准时请写明原因", "refusal_reason")
        project.status, project.refusal_reason = ProjectStatus.REFUSED, reason
    else:
        amount = money(approved, "批准金额", "approved_amount", allow_zero=False)
        if amount > project.subsidy:
            raise ValidationError(f"批准金额（{amount} 元）不能超过申请补贴（{project.subsidy} 元）",
                                  "approved_amount")
        project.status, project.approved_amount = ProjectStatus.APPROVED, amount
    project.decided_on = on
    session.flush()
    return project


def disburse(session: Session, project_id: int, on: date, amount: Decimal | str,
             note: str = "") -> Disbursement:
    require(session, Permission.KEEP_TOWN_MEETINGS)
    project = get_project(session, project_id)
    if project.status not in (ProjectStatus.APPROVED, ProjectStatus.COMPLETED):
        raise DomainError(f"“{project.name}”还没有批准，不能拨付。")
    value = money(amount, "拨付金额", "amount", allow_zero=False)
    assert project.approved_amount is not None and project.decided_on is not None
    if on < project.decided_on:
        raise ValidationError("拨付日期不能早于党委会决定日期", "paid_on")
    if project.disbursed + value > project.approved_amount:
        left = project.approved_amount - project.disbursed
        raise ValidationError(f"拨付后将超过批准金额：批准 {project.approved_amount} 元，"
                              f"已拨付 {project.disbursed} 元，最多还能拨付 {left} 元", "amount")
    payment = Disbursement(paid_on=on, amount=value,
                           note=optional(clean_text(note), "note", "说明", 200))
    project.disbursements.append(payment)
    session.flush()
    return payment


def record_progress(session: Session, project_id: int, year: int, month: int, percent: int,
                    note: str = "", completed_on: date | None = None) -> ProjectProgress:
    """The month's progress; 100 % completes the project (``completed_on`` required)."""
    project = get_project(session, project_id)
    require_team(session, Permission.KEEP_RECORDS, project.team_id)
    if project.status not in (ProjectStatus.APPROVED, ProjectStatus.COMPLETED):
        raise DomainError(f"“{project.name}”还没有批准，暂不登记进度。")
    if not 0 <= percent <= 100:
        raise ValidationError("进度应在 0% 到 100% 之间", "percent")
    month_start = date(year, month, 1)
    if project.decided_on and (year, month) < (project.decided_on.year, project.decided_on.month):
        raise ValidationError("进度月份不能早于批准的月份", "month")
    if month_start > date.today():
        raise ValidationError("不能登记将来月份的进度", "month")
    earlier = [p for p in project.progress if (p.year, p.month) < (year, month)]
    later = [p for p in project.progress if (p.year, p.month) > (year, month)]
    if earlier and percent < max(p.percent for p in earlier):
        raise ValidationError(f"进度不能比之前（{max(p.percent for p in earlier)}%）还低", "percent")
    if later and percent > min(p.percent for p in later):
        raise ValidationError("进度不能比之后月份登记的还高", "percent")
    if percent == 100:
        if completed_on is None:
            raise ValidationError("进度 100% 请填写实际完工日期", "actual_completion")
        if completed_on > date.today() or (project.decided_on and completed_on < project.decided_on):
            raise ValidationError("实际完工日期应在批准之后、今天之前", "actual_completion")
        project.actual_completion = completed_on
        project.status = ProjectStatus.COMPLETED
    row = next((p for p in project.progress if (p.year, p.month) == (year, month)), None)
    if row is None:
        row = ProjectProgress(year=year, month=month, percent=percent)
        project.progress.append(row)
    row.percent = percent
    row.note = optional(clean_text(note), "note", "进度说明", 2000)
    session.flush()
    return row


def set_year_funds(session: Session, year: int, amount: Decimal | str) -> FundingYear:
    require(session, Permission.KEEP_TOWN_MEETINGS)
    value = money(amount, f"{year} 年专项经费", "amount")
    row = session.get(FundingYear, year) or FundingYear(year=year, amount=value)
    row.amount = value
    session.add(row)
    session.flush()
    return row


# --- the queue ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QueueRow:
    position: int
    project_id: int
    team: str
    community: str
    name: str
    urgency: Urgency
    applied_on: date
    amount: Decimal            # approved amount (or the subsidy asked, while waiting)
    status: ProjectStatus
    cumulative: Decimal
    covered: bool              # within the year's funds


@dataclass(frozen=True)
class Queue:
    year: int
    funds: Decimal | None      # None: the town has not set the year's funds
    rows: tuple[QueueRow, ...]

    @property
    def committed(self) -> Decimal:
        return sum((r.amount for r in self.rows if r.covered), Decimal("0.00"))


def queue_key(project: FundingProject) -> tuple:  # type: ignore[type-arg]
    amount = project.approved_amount if project.approved_amount is not None else project.subsidy
    return (URGENCY_ORDER[project.urgency], project.applied_on, amount, project.id)


def queue(session: Session, year: int) -> Queue:
    """Approved (and still applied-for) projects of ``year`` in the order the funds go to them:
    urgency, the order of application, the smaller amount."""
    require(session, Permission.VIEW_RECORDS)
    projects = session.scalars(
        select(FundingProject).where(
            FundingProject.status.in_([ProjectStatus.APPLIED, ProjectStatus.APPROVED,
                                       ProjectStatus.COMPLETED]),
            FundingProject.applied_on.between(date(year, 1, 1), date(year, 12, 31)))
        .options(selectinload(FundingProject.team), selectinload(FundingProject.community))).all()
    funds_row = session.get(FundingYear, year)
    funds = funds_row.amount if funds_row else None
    rows, running = [], Decimal("0.00")
    for position, project in enumerate(sorted(projects, key=queue_key), start=1):
        amount = (project.approved_amount if project.approved_amount is not None
                  else project.subsidy)
        running += amount
        rows.append(QueueRow(position, project.id, project.team.name, project.community.name,
                             project.name, project.urgency, project.applied_on, amount,
                             project.status, running, funds is not None and running <= funds))
    return Queue(year, funds, tuple(rows))


# --- the list -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ProjectRow:
    id: int
    version: int
    team_id: int
    team: str
    community: str
    name: str
    budget: Decimal
    subsidy: Decimal
    applied_on: date
    urgency: Urgency
    status: ProjectStatus
    decided_on: date | None
    approved_amount: Decimal | None
    disbursed: Decimal
    percent: int | None          # the latest month's progress
    expected_completion: date | None
    actual_completion: date | None


def project_rows(session: Session, team_id: int | None = None) -> list[ProjectRow]:
    actor = require(session, Permission.VIEW_RECORDS)
    query = (select(FundingProject).options(
        selectinload(FundingProject.team), selectinload(FundingProject.community),
        selectinload(FundingProject.disbursements), selectinload(FundingProject.progress))
        .order_by(FundingProject.applied_on.desc(), FundingProject.id.desc()))
    allowed = actor.teams_for(Permission.VIEW_RECORDS)
    if allowed is not None:
        query = query.where(FundingProject.team_id.in_(allowed))
    if team_id is not None:
        query = query.where(FundingProject.team_id == team_id)
    return [ProjectRow(p.id, p.version, p.team_id, p.team.name, p.community.name, p.name,
                       p.budget, p.subsidy, p.applied_on, p.urgency, p.status, p.decided_on,
                       p.approved_amount, p.disbursed,
                       p.progress[-1].percent if p.progress else None, p.expected_completion,
                       p.actual_completion)
            for p in session.scalars(query)]
