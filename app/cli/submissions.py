"""Upward submission from the command line (issue 8): ``package`` (a team's monthly zip),
``receive`` (the office imports one), ``bulletin`` (the month's 通报, PDF and optionally xlsx;
a draft — 征求意见稿 — until ``--issue`` numbers and dates it, after which every print is the
issued PDF) and ``export-form`` (附件1 or 附件2 as xlsx or PDF). Signed in like every command; the
services check the rights (packing: the team's liaison; receiving and the bulletin: the
organization office; the forms: whoever may read the team's records).

Every file is written through a temporary name renamed into place, and every export is in the
audit trail (the writers record it); a receipt is recorded by the service with what it merged.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from app.auth import Permission
from app.cli import add_db_option, open_signed_in
from app.errors import DomainError, ValidationError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("package", help="打包驻点团队某月的上报材料（.zip：表格 xlsx 和 PDF、公开栏相片、清单）",
                       description="把驻点团队一个月的上报材料打成一个 zip：附件1、附件2、重点走访登记册进度"
                                   "（xlsx 和 PDF）、书面汇报（PDF）、公开栏相片和 manifest.json（每个文件的 "
                                   "SHA-256）。材料不齐时不打包，并列出缺少什么。")
    add_db_option(p)
    p.add_argument("--team", metavar="NAME", required=True, help="驻点团队名称")
    p.add_argument("--month", metavar="YYYY-MM", required=True, help="哪个月，如 2026-03")
    p.add_argument("--out", metavar="FILE.zip", type=Path, required=True, help="保存到")
    p.set_defaults(handler=cmd_package)

    p = sub.add_parser("receive", help="接收驻点团队的上报材料包（校验每个文件，登记收到并合并数据）",
                       description="逐个文件核对校验值：被改动、缺少或多出文件的材料包整个拒收，并说明原因。"
                                   "同一个材料包重复接收不会改变任何数据。")
    add_db_option(p)
    p.add_argument("file", metavar="FILE.zip", type=Path, help="上报材料包")
    p.set_defaults(handler=cmd_receive)

    p = sub.add_parser("bulletin", help="生成月通报（PDF，A4，带图表），可同时导出 .xlsx",
                       description="未印发的月通报打印为征求意见稿（不编文号）。加 --issue 正式印发："
                                   "编发文字号（如 云组通〔2026〕3号）、定成文日期并保存印发的文本；"
                                   "印发后再打印，都是印发时的文本，文号和日期不变。")
    add_db_option(p)
    p.add_argument("--month", metavar="YYYY-MM", required=True, help="哪个月，如 2026-03")
    p.add_argument("--out", metavar="FILE.pdf", type=Path, required=True, help="PDF 保存到")
    p.add_argument("--xlsx", metavar="FILE.xlsx", type=Path, help="同时导出 .xlsx 到")
    p.add_argument("--issue", action="store_true", help="正式印发：编发文字号，保存印发的文本")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="成文日期（默认今天；不能晚于今天）。已印发的通报不改日期")
    p.set_defaults(handler=cmd_bulletin)

    p = sub.add_parser("export-form",
                       help="导出附件1（需提请党委会研究解决问题表）或附件2（专项经费补贴项目进度登记表）")
    add_db_option(p)
    p.add_argument("--form", required=True, choices=["1", "2"],
                   help="1 附件1 需提请党委会研究解决问题表，2 附件2 专项经费补贴项目进度登记表")
    p.add_argument("--month", metavar="YYYY-MM", required=True, help="哪个月，如 2026-03")
    p.add_argument("--team", metavar="NAME", help="只导出这个驻点团队的（不填：有权查看的全部团队）")
    p.add_argument("--out", metavar="FILE.xlsx", type=Path, required=True,
                   help="保存到（以 .pdf 结尾则导出 PDF）")
    p.set_defaults(handler=cmd_export_form)


def _out(path: Path, *suffixes: str) -> Path:
    path = path.expanduser()
    if path.suffix.lower() not in suffixes:
        raise DomainError(f"输出文件应以 {' 或 '.join(suffixes)} 结尾：“{path}”。")
    if not path.parent.is_dir():
        raise DomainError(f"保存位置“{path.parent}”不存在。")
    return path


def parse_day(text: str | None, what: str = "成文日期") -> date | None:
    """``--date``: a day written 年-月-日 (None if not given)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{what}“{text}”看不懂，请写成“年-月-日”，如 2026-04-02。",
                              "date") from None


def issue_lines(title: str, number: str | None, dated: date | None, already: bool,
                asked: date | None, out: Path) -> list[str]:
    """What the bulletin and check-report commands say about the document's issue."""
    if number is None:
        return [f"已生成{title}（征求意见稿，未编文号，成文日期 {dated:%Y-%m-%d}）：{out}",
                "正式印发请加 --issue（可用 --date 指定成文日期）。"]
    if not already:
        return [f"已印发{title}：{number}，成文日期 {dated:%Y-%m-%d}：{out}"]
    lines = [f"{title}已印发（{number}，成文日期 {dated:%Y-%m-%d}），不再重新编号；"
             f"已按印发时的文本重印：{out}"]
    if asked is not None and asked != dated:
        lines.append(f"注意：已印发的通报不改成文日期，--date {asked:%Y-%m-%d} 没有使用。")
    return lines


def _team_id(session, name: str) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from app.models import Team

    wanted = (name or "").strip()
    team_id = session.scalar(select(Team.id).where(Team.name == wanted))
    if team_id is None:
        raise DomainError(f"找不到驻点团队“{wanted}”，请检查团队名称。")
    return team_id


# --- package -------------------------------------------------------------------------------

def cmd_package(args: argparse.Namespace) -> int:
    from app.ledgers.export import parse_month
    from app.services.submission_package import build_package

    month = parse_month(args.month)   # before signing in: a typo costs no password prompt
    out = _out(args.out, ".zip")
    with open_signed_in(args, Permission.KEEP_RECORDS) as db, db.session() as session:
        team_id = _team_id(session, args.team)
        built = build_package(session, team_id, month.year, month.month, out)
    print(f"已打包{args.team.strip()} {month.year}年{month.month}月上报材料：{built.path}"
          f"（{built.files} 个文件，{built.path.stat().st_size / 1024:.0f} KB）")
    print(f"材料包 SHA-256：{built.sha256}")
    return 0


# --- receive -------------------------------------------------------------------------------

def cmd_receive(args: argparse.Namespace) -> int:
    from app.services.submission_package import receive_package

    path = args.file.expanduser()
    if not path.is_file():
        raise DomainError(f"找不到文件“{path}”。")
    with open_signed_in(args, Permission.PUBLISH_BULLETIN) as db, db.session() as session:
        receipt = receive_package(session, path)
    when = f"{receipt.year}年{receipt.month}月"
    if receipt.already:
        print(f"已接收过：{receipt.team} {when}的这个材料包已于 "
              f"{receipt.received_at:%Y-%m-%d %H:%M} 接收，这次没有改变任何数据。")
        return 0
    print(f"已接收{receipt.team} {when}的上报材料：{path.name}")
    print(f"接收时间：{receipt.received_at:%Y-%m-%d %H:%M}")
    print("登记收到：" + ("、".join(receipt.items) if receipt.items
                         else "无（这些项目此前已登记收到，以第一次为准）"))
    if receipt.merged:
        print(f"合并数据 {len(receipt.merged)} 项：")
        print("\n".join(f"  {line}" for line in receipt.merged))
    else:
        print("合并数据：无新内容。")
    return 0


# --- bulletin ------------------------------------------------------------------------------

def cmd_bulletin(args: argparse.Namespace) -> int:
    from app.forms.bulletin_pdf import issue_bulletin_pdf, render_bulletin_pdf, title_of
    from app.forms.bulletin_xlsx import render_bulletin_xlsx
    from app.ledgers.export import parse_month
    from app.models import DocumentKind
    from app.services import issued_documents
    from app.services.bulletin import bulletin

    month = parse_month(args.month)
    dated = parse_day(args.date)
    out = _out(args.out, ".pdf")
    xlsx = _out(args.xlsx, ".xlsx") if args.xlsx else None
    with open_signed_in(args, Permission.PUBLISH_BULLETIN) as db, db.session() as session:
        b = bulletin(session, month.year, month.month)
        if args.issue:
            issued = issue_bulletin_pdf(session, month.year, month.month, out, dated=dated, b=b)
            number, on, already = issued.number, issued.document.dated, issued.already
        else:
            found = issued_documents.find_issued(session, DocumentKind.BULLETIN, b.year,
                                                 b.month)
            render_bulletin_pdf(session, b, out, dated=dated)
            number = issued_documents.number_text(found) if found else None
            on, already = (found.dated if found else dated or date.today()), found is not None
        if xlsx is not None:
            render_bulletin_xlsx(session, b, xlsx)
    t = b.totals
    print("\n".join(issue_lines(title_of(b.year, b.month), number, on, already, dated, out))
          + (f"\n表格：{xlsx}" if xlsx else ""))
    print(f"统计至 {b.as_of:%Y-%m-%d}，{len(b.teams)} 个驻点团队：驻点 {t.sessions_held} 次，"
          f"收集问题 {t.problems_raised} 个，办结 {t.problems_solved} 个；资料按时报送 "
          f"{t.submissions_on_time} 项，逾期 {t.submissions_late} 项，缺报 {t.submissions_missing} 项。")
    if b.missing:
        print("缺报：" + "；".join(f"{team} {n} 项" for team, n in b.missing))
    return 0


# --- export-form ---------------------------------------------------------------------------

def cmd_export_form(args: argparse.Namespace) -> int:
    from app.forms.form1 import form1_pdf, form1_xlsx
    from app.forms.form2 import form2_pdf, form2_xlsx
    from app.ledgers.export import parse_month

    month = parse_month(args.month)
    out = _out(args.out, ".xlsx", ".pdf")
    pdf = out.suffix.lower() == ".pdf"
    writer = {("1", False): form1_xlsx, ("1", True): form1_pdf,
              ("2", False): form2_xlsx, ("2", True): form2_pdf}[(args.form, pdf)]
    title = ("附件1 需提请党委会研究解决问题表" if args.form == "1"
             else "附件2 专项经费补贴项目进度登记表")
    with open_signed_in(args, Permission.VIEW_RECORDS) as db, db.session() as session:
        team_id = _team_id(session, args.team) if args.team else None
        writer(session, month.year, month.month, team_id, out)
    whose = f"，{args.team.strip()}" if args.team else ""
    print(f"已导出{title}（{month.year}年{month.month}月{whose}，{'PDF' if pdf else 'xlsx'}）：{out}")
    return 0
