"""The key-visit register (重点走访登记册) for the monthly submission: the ledger export's
register of the team and month as xlsx (its second sheet is the month's progress), and the
progress sheet as a PDF — each team's key households visited in the month against the monthly
target (the seeds: at least 20 a month) and the year's register coverage so far.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlalchemy.orm import Session

from app import audit
from app.documents.pdf import RED, day_text, para, styles
from app.documents.pdf_pages import Title, build
from app.documents.pdf_tables import table
from app.forms.common import month_bounds, pdf_line, scope_for, span
from app.ledgers.export import LedgerKind, export_ledger
from app.services.visits import coverage


def register_xlsx(session: Session, year: int, month: int, team_id: int | None, out: Path
                  ) -> Path:
    start, _end = month_bounds(year, month)
    return export_ledger(session, LedgerKind.REGISTER, start, Path(out), team_id).path


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def register_pdf(session: Session, year: int, month: int, team_id: int | None, out: Path
                 ) -> Path:
    start, end = month_bounds(year, month)
    scope = scope_for(session, team_id)
    figures = coverage(session, year, month, team_id)
    st = styles()
    title = f"{scope.town}重点走访月度进度表（{year}年{month}月）"
    story: list[Flowable] = [
        Title(title, 18, 4),
        para(pdf_line(f"单位：{scope.unit}　　　时间：{span(start, end)}"), st["subtitle"]), Spacer(1, 3 * mm)]
    rows, red = [], []
    for n, t in enumerate(figures.teams, start=1):
        rows.append([t.team, str(t.key_households), str(t.target), _percent(t.percent),
                     "达标" if t.met else "未达标", str(t.visits)])
        if not t.met:
            red.append(("TEXTCOLOR", (4, n), (4, n), RED))
    if not rows:
        rows.append(["（没有驻点团队）", "", "", "", "", ""])
    story.append(table(["驻点团队", "本月走访重点户", "月度目标", "完成率", "是否达标",
                        "本月走访次数"], rows, [50, 30, 22, 22, 20, 0], st, red))
    story += [Spacer(1, 5 * mm), para(
        f"{year}年重点走访登记册（截至{day_text(end)}）：登记在册重点户 {figures.key_households} 户，"
        f"已走访 {figures.key_visited} 户，覆盖率 {_percent(figures.key_percent)}"
        f"（要求年内 100% 走访）。全部住户 {figures.households} 户，按每户每年至少走访 "
        f"{figures.required_visits} 次计，已达到的 {figures.households_visited} 户"
        f"（{_percent(figures.households_percent)}）。", st["indent"])]
    behind = [t.team for t in figures.teams if not t.met]
    if behind:
        story.append(para(f"本月未达到每月走访 {figures.teams[0].target} 户重点户要求的团队："
                          + "、".join(behind) + "。", st["warn"]))
    out = Path(out)
    pages = build(story, out, title=title)
    audit.record(session, "export", summary=f"导出重点走访月度进度表 PDF（{year}年{month}月"
                 f"{'，' + scope.team.name if scope.team else ''}）：{out.name}（{pages} 页）")
    return out
