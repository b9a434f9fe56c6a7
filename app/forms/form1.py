"""附件1 《月需提请党委会研究解决问题表》: the problems a team raised to the party committee in
the month (the problem ledger holds the form's fields: 现状, 解决方案, 预算金额, 申请补贴金额,
预计完工时间) and the funding projects it applied for in the month (rows “经费申请”), with the
committee's opinion where it has decided. Due by the 30th.

Rows are read as of the records: a problem counts in the month it was registered (reported_on)
with the handling level 提请党委会; a project in the month of its application (applied_on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.documents.pdf import para, styles
from app.documents.pdf_pages import LAND_FRAME_W, Title, build
from app.documents.pdf_tables import table
from app.forms.common import (SIGN_LINE, Col, FormSheet, Scope, day, money, money_sum,
                              money_text, month_bounds, pdf_line, scope_for, span, write_xlsx)
from app.models import FundingProject, HandlingLevel, Problem, ProjectStatus, TeamCommunity
from app.services.problems import ProblemFilter, problem_query

PROBLEM = "问题"
FUNDING = "经费申请"


@dataclass(frozen=True)
class Form1Row:
    seq: int
    kind: str                      # 问题 | 经费申请
    ref: str                       # the problem's number, or the project's uid
    team: str
    community: str
    problem: str                   # 问题 (for a project: “经费申请：name”)
    situation: str                 # 现状
    solution: str                  # 解决方案
    budget: Decimal | None         # 预算金额（元）
    subsidy: Decimal | None        # 申请补贴金额（元）
    expected_completion: date | None
    opinion: str                   # 党委会意见 (blank until the committee decides)


def form1_rows(session: Session, year: int, month: int, team_id: int | None) -> list[Form1Row]:
    start, end = month_bounds(year, month)
    scope = scope_for(session, team_id)
    return _rows(session, scope, start, end)


def _rows(session: Session, scope: Scope, start: date, end: date) -> list[Form1Row]:
    query = (problem_query(session, ProblemFilter(start=start, end=end))
             .where(Problem.level == HandlingLevel.PARTY_COMMITTEE)
             .options(selectinload(Problem.community))
             .order_by(Problem.reported_on, Problem.number))
    if scope.teams is not None:
        served = select(TeamCommunity.community_id).where(TeamCommunity.team_id.in_(scope.teams))
        query = query.where(or_(Problem.team_id.in_(scope.teams),
                                Problem.team_id.is_(None) & Problem.community_id.in_(served)))
    team_names = _team_names(session)
    rows: list[Form1Row] = []
    for p in session.scalars(query):
        opinion = "，".join(x for x in (day(p.committee_decided_on), p.committee_decision) if x)
        rows.append(Form1Row(
            len(rows) + 1, PROBLEM, p.number, team_names.get(p.team_id, ""), p.community.name,
            p.description, p.situation, p.solution, money(p.budget), money(p.subsidy),
            p.expected_completion, opinion))
    projects = (select(FundingProject).where(FundingProject.applied_on.between(start, end))
                .options(selectinload(FundingProject.community))
                .order_by(FundingProject.applied_on, FundingProject.id))
    if scope.teams is not None:
        projects = projects.where(FundingProject.team_id.in_(scope.teams))
    for f in session.scalars(projects):
        rows.append(Form1Row(
            len(rows) + 1, FUNDING, f.uid, team_names.get(f.team_id, ""), f.community.name,
            f"经费申请：{f.name}（{f.urgency.label}）", f.situation, f.plan, money(f.budget),
            money(f.subsidy), f.expected_completion, decision_text(f)))
    return rows


def decision_text(f: FundingProject, as_of: date | None = None) -> str:
    """The committee's decision on a project as a line of the forms (blank while pending)."""
    if f.decided_on is None or (as_of is not None and f.decided_on > as_of):
        return ""
    if f.status == ProjectStatus.REFUSED:
        return f"{day(f.decided_on)} 不批准：{f.refusal_reason or '（未写原因）'}"
    if f.approved_amount is not None:
        return f"{day(f.decided_on)} 批准 {money_text(f.approved_amount)} 元"
    return f"{day(f.decided_on)} 批准"


def _team_names(session: Session) -> dict[int | None, str]:
    from app.models import Team

    return dict(session.execute(select(Team.id, Team.name)).all())


COLUMNS = [Col("序号", 6, "int"), Col("村（社区）", 12), Col("问题", 30), Col("现状", 30),
           Col("解决方案", 30), Col("预算金额（元）", 14, "money"),
           Col("申请补贴金额（元）", 14, "money"), Col("预计完工时间", 12, "date"),
           Col("党委会意见", 24)]


def title_of(scope: Scope, year: int, month: int) -> str:
    return f"{scope.town}{scope.communities}{year}年{month}月需提请党委会研究解决问题表"


def unit_line(scope: Scope, start: date, end: date, n: int) -> str:
    return f"单位：{scope.unit}　　　时间：{span(start, end)}　　　共 {n} 项"


def form1_xlsx(session: Session, year: int, month: int, team_id: int | None, out: Path) -> Path:
    start, end = month_bounds(year, month)
    scope = scope_for(session, team_id)
    rows = _rows(session, scope, start, end)
    body = [[r.seq, r.community, r.problem, r.situation, r.solution, r.budget, r.subsidy,
             r.expected_completion, r.opinion] for r in rows]
    total = ["合计", f"{len(rows)} 项", None, None, None, money_sum([r.budget for r in rows]),
             money_sum([r.subsidy for r in rows]), None, None]
    out = write_xlsx([FormSheet(
        "附件1", title_of(scope, year, month), unit_line(scope, start, end, len(rows)),
        COLUMNS, body, total, footer=[SIGN_LINE], label="附件1")], Path(out))
    audit.record(session, "export", summary=f"导出附件1（{year}年{month}月"
                 f"{'，' + scope.team.name if scope.team else ''}）：{out.name}（{len(rows)} 项）")
    return out


def form1_pdf(session: Session, year: int, month: int, team_id: int | None, out: Path) -> Path:
    start, end = month_bounds(year, month)
    scope = scope_for(session, team_id)
    rows = _rows(session, scope, start, end)
    st = pdf_styles()
    story: list[Flowable] = [
        para("附件1", st["body"]), Title(title_of(scope, year, month), 17, 4),
        para(pdf_line(unit_line(scope, start, end, len(rows))), st["body"]), Spacer(1, 2 * mm)]
    body, looks = [], {}
    for i, r in enumerate(rows):
        body.append([str(r.seq), r.community, r.problem, r.situation, r.solution,
                     money_text(r.budget), money_text(r.subsidy), day(r.expected_completion),
                     r.opinion])
        looks.update({(i, 5): "money", (i, 6): "money", (i, 0): "cell_c"})
    if not rows:
        body.append(["", "", "本月没有需提请党委会研究解决的问题，也没有经费申请。", "", "", "", "",
                     "", ""])
    body.append(["合计", f"{len(rows)} 项", "", "", "", money_text(money_sum([r.budget for r in rows])),
                 money_text(money_sum([r.subsidy for r in rows])), "", ""])
    n = len(body) - 1
    looks.update({(n, 5): "money", (n, 6): "money"})
    # amounts and dates never break inside (their columns widen to the widest, the text
    # columns give the room)
    story.append(table(
        ["序号", "村（社区）", "问题", "现状", "解决方案", "预算金额（元）", "申请补贴金额（元）",
         "预计完工时间", "党委会意见"], body, [10, 20, 44, 44, 44, 24, 24, 21, 0], st,
        frame_w=LAND_FRAME_W, styles_for=looks, whole=MONEY_COLUMNS))
    story += [Spacer(1, 6 * mm), para(SIGN_LINE, st["body"])]
    out = Path(out)
    pages = build(story, out, title=title_of(scope, year, month), wide=True)
    audit.record(session, "export", summary=f"导出附件1 PDF（{year}年{month}月"
                 f"{'，' + scope.team.name if scope.team else ''}）：{out.name}（{pages} 页）")
    return out


MONEY_COLUMNS = (5, 6, 7)     # 预算金额, 申请补贴金额, 预计完工时间: each on one line


def pdf_styles() -> dict[str, ParagraphStyle]:
    """The forms' PDF styles: 9.5 pt cells, money right-aligned (附件1 and 附件2)."""
    st = styles()
    st["cell"] = ParagraphStyle("form_cell", parent=st["cell"], fontSize=9.5, leading=12.5)
    st["money"] = ParagraphStyle("form_money", parent=st["cell"], alignment=TA_RIGHT)
    st["cell_c"] = ParagraphStyle("form_cell_c", parent=st["cell_c"], fontSize=9.5,
                                  leading=12.5)
    st["head"] = ParagraphStyle("form_head", parent=st["head"], fontSize=10, leading=12.5)
    return st
