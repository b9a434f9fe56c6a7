"""The team's monthly written report (直联工作书面简要汇报材料), typed in the app."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Permission, require_team
from app.errors import ValidationError
from app.models import WrittenReport
from app.normalize import clean_text
from app.services.common import check_version, required


def get_report(session: Session, team_id: int, year: int, month: int) -> WrittenReport | None:
    require_team(session, Permission.VIEW_RECORDS, team_id)
    return session.scalars(select(WrittenReport).where(
        WrittenReport.team_id == team_id, WrittenReport.year == year,
        WrittenReport.month == month)).first()


def save_report(session: Session, team_id: int, year: int, month: int, title: str, body: str,
                expected_version: int | None = None) -> WrittenReport:
    actor = require_team(session, Permission.KEEP_RECORDS, team_id)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationError(f"月份 {year}-{month:02d} 不正确", "month")
    text = (body or "").replace("\r\n", "\n").strip()
    if len(text) < 20:
        raise ValidationError("书面汇报太短了：请写明本月直联工作的主要情况（至少 20 字）", "body")
    if len(text) > 20_000:
        raise ValidationError("书面汇报不超过 20000 字", "body")
    report = get_report(session, team_id, year, month)
    if report is None:
        report = WrittenReport(team_id=team_id, year=year, month=month)
        session.add(report)
    else:
        check_version(report, expected_version, "书面汇报")
    report.title = required(clean_text(title) or f"{year}年{month}月直联工作情况汇报", "title",
                            "标题", 120)
    report.body = text
    report.author = actor.display_name[:60]
    session.flush()
    return report
