"""The monthly bulletin (月通报) as a print-ready xlsx, from ``app.services.bulletin.bulletin``:
sheet 通报 (every team's figures in ranking order and the town's totals, counts as numbers),
sheet 趋势 (the twelve months up to the bulletin's) and sheet 报送情况 (each item each team owed
for the month, its due date and state; 缺报 in bold red).

Paper: the figures' 25 columns print on A3 landscape (on A4 each would be two characters wide
at 10 pt); the trend and the states, five columns each, on A4 portrait.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app import audit
from app.forms.bulletin_pdf import percent
from app.documents.xlsx import A3_LANDSCAPE, A4_PORTRAIT
from app.forms.common import Col, FormSheet, write_xlsx
from app.services import deadlines
from app.services.bulletin import Bulletin, TeamFigures, bulletin
from app.services.settings import get_settings

COLUMNS = [Col("排名", 6, "int"), Col("驻点团队", 22), Col("综合得分", 9, "decimal"),
           Col("应驻点次数", 9, "int"), Col("实际驻点次数", 9, "int"), Col("住户数", 9, "int"),
           Col("本年走访达标户", 10, "int"), Col("住户走访覆盖率（%）", 11, "decimal"),
           Col("重点户（在册）", 9, "int"), Col("本月走访重点户", 10, "int"),
           Col("重点户月度目标", 9, "int"), Col("收集问题", 8, "int"), Col("办结问题", 8, "int"),
           Col("现场解决", 8, "int"), Col("现场解决率（%）", 10, "decimal"), Col("超期未办结", 9, "int"),
           Col("应开周会", 8, "int"), Col("召开周会", 8, "int"), Col("参加月度会议", 9),
           Col("督查未整改", 9, "int"), Col("其中超期", 8, "int"), Col("本月整改销号", 9, "int"),
           Col("按时报送", 8, "int"), Col("逾期报送", 8, "int"), Col("缺报", 7, "int")]
_MISSING = 24

TREND_COLUMNS = [Col("年月", 12), Col("驻点次数", 12, "int"), Col("收集问题", 12, "int"),
                 Col("办结问题", 12, "int"), Col("走访次数", 12, "int")]

STATE_COLUMNS = [Col("驻点团队", 22), Col("上报事项", 36), Col("应报日期", 12, "date"),
                 Col("状态", 10), Col("报送时间", 18)]


def figures_row(f: TeamFigures, monthly: object) -> list[object]:
    return [f.rank or None, f.team, f.score, f.station_days, f.sessions_held, f.households,
            f.households_visited, percent(f.households_visited, f.households), f.key_households,
            f.key_visited, f.key_target, f.problems_raised, f.problems_solved, f.solved_on_site,
            f.solved_on_site_percent, f.overdue, f.weekly_meetings_expected,
            f.weekly_meetings_held, monthly, f.findings_open, f.findings_overdue,
            f.findings_closed, f.submissions_on_time, f.submissions_late,
            f.submissions_missing]


def bulletin_xlsx(session: Session, year: int, month: int, out: Path,
                  today: date | None = None) -> Path:
    b = bulletin(session, year, month, today=today)
    return render_bulletin_xlsx(session, b, out)


def render_bulletin_xlsx(session: Session, b: Bulletin, out: Path) -> Path:
    settings = get_settings(session)
    town = settings.town_name or ""
    period = f"{b.year}年{b.month}月1日至{b.as_of.month}月{b.as_of.day}日"
    rows = [figures_row(f, "是" if f.monthly_meeting else "否") for f in b.teams]
    total = figures_row(b.totals, f"{sum(1 for f in b.teams if f.monthly_meeting)} 个团队")
    total[0] = None
    total[1] = "全镇合计"
    alerts = {(i, _MISSING) for i, f in enumerate(b.teams) if f.submissions_missing}
    main = FormSheet("通报", f"{town}{b.year}年{b.month}月驻点直联工作情况通报",
                     f"单位：{town}党委组织办　　　统计期间：{period}　　　共 {len(b.teams)} 个驻点团队",
                     COLUMNS, rows, total, alerts=alerts, paper=A3_LANDSCAPE,
                     footer=["综合得分满分 100 分，计分办法见通报正文“说明”；“本年走访达标户”为本年走访次数达到要求的住户。"])
    trend = FormSheet("趋势", f"{town}近十二个月驻点直联工作趋势（至{b.year}年{b.month}月）",
                      f"单位：{town}党委组织办", TREND_COLUMNS,
                      [[f"{p.year}年{p.month}月", p.sessions_held, p.problems_raised,
                        p.problems_solved, p.visits] for p in b.trend],
                      ["合计", sum(p.sessions_held for p in b.trend),
                       sum(p.problems_raised for p in b.trend),
                       sum(p.problems_solved for p in b.trend), sum(p.visits for p in b.trend)],
                      paper=A4_PORTRAIT)
    items = deadlines.calendar_for(session, b.year, b.month, today=b.as_of)
    states = FormSheet(
        "报送情况", f"{town}{b.year}年{b.month}月资料报送情况",
        f"单位：{town}党委组织办　　　截至：{b.as_of:%Y-%m-%d}", STATE_COLUMNS,
        [[i.team, i.kind.label, i.due, i.state.label,
          f"{i.received_at:%Y-%m-%d %H:%M}" if i.received_at else ""] for i in items],
        alerts={(n, 3) for n, i in enumerate(items)
                if i.state in (deadlines.ItemState.MISSING, deadlines.ItemState.LATE)},
        paper=A4_PORTRAIT)
    out = write_xlsx([main, trend, states], Path(out))
    audit.record(session, "export", summary=f"导出{b.year}年{b.month}月通报 xlsx：{out.name}"
                 f"（{len(b.teams)} 个团队）")
    return out
