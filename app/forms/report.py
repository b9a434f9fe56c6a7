"""The team's written report of the month (直联工作书面简要汇报材料) as an A4 PDF: the title,
the team and month, the author, then the body, one indented paragraph per line. The bulletin
prints reports as submitted (the seeds: no later editing), so the body is laid out verbatim.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlalchemy.orm import Session

from app import audit
from app.errors import DomainError
from app.forms.common import month_bounds, scope_for
from app.documents.pdf import para, paras, styles
from app.documents.pdf_pages import Title, build
from app.services.written_reports import get_report


def report_pdf(session: Session, year: int, month: int, team_id: int | None, out: Path) -> Path:
    month_bounds(year, month)
    if team_id is None:
        raise DomainError("书面汇报按驻点团队导出，请选择一个驻点团队。")
    scope = scope_for(session, team_id)
    team = scope.team
    assert team is not None
    report = get_report(session, team_id, year, month)
    if report is None:
        raise DomainError(f"{team.name}还没有{year}年{month}月的书面汇报，"
                          "请先在“月度上报”中填写书面汇报再导出。")
    st = styles()
    st["byline"] = ParagraphStyle("byline", parent=st["subtitle"], fontSize=11.5, leading=17)
    st["report"] = ParagraphStyle("report", parent=st["indent"], fontSize=12, leading=21,
                                  spaceAfter=3)
    st["sign"] = ParagraphStyle("sign", parent=st["body"], fontSize=12, leading=20,
                                alignment=TA_RIGHT)
    story: list[Flowable] = [
        Title(report.title, 19, 6),
        para(f"{scope.town}{team.name}　{year}年{month}月", st["byline"]),
        para(f"撰写：{report.author or '（未署名）'}", st["byline"]),
        Spacer(1, 5 * mm)]
    story += paras(report.body, st["report"], empty="（正文为空）")
    story += [Spacer(1, 8 * mm), para(team.name, st["sign"]),
              para(f"{year}年{month}月", st["sign"])]
    out = Path(out)
    pages = build(story, out, title=f"{team.name}{year}年{month}月{report.title}")
    audit.record(session, "export", "written_report", report.id,
                 f"导出书面汇报（{year}年{month}月，{team.name}）：{out.name}（{pages} 页）")
    return out
