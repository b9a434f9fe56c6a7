"""What the records already say about a team, filled in for the ledger checker (台账资料抽查):
station days with no log, weeks without the weekly meeting, months without the monthly meeting,
overdue problems and problems handled but not fed back, households below their visit target and
key households not visited. Every figure comes from the ledgers, never typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Problem, ProblemStatus, TeamCommunity
from app.services import meeting_compliance, station_logs, visits


@dataclass(frozen=True)
class Evidence:
    start: date
    end: date
    station_days_without_log: tuple[date, ...]
    weeks_without_weekly_meeting: tuple[date, ...]     # the Monday of each week
    months_without_monthly_meeting: tuple[date, ...]   # the first of each month
    overdue_problems: tuple[str, ...]                  # problem numbers
    not_fed_back: tuple[str, ...]                      # 已办结 but no feedback yet
    households_below_target: int
    households: int
    key_not_visited: int
    key_households: int
    required_visits: int
    # Months of the period whose notice-board photos were not received by the due day
    # ("2026-03 逾期" / "2026-04 缺报"); None when no month of the period is due yet.
    photo_months: tuple[str, ...] = ()
    photo_months_due: int = 0

    def lines(self, key: str) -> str:
        """The evidence text for one checklist item (``CheckItemTemplate.evidence``)."""
        period = f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"
        if key == "station_log":
            days = self.station_days_without_log
            return (f"{period}：{len(days)} 个驻点日没有驻点日志"
                    + (f"（{_dates(days)}）" if days else "")) if days else f"{period}：驻点日均有日志"
        if key == "problems":
            parts = [f"{period}：超期未办结问题 {len(self.overdue_problems)} 个"
                     + (f"（{_numbers(self.overdue_problems)}）" if self.overdue_problems else ""),
                     f"办结后未反馈 {len(self.not_fed_back)} 个"
                     + (f"（{_numbers(self.not_fed_back)}）" if self.not_fed_back else "")]
            return "；".join(parts)
        if key == "meetings":
            weeks, months = self.weeks_without_weekly_meeting, self.months_without_monthly_meeting
            return (f"{period}：{len(weeks)} 周没有周会记录"
                    + (f"（{_dates(weeks, '周')}）" if weeks else "")
                    + f"；{len(months)} 个月没有参加月度汇报会"
                    + (f"（{'、'.join(f'{m.month}月' for m in months)}）" if months else ""))
        if key == "key_visits":
            return (f"{self.end.year} 年至 {self.end:%m-%d}：重点户 {self.key_households} 户，"
                    f"尚未走访 {self.key_not_visited} 户；全部住户 {self.households} 户，走访不足 "
                    f"{self.required_visits} 次的 {self.households_below_target} 户")
        if key == "notice_photos":
            if not self.photo_months_due:
                return f"{period}：还没有到期的公开栏相片"
            if not self.photo_months:
                return f"{period}：{self.photo_months_due} 个月的公开栏相片均按时报送"
            return (f"{period}：{self.photo_months_due} 个月中公开栏相片未按时报送 "
                    f"{len(self.photo_months)} 个月（{'、'.join(self.photo_months)}）")
        return ""


def _dates(days: tuple[date, ...], suffix: str = "") -> str:
    shown = "、".join(f"{d:%m-%d}{suffix}" for d in days[:10])
    return shown + (f"等 {len(days)} 个" if len(days) > 10 else "")


def _numbers(numbers: tuple[str, ...]) -> str:
    return "、".join(numbers[:10]) + (f"等 {len(numbers)} 个" if len(numbers) > 10 else "")


def evidence(session: Session, team_id: int, start: date, end: date) -> Evidence:
    gaps = tuple(station_logs.station_gaps(session, team_id, start, end))
    weeks: list[date] = []
    months: list[date] = []
    for year in range(start.year, end.year + 1):
        for team in meeting_compliance.compliance(session, year, team_id, today=end):
            weeks += [w.start for w in team.weeks
                      if w.missed and w.start >= start and w.end <= end and w.start not in weeks]
            months += [m.start for m in team.months
                       if m.missed and m.start >= start and m.end <= end]
    overdue = tuple(session.scalars(
        select(Problem.number).where(Problem.team_id == team_id, Problem.reported_on <= end,
                                     Problem.overdue_clause(end))
        .order_by(Problem.deadline)))
    not_fed_back = tuple(session.scalars(
        select(Problem.number).where(Problem.team_id == team_id, Problem.reported_on <= end,
                                     Problem.status == ProblemStatus.DONE)
        .order_by(Problem.reported_on)))
    communities = list(session.scalars(select(TeamCommunity.community_id)
                                       .where(TeamCommunity.team_id == team_id)))
    below = key_missing = households = key_households = 0
    cover = visits.coverage(session, end.year, team_id=team_id)
    households, key_households = cover.households, cover.key_households
    for community_id in communities:
        below += len(visits.not_visited(session, end.year, community_id))
        key_missing += len(visits.not_visited(session, end.year, community_id, key_only=True))
    photo_months, due = _photo_months(session, team_id, start, end)
    return Evidence(start, end, gaps, tuple(sorted(weeks)), tuple(sorted(months)), overdue,
                    not_fed_back, below, households, key_missing, key_households,
                    cover.required_visits, photo_months, due)


def _photo_months(session: Session, team_id: int, start: date, end: date
                  ) -> tuple[tuple[str, ...], int]:
    """The period's months whose photos were due by ``end``, and those not on time."""
    from app.models import SubmissionKind
    from app.services import deadlines

    out, due_count = [], 0
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        for item in deadlines.calendar_for(session, year, month, team_id, today=end):
            if item.kind == SubmissionKind.PHOTOS and item.due <= end:
                due_count += 1
                if item.state in (deadlines.ItemState.LATE, deadlines.ItemState.MISSING):
                    out.append(f"{year}-{month:02d} {item.state.label}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out), due_count
