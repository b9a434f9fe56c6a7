"""The ledger check (台账资料抽查): each month one team is drawn, the team checked least recently
first, ties broken by a seeded random draw whose seed and candidates are recorded, so anyone can
re-run it (``replay_draw``) and get the same team. In the town's full-check months (settings,
"6,12" by default) every team is checked instead.

The drawn team has ``check_due_days`` (7) from the notice to hand in its ledgers; a later
delivery — or none by the time the check is reported — is a finding of its own. The checklist
comes from the town's template, each item with the evidence the app already holds.
Running checks needs ``RUN_SPOT_CHECKS``.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.auth import Permission, actor_of, require
from app.errors import DomainError, NotFoundError, ValidationError
from app.models import (CheckItemTemplate, CheckKind, Finding, FindingSource, ItemResult,
                        LedgerCheck, LedgerCheckItem, Severity, Team)
from app.normalize import clean_text
from app.services.check_evidence import evidence
from app.services.common import check_version, optional
from app.services.settings import get_settings


# --- the draw ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    team_id: int
    team: str
    last_checked: str | None     # "2026-03", or None: never checked


def draw_team(candidates: list[Candidate], seed: str, year: int, month: int) -> Candidate:
    """The rule itself, without the database: the least recently checked first (never checked
    before any), ties broken by ``random.Random(seed:YYYY-MM)`` over the tied teams by id."""
    if not candidates:
        raise DomainError(f"{year} 年 {month} 月没有可抽查的驻点团队。")
    oldest = min(c.last_checked or "" for c in candidates)
    tied = sorted((c for c in candidates if (c.last_checked or "") == oldest),
                  key=lambda c: c.team_id)
    rng = random.Random(f"{seed}:{year:04d}-{month:02d}")
    return tied[rng.randrange(len(tied))]


def _month(year: int, month: int) -> tuple[date, date]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationError(f"月份 {year}-{month:02d} 不正确", "month")
    first = date(year, month, 1)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, nxt - timedelta(days=1)


def candidates(session: Session, year: int, month: int) -> list[Candidate]:
    """Teams in service on the first of the month, with the month each was last checked."""
    first, _last = _month(year, month)
    key = LedgerCheck.year * 100 + LedgerCheck.month
    last = (select(LedgerCheck.team_id, func.max(key).label("last"))
            .where(key < year * 100 + month).group_by(LedgerCheck.team_id).subquery())
    rows = session.execute(
        select(Team.id, Team.name, last.c.last).outerjoin(last, last.c.team_id == Team.id)
        .where(or_(Team.dissolved_on.is_(None), Team.dissolved_on > first))
        .order_by(Team.id))
    return [Candidate(tid, name, f"{value // 100:04d}-{value % 100:02d}" if value else None)
            for tid, name, value in rows]


@dataclass(frozen=True)
class Draw:
    checks: tuple[LedgerCheck, ...]
    seed: str
    full: bool
    already: bool      # the month had been drawn before: nothing new was drawn


def draw_check(session: Session, year: int, month: int, notice_on: date | None = None,
               seed: str | None = None) -> Draw:
    """Draw the month's team (or, in a full-check month, take every team: no draw, so no
    seed) and open the checks. A month already drawn is returned as it is: a draw is never
    repeated."""
    require(session, Permission.RUN_SPOT_CHECKS)
    first, last = _month(year, month)
    if first > date.today():
        raise ValidationError(f"{year} 年 {month} 月还没到，不能提前抽签。", "month")
    existing = session.scalars(select(LedgerCheck).where(
        LedgerCheck.year == year, LedgerCheck.month == month).order_by(LedgerCheck.id)).all()
    if existing:
        return Draw(tuple(existing), existing[0].seed, existing[0].kind == CheckKind.FULL, True)
    settings = get_settings(session)
    notice_on = notice_on or max(first, min(date.today(), last))
    if not first <= notice_on <= last:
        raise ValidationError(f"通知日期应在 {year} 年 {month} 月内", "notice_on")
    pool = candidates(session, year, month)
    full = month in settings.full_check_month_numbers
    seed = clean_text(seed or "") or secrets.token_hex(8)
    if len(seed) > 64:
        raise ValidationError("随机种子不超过 64 个字符", "seed")
    chosen = pool if full else [draw_team(pool, seed, year, month)]
    if not chosen:
        raise DomainError(f"{year} 年 {month} 月没有可抽查的驻点团队。")
    pool_json = json.dumps([c.__dict__ for c in pool], ensure_ascii=False)
    made = []
    for candidate in chosen:
        check = _open_check(session, year, month, CheckKind.FULL if full else CheckKind.MONTHLY,
                            candidate.team_id, seed if not full else "",
                            pool_json if not full else "", notice_on, settings.check_due_days)
        made.append(check)
    session.flush()
    names = "、".join(c.team for c in chosen) if not full else f"全部 {len(chosen)} 个团队"
    audit.record(session, "draw", "ledger_check", made[0].id,
                 f"{year} 年 {month} 月台账资料{'全面检查' if full else '抽查'}：{names}",
                 {"种子": seed} if not full else None)
    return Draw(tuple(made), seed if not full else "", full, False)


def replay_draw(session: Session, check_id: int) -> Candidate:
    """Re-run a recorded draw from its seed and candidates: returns the team it gives."""
    check = get_check(session, check_id)
    if check.kind != CheckKind.MONTHLY or not check.seed:
        raise DomainError("全面检查不是抽签产生的，没有可复核的抽签。")
    pool = [Candidate(**c) for c in json.loads(check.pool)]
    return draw_team(pool, check.seed, check.year, check.month)


def _open_check(session: Session, year: int, month: int, kind: CheckKind, team_id: int,
                seed: str, pool: str, notice_on: date, due_days: int) -> LedgerCheck:
    previous = session.scalar(select(func.max(LedgerCheck.period_end)).where(
        LedgerCheck.team_id == team_id))
    start = max(previous + timedelta(days=1) if previous else date(notice_on.year, 1, 1),
                notice_on - timedelta(days=365))
    check = LedgerCheck(year=year, month=month, kind=kind, team_id=team_id, seed=seed, pool=pool,
                        period_start=min(start, notice_on), period_end=notice_on,
                        notice_on=notice_on, due_on=notice_on + timedelta(days=due_days))
    found = evidence(session, team_id, check.period_start, check.period_end)
    templates = session.scalars(select(CheckItemTemplate).where(CheckItemTemplate.active)
                                .order_by(CheckItemTemplate.position)).all()
    for position, template in enumerate(templates):
        check.items.append(LedgerCheckItem(
            template_id=template.id, position=position, name=template.name,
            points=template.points, evidence=found.lines(template.evidence)))
    session.add(check)
    return check


# --- one check ---------------------------------------------------------------------------

def get_check(session: Session, check_id: int) -> LedgerCheck:
    require(session, Permission.RUN_SPOT_CHECKS)
    check = session.scalars(select(LedgerCheck).where(LedgerCheck.id == check_id).options(
        selectinload(LedgerCheck.items), selectinload(LedgerCheck.findings))).one_or_none()
    if check is None:
        raise NotFoundError(f"找不到这次台账抽查（编号 {check_id}）。")
    return check


def record_delivery(session: Session, check_id: int, received_on: date,
                    expected_version: int | None = None) -> LedgerCheck:
    """The day the team handed its ledgers in; after the due date it is a finding."""
    check = get_check(session, check_id)
    check_version(check, expected_version, "台账抽查")
    _unreported(check)
    if received_on < check.notice_on:
        raise ValidationError(f"报送日期不能早于通知日期（{check.notice_on:%Y-%m-%d}）",
                              "received_on")
    if received_on > date.today():
        raise ValidationError("报送日期不能晚于今天", "received_on")
    check.received_on = received_on
    _late_delivery_finding(session, check)
    session.flush()
    return check


def _late_delivery_finding(session: Session, check: LedgerCheck) -> None:
    if not check.is_late() or any(f.source == FindingSource.LATE_DELIVERY for f in check.findings):
        return
    if check.received_on is not None:
        days = (check.received_on - check.due_on).days
        text = (f"台账资料逾期报送：应于 {check.due_on:%Y-%m-%d} 前报送，"
                f"{check.received_on:%Y-%m-%d} 才报送（迟 {days} 天）")
        found_on = check.received_on
    else:
        text = f"台账资料未按时报送：应于 {check.due_on:%Y-%m-%d} 前报送，至今未报送"
        found_on = max(check.due_on + timedelta(days=1), min(date.today(), check.period_end
                                                             + timedelta(days=60)))
    check.findings.append(Finding(
        source=FindingSource.LATE_DELIVERY, team_id=check.team_id, found_on=found_on,
        severity=Severity.MINOR, description=text,
        requirement="今后接到抽查通知后一周内报送台账资料", deadline=found_on + timedelta(days=7)))


@dataclass
class ItemInput:
    id: int
    result: ItemResult | None
    notes: str = ""


def save_check(session: Session, check_id: int, items: list[ItemInput], checked_on: date | None,
               checker: str, summary: str, expected_version: int | None = None) -> LedgerCheck:
    """The checker's results: pass / fail and notes per item, who checked, when, a summary."""
    check = get_check(session, check_id)
    check_version(check, expected_version, "台账抽查")
    _unreported(check)
    by_id = {item.id: item for item in check.items}
    for entry in items:
        item = by_id.get(entry.id)
        if item is None:
            raise NotFoundError("有抽查项目已不在这次抽查中，请重新打开。")
        item.result = entry.result
        item.notes = optional(clean_text(entry.notes), "notes", f"“{item.name}”的说明", 2000)
    if checked_on is not None and checked_on < check.notice_on:
        raise ValidationError("检查日期不能早于通知日期", "checked_on")
    check.checked_on = checked_on
    check.checker = optional(clean_text(checker), "checker", "检查人", 120)
    check.summary = optional(clean_text(summary), "summary", "检查意见", 5000)
    session.flush()
    return check


def score(check: LedgerCheck) -> tuple[int, int]:
    """(points of the passed items, points of all items)."""
    return (sum(i.points for i in check.items if i.result == ItemResult.PASS),
            sum(i.points for i in check.items))


def report_check(session: Session, check_id: int, expected_version: int | None = None
                 ) -> LedgerCheck:
    """Lock the check and its findings (they go to the party committee as they are)."""
    check = get_check(session, check_id)
    check_version(check, expected_version, "台账抽查")
    _unreported(check)
    open_items = [i.name for i in check.items if i.result is None]
    if open_items:
        raise DomainError("还有抽查项目没有结论：" + "、".join(open_items))
    if check.checked_on is None or not check.checker:
        raise DomainError("请填写检查日期和检查人后再上报。")
    failed = [i.name for i in check.items if i.result == ItemResult.FAIL]
    if failed and not any(f.source == FindingSource.LEDGER_CHECK for f in check.findings):
        raise DomainError("以下项目不合格，请为其登记发现的问题和整改要求后再上报："
                          + "、".join(failed))
    _late_delivery_finding(session, check)
    now = datetime.now().replace(microsecond=0)
    check.reported_at = now
    check.reported_by_name = actor_of(session).display_name[:60]
    for finding in check.findings:
        if finding.reported_at is None:
            finding.reported_at = now
    session.flush()
    audit.record(session, "report", "ledger_check", check.id,
                 f"上报台账抽查结果：{check.team.name}（{check.year} 年 {check.month} 月）")
    return check


def _unreported(check: LedgerCheck) -> None:
    if check.reported:
        raise DomainError(f"这次抽查已于 {check.reported_at:%Y-%m-%d %H:%M} 上报，不能再修改；"
                          "如需更正，请用“更正”并写明原因。")


# --- the list ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CheckRow:
    id: int
    year: int
    month: int
    kind: CheckKind
    team_id: int
    team: str
    seed: str
    notice_on: date
    due_on: date
    received_on: date | None
    late: bool
    passed: int
    total: int
    findings: int
    open_findings: int
    reported: bool
    scored: bool = False  # at least one item has a result: a score means something


def check_rows(session: Session, year: int | None = None) -> list[CheckRow]:
    require(session, Permission.RUN_SPOT_CHECKS)
    query = select(LedgerCheck).options(selectinload(LedgerCheck.items),
                                        selectinload(LedgerCheck.findings),
                                        selectinload(LedgerCheck.team))
    if year is not None:
        query = query.where(LedgerCheck.year == year)
    rows = []
    for c in session.scalars(query.order_by(LedgerCheck.year.desc(), LedgerCheck.month.desc(),
                                            LedgerCheck.id)):
        passed, total = score(c)
        rows.append(CheckRow(c.id, c.year, c.month, c.kind, c.team_id, c.team.name, c.seed,
                             c.notice_on, c.due_on, c.received_on, c.is_late(), passed, total,
                             len(c.findings),
                             sum(1 for f in c.findings if f.status.value != "finding_closed"),
                             c.reported, any(i.result is not None for i in c.items)))
    return rows


# --- the checklist -----------------------------------------------------------------------

@dataclass
class TemplateInput:
    name: str
    points: int
    guidance: str = ""
    evidence: str = ""
    active: bool = True
    id: int | None = None


EVIDENCE_KEYS = {"": "（不自动填写）", "station_log": "驻点日志缺记", "problems": "问题超期与未反馈",
                 "meetings": "周会、月度会议缺开", "key_visits": "走访覆盖",
                 "notice_photos": "公开栏相片"}


def checklist(session: Session, include_retired: bool = False) -> list[CheckItemTemplate]:
    query = select(CheckItemTemplate).order_by(CheckItemTemplate.position, CheckItemTemplate.id)
    if not include_retired:
        query = query.where(CheckItemTemplate.active)
    return list(session.scalars(query))


def save_checklist(session: Session, rows: list[TemplateInput]) -> list[CheckItemTemplate]:
    """The town's checklist and scoring as the settings form holds it (checks already opened
    keep the items they were opened with)."""
    require(session, Permission.RUN_SPOT_CHECKS)
    existing = {t.id: t for t in checklist(session, include_retired=True)}
    seen: set[str] = set()
    kept = []
    for row_no, row in enumerate(rows, start=1):
        name = clean_text(row.name)
        where = f"第 {row_no} 行"
        if not name:
            raise ValidationError(f"{where}：抽查项目名称不能为空", "name")
        if len(name) > 60:
            raise ValidationError(f"{where}：项目名称不超过 60 字", "name")
        if name in seen:
            raise ValidationError(f"{where}：项目“{name}”重复", "name")
        if not 0 <= row.points <= 100:
            raise ValidationError(f"{where}：分值应在 0 到 100 之间", "points")
        if row.evidence not in EVIDENCE_KEYS:
            raise ValidationError(f"{where}：不认识的自动核对项“{row.evidence}”", "evidence")
        seen.add(name)
        template = existing.pop(row.id, None) if row.id is not None else None
        if template is None:   # a name used before comes back as the same item
            template = next((t for t in existing.values() if t.name == name), None)
            if template is not None:
                existing.pop(template.id)
        template = template or CheckItemTemplate()
        template.name, template.points, template.position = name, row.points, row_no - 1
        template.guidance = optional(clean_text(row.guidance), "guidance", f"{where}的说明", 300)
        template.evidence, template.active = row.evidence, row.active
        session.add(template)
        kept.append(template)
    for template in existing.values():   # left out of the form: retired, never deleted
        template.active = False
    session.flush()
    return kept


# --- the office's check settings ---------------------------------------------------------

@dataclass
class CheckSettingsInput:
    full_check_months: list[int]
    check_due_days: int
    patrol_weekday: int
    patrol_start: time
    patrol_end: time


def update_check_settings(session: Session, data: CheckSettingsInput,
                          expected_version: int | None = None) -> None:
    """The months of the full check, the days to hand in ledgers, the patrol afternoon.
    Kept by the organization office (``RUN_SPOT_CHECKS``), not the settings page's clerk."""
    require(session, Permission.RUN_SPOT_CHECKS)
    settings = get_settings(session)
    check_version(settings, expected_version, "设置")
    problems: dict[str, str] = {}
    months = sorted(set(data.full_check_months))
    if any(not 1 <= m <= 12 for m in months):
        problems["full_check_months"] = "全面检查月份应在 1 到 12 之间"
    elif len(months) < 2:
        problems["full_check_months"] = "每年至少安排 2 次全面检查（实施方案要求）"
    if not 1 <= data.check_due_days <= 31:
        problems["check_due_days"] = "报送期限应在 1 到 31 天之间"
    if not 1 <= data.patrol_weekday <= 7:
        problems["patrol_weekday"] = "巡查日应为周一至周日之一"
    if data.patrol_end <= data.patrol_start:
        problems["patrol_end"] = "巡查结束时间应晚于开始时间"
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    settings.full_check_months = ",".join(str(m) for m in months)
    settings.check_due_days = data.check_due_days
    settings.patrol_weekday = data.patrol_weekday
    settings.patrol_start = data.patrol_start
    settings.patrol_end = data.patrol_end
    session.flush()
