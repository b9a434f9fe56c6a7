"""附件2 《年直联工作专项经费补贴项目进度登记表》 of a month: every funding project of the team
that was live in the month — applied for by its last day and neither completed nor refused
before its first — in the order of application, with the committee's decision as of the month's
end, the money disbursed up to the month's end, the month's progress (percent and note) and the
expected or actual completion date. Money is exact: ``Decimal`` yuan written as numbers with
two places, and a 合计 row of exact sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlalchemy import and_, not_, or_, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.documents.pdf import para
from app.documents.pdf_pages import LAND_FRAME_W, Title, build
from app.documents.pdf_tables import table
from app.forms.common import (SIGN_LINE, Col, FormSheet, Scope, day, money, money_sum,
                              money_text, month_bounds, pdf_line, scope_for, span, write_xlsx)
from app.forms.form1 import decision_text, pdf_styles
from app.models import FundingProject, ProjectStatus

NO_PROGRESS = "本月未报进度"


@dataclass(frozen=True)
class Form2Row:
    seq: int
    uid: str
    team: str
    community: str
    name: str                         # 项目名称
    situation: str                    # 现状
    plan: str                         # 方案
    budget: Decimal                   # 总预算
    subsidy: Decimal                  # 申请补贴
    applied_on: date                  # 申请日期
    urgency: str                      # 紧急程度
    status: str                       # as of the month's end: 已申请 / 已批准 / 未批准 / 已完工
    decided_on: date | None           # as of the month's end
    approved_amount: Decimal | None
    refusal_reason: str
    decision: str                     # 党委会决定（日期、批准金额/不批准原因）
    disbursed: Decimal                # 已拨付, up to the month's end
    percent: int | None               # 本月进度
    progress_note: str
    progress: str                     # 本月进度（%、说明）
    expected_completion: date | None
    actual_completion: date | None    # in or before the month
    completion: str                   # 预计/实际完工日期

    @property
    def behind(self) -> bool:
        """Approved and running, but no progress reported for the month."""
        return self.progress == NO_PROGRESS


@dataclass(frozen=True)
class Form2Totals:
    projects: int
    budget: Decimal
    subsidy: Decimal
    approved: Decimal
    disbursed: Decimal


def form2_rows(session: Session, year: int, month: int, team_id: int | None) -> list[Form2Row]:
    start, end = month_bounds(year, month)
    return _rows(session, scope_for(session, team_id), year, month, start, end)


def form2_totals(rows: list[Form2Row]) -> Form2Totals:
    return Form2Totals(len(rows), money_sum([r.budget for r in rows]),
                       money_sum([r.subsidy for r in rows]),
                       money_sum([r.approved_amount for r in rows]),
                       money_sum([r.disbursed for r in rows]))


def _rows(session: Session, scope: Scope, year: int, month: int, start: date, end: date
          ) -> list[Form2Row]:
    query = (select(FundingProject)
             .where(FundingProject.applied_on <= end,
                    or_(FundingProject.actual_completion.is_(None),
                        FundingProject.actual_completion >= start),
                    not_(and_(FundingProject.status == ProjectStatus.REFUSED,
                              FundingProject.decided_on < start)))
             .options(selectinload(FundingProject.community), selectinload(FundingProject.team),
                      selectinload(FundingProject.disbursements),
                      selectinload(FundingProject.progress))
             .order_by(FundingProject.applied_on, FundingProject.id))
    if scope.teams is not None:
        query = query.where(FundingProject.team_id.in_(scope.teams))
    rows: list[Form2Row] = []
    for f in session.scalars(query):
        decided = f.decided_on is not None and f.decided_on <= end
        done = f.actual_completion is not None and f.actual_completion <= end
        if done:
            status = ProjectStatus.COMPLETED
        elif decided:
            status = (ProjectStatus.REFUSED if f.status == ProjectStatus.REFUSED
                      else ProjectStatus.APPROVED)
        else:
            status = ProjectStatus.APPLIED
        report = next((p for p in f.progress if (p.year, p.month) == (year, month)), None)
        if report is not None:
            percent, note = report.percent, report.note
            progress = f"{report.percent}%" + (f"，{report.note}" if report.note else "")
        elif done:
            percent, note, progress = 100, "", "100%，已完工"
        elif status == ProjectStatus.APPROVED:
            percent, note, progress = None, "", NO_PROGRESS
        elif status == ProjectStatus.REFUSED:
            percent, note, progress = None, "", "—"
        else:
            percent, note, progress = None, "", "待党委会研究"
        if done:
            completion = f"实际 {day(f.actual_completion)}"
        elif f.expected_completion is not None:
            completion = f"预计 {day(f.expected_completion)}"
        else:
            completion = ""
        rows.append(Form2Row(
            len(rows) + 1, f.uid, f.team.name, f.community.name, f.name, f.situation, f.plan,
            money(f.budget), money(f.subsidy), f.applied_on, f.urgency.label, status.label,
            f.decided_on if decided else None,
            money(f.approved_amount) if decided and status != ProjectStatus.REFUSED else None,
            f.refusal_reason if decided else "",
            decision_text(f, end) or "待党委会研究",
            money_sum([d.amount for d in f.disbursements if d.paid_on <= end]),
            percent, note, progress, f.expected_completion,
            f.actual_completion if done else None, completion))
    return rows


COLUMNS = [Col("序号", 6, "int"), Col("村（社区）", 11), Col("项目名称", 18), Col("现状", 24),
           Col("方案", 24), Col("总预算（元）", 13, "money"), Col("申请补贴（元）", 13, "money"),
           Col("申请日期", 11, "date"), Col("紧急程度", 9),
           Col("党委会决定（日期、批准金额/不批准原因）", 24), Col("已拨付（元）", 13, "money"),
           Col("本月进度（%、说明）", 20), Col("预计/实际完工日期", 14)]
_PROGRESS = 11
MONEY_COLUMNS = (5, 6, 7, 10)   # 总预算, 申请补贴, 申请日期, 已拨付: each on one line


def title_of(scope: Scope, year: int) -> str:
    return f"{scope.town}{year}年直联工作专项经费补贴项目进度登记表"


def _unit_line(scope: Scope, start: date, end: date, n: int) -> str:
    return f"单位：{scope.unit}　　　时间：{span(start, end)}　　　共 {n} 个项目"


def form2_xlsx(session: Session, year: int, month: int, team_id: int | None, out: Path) -> Path:
    start, end = month_bounds(year, month)
    scope = scope_for(session, team_id)
    rows = _rows(session, scope, year, month, start, end)
    t = form2_totals(rows)
    body = [[r.seq, r.community, r.name, r.situation, r.plan, r.budget, r.subsidy, r.applied_on,
             r.urgency, r.decision, r.disbursed, r.progress, r.completion] for r in rows]
    total = ["合计", f"{t.projects} 个", None, None, None, t.budget, t.subsidy, None, None,
             f"批准合计 {money_text(t.approved)} 元", t.disbursed, None, None]
    alerts = {(i, _PROGRESS) for i, r in enumerate(rows) if r.behind}
    out = write_xlsx([FormSheet(
        "附件2", f"{title_of(scope, year)}（{month}月）", _unit_line(scope, start, end, len(rows)),
        COLUMNS, body, total, footer=[SIGN_LINE], alerts=alerts, label="附件2")], Path(out))
    audit.record(session, "export", summary=f"导出附件2（{year}年{month}月"
                 f"{'，' + scope.team.name if scope.team else ''}）：{out.name}（{len(rows)} 个项目）")
    return out


def form2_pdf(session: Session, year: int, month: int, team_id: int | None, out: Path) -> Path:
    start, end = month_bounds(year, month)
    scope = scope_for(session, team_id)
    rows = _rows(session, scope, year, month, start, end)
    t = form2_totals(rows)
    st = pdf_styles()
    story: list[Flowable] = [
        para("附件2", st["body"]), Title(f"{title_of(scope, year)}（{month}月）", 17, 4),
        para(pdf_line(_unit_line(scope, start, end, len(rows))), st["body"]), Spacer(1, 2 * mm)]
    body, looks = [], {}
    for i, r in enumerate(rows):
        body.append([str(r.seq), r.community, r.name, r.situation, r.plan, money_text(r.budget),
                     money_text(r.subsidy), day(r.applied_on), r.urgency, r.decision,
                     money_text(r.disbursed), r.progress, r.completion])
        looks.update({(i, 5): "money", (i, 6): "money", (i, 10): "money", (i, 0): "cell_c",
                      (i, 7): "cell_c", (i, 8): "cell_c"})
        if r.behind:
            looks[(i, _PROGRESS)] = "cell_warn"
    if not rows:
        body.append(["", "", "本月没有在办的专项经费补贴项目。"] + [""] * 10)
    body.append(["合计", f"{t.projects} 个", "", "", "", money_text(t.budget),
                 money_text(t.subsidy), "", "", f"批准合计 {money_text(t.approved)} 元",
                 money_text(t.disbursed), "", ""])
    n = len(body) - 1
    looks.update({(n, 5): "money", (n, 6): "money", (n, 10): "money"})
    # amounts and dates never break inside: their columns widen to the widest (the totals),
    # the text columns give the room; the decision wraps between its words and its amount
    story.append(table(
        ["序号", "村（社区）", "项目名称", "现状", "方案", "总预算（元）", "申请补贴（元）", "申请日期",
         "紧急程度", "党委会决定（日期、批准金额/不批准原因）", "已拨付（元）", "本月进度（%、说明）",
         "预计/实际完工日期"],
        body, [10, 14, 22, 24, 24, 20, 20, 21, 12, 30, 20, 24, 0], st, frame_w=LAND_FRAME_W,
        styles_for=looks, whole=MONEY_COLUMNS))
    story += [Spacer(1, 6 * mm), para(SIGN_LINE, st["body"])]
    out = Path(out)
    pages = build(story, out, title=f"{title_of(scope, year)}（{month}月）", wide=True)
    audit.record(session, "export", summary=f"导出附件2 PDF（{year}年{month}月"
                 f"{'，' + scope.team.name if scope.team else ''}）：{out.name}（{pages} 页）")
    return out
