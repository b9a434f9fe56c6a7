"""Meeting paper from the command line: ``minutes``, ``sign-in-sheet``, ``export-attendance``."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.auth import Permission
from app.cli import add_db_option, open_signed_in
from app.errors import DomainError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("minutes", help="打印会议记录（PDF，A4）：会议信息、议题、决定、签到与签名、更正记录")
    add_db_option(p)
    p.add_argument("--meeting", metavar="ID", type=int, required=True, help="会议编号")
    p.add_argument("--out", metavar="FILE.pdf", type=Path, required=True, help="保存到")
    p.set_defaults(handler=cmd_minutes)

    p = sub.add_parser("sign-in-sheet", help="打印会议签到表（PDF，A4），会前打印供签名")
    add_db_option(p)
    p.add_argument("--meeting", metavar="ID", type=int, required=True, help="会议编号")
    p.add_argument("--out", metavar="FILE.pdf", type=Path, required=True, help="保存到")
    p.set_defaults(handler=cmd_sign_in_sheet)

    p = sub.add_parser("export-attendance",
                       help="导出会议签到考勤表（.xlsx，A4 横向打印）：签到明细和个人出席率")
    add_db_option(p)
    p.add_argument("--month", metavar="YYYY-MM", required=True, help="哪个月，如 2026-03")
    p.add_argument("--team", metavar="NAME", help="只导出这个驻点团队的")
    p.add_argument("--out", metavar="FILE.xlsx", type=Path, required=True, help="保存到")
    p.set_defaults(handler=cmd_export_attendance)


def _out(path: Path, suffix: str) -> Path:
    path = path.expanduser()
    if path.suffix.lower() != suffix:
        raise DomainError(f"输出文件应以 {suffix} 结尾：“{path}”。")
    if not path.parent.is_dir():
        raise DomainError(f"保存位置“{path.parent}”不存在。")
    return path


def cmd_minutes(args: argparse.Namespace) -> int:
    from app.meetings.pdf import minutes_pdf

    out = _out(args.out, ".pdf")
    with open_signed_in(args, Permission.VIEW_RECORDS) as db, db.session() as session:
        report = minutes_pdf(session, args.meeting, out)
    print(f"已保存会议记录：{report.path}（{report.pages} 页，A4，打印时缩放 100%）")
    return 0


def cmd_sign_in_sheet(args: argparse.Namespace) -> int:
    from app.meetings.pdf import sign_in_sheet_pdf

    out = _out(args.out, ".pdf")
    with open_signed_in(args, Permission.VIEW_RECORDS) as db, db.session() as session:
        report = sign_in_sheet_pdf(session, args.meeting, out)
    print(f"已保存会议签到表：{report.path}（{report.pages} 页，另有 {report.blank_rows} 行空白供列席人员签到）")
    return 0


def cmd_export_attendance(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.ledgers.export import parse_month
    from app.meetings.attendance_xlsx import export_attendance
    from app.models import Team

    month = parse_month(args.month)   # before signing in: a typo costs no password prompt
    out = _out(args.out, ".xlsx")
    with open_signed_in(args, Permission.VIEW_RECORDS) as db, db.session() as session:
        team_id = None
        if args.team:
            team_id = session.scalar(select(Team.id).where(Team.name == args.team.strip()))
            if team_id is None:
                raise DomainError(f"找不到驻点团队“{args.team}”，请检查团队名称。")
        result = export_attendance(session, month.year, month.month, team_id, out)
    print(f"已导出会议签到考勤表（{month.year}年{month.month}月，会议 {result.meetings} 次，"
          f"签到记录 {result.rows} 条，{result.people} 人）：{result.path}")
    return 0
