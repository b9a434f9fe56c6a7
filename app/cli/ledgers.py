"""The ledgers as print-ready xlsx: ``export-ledger``."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.auth import Permission
from app.cli import add_db_option, open_signed_in
from app.errors import DomainError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export-ledger",
                       help="导出台账（.xlsx，可直接打印：A3 或 A4 横向）：驻点日志、接待台账、问题台账等")
    add_db_option(p)
    p.add_argument("--kind", required=True,
                   choices=["log", "reception", "problems", "visits", "register"],
                   help="log 驻点日志，reception 接待台账，problems 问题台账，"
                        "visits 走访记录，register 重点走访登记册")
    period = p.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", metavar="YYYY-MM", help="哪个月，如 2026-03")
    period.add_argument("--year", metavar="YYYY",
                        help="整年一个文件，如 2025（只用于 problems 问题台账）")
    p.add_argument("--team", metavar="NAME", help="只导出这个驻点团队的")
    p.add_argument("--out", metavar="FILE.xlsx", type=Path, required=True, help="保存到")
    p.set_defaults(handler=cmd_export_ledger)


def _out(path: Path) -> Path:
    path = path.expanduser()
    if path.suffix.lower() != ".xlsx":
        raise DomainError(f"输出文件应以 .xlsx 结尾：“{path}”。")
    if not path.parent.is_dir():
        raise DomainError(f"保存位置“{path.parent}”不存在。")
    return path


def cmd_export_ledger(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.ledgers.export import (TITLES, LedgerKind, export_ledger, export_ledger_year,
                                    parse_month, parse_year)
    from app.models import Team

    # before signing in: a typo costs no password prompt
    if args.year is not None:
        if args.kind != LedgerKind.PROBLEMS:
            raise DomainError(f"按年导出（--year）只适用于问题台账（--kind problems）；"
                              f"{TITLES[LedgerKind(args.kind)]}请用 --month 按月导出。")
        year, month = parse_year(args.year), None
    else:
        year, month = None, parse_month(args.month)
    out = _out(args.out)
    with open_signed_in(args, Permission.VIEW_RECORDS) as db, db.session() as session:
        team_id = None
        if args.team:
            team_id = session.scalar(select(Team.id).where(Team.name == args.team.strip()))
            if team_id is None:
                raise DomainError(f"找不到驻点团队“{args.team}”，请检查团队名称。")
        if month is not None:
            result = export_ledger(session, args.kind, month, out, team_id)
        else:
            assert year is not None
            result = export_ledger_year(session, args.kind, year, out, team_id)
    period = f"{year}年" if month is None else f"{month.year}年{month.month}月"
    print(f"已导出{TITLES[LedgerKind(args.kind)]}（{period}，{result.rows} 条）：{result.path}")
    return 0
