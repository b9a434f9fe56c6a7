"""Spot checks from the command line: ``draw-check`` (the month's ledger-check draw, printed so
anyone can verify it), ``check-report`` (the monthly report PDF: a draft — 征求意见稿 — until
``--issue`` numbers and dates it, after which every print is the issued PDF) and ``personal-file`` (a cadre's
annual file, PDF and optionally xlsx). Signed in like every command; needs the right to run spot
checks (组织办, 管理员)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.auth import Permission
from app.cli import add_db_option, open_signed_in
from app.errors import DomainError, ValidationError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.services.spot_checks import Draw

RULE = ("规则：最久未被抽查的团队优先（从未抽查过的最先）；同等条件的团队按编号排列，"
        "用 random.Random(\"种子:年-月\") 从中抽取一个。同一个种子总是抽到同一个团队。")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("draw-check", help="抽取本月台账资料抽查的团队，打印抽中的团队和随机种子",
                       description="每月抽取一个驻点团队检查台账资料（全面检查月份检查全部团队）。"
                                   "已抽过的月份不会重抽，只打印当时的记录。" + RULE)
    add_db_option(p)
    p.add_argument("--month", metavar="YYYY-MM", required=True, help="哪个月，如 2026-03")
    p.add_argument("--seed", metavar="S", help="随机种子（不填则随机生成；复核时填记录中的种子）")
    p.add_argument("--notice", metavar="YYYY-MM-DD",
                   help="通知日期（默认今天；须在该月内），报送期限从这天算起")
    p.set_defaults(handler=cmd_draw_check)

    p = sub.add_parser("check-report", help="打印月度抽查督查情况通报（PDF，A4），供党委会研究",
                       description="未印发的通报打印为征求意见稿（不编文号）。加 --issue 正式印发："
                                   "编发文字号、定成文日期并保存印发的文本；印发后再打印，都是印发时的"
                                   "文本，文号和日期不变。")
    add_db_option(p)
    p.add_argument("--month", metavar="YYYY-MM", required=True, help="哪个月，如 2026-03")
    p.add_argument("--out", metavar="FILE.pdf", type=Path, required=True, help="保存到")
    p.add_argument("--issue", action="store_true", help="正式印发：编发文字号，保存印发的文本")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="成文日期（默认今天；不能晚于今天）。已印发的通报不改日期")
    p.set_defaults(handler=cmd_check_report)

    p = sub.add_parser("personal-file",
                       help="打印干部年度个人档案（PDF，A4），可同时导出 .xlsx，用于年度考核")
    add_db_option(p)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", metavar="NAME", help="干部姓名")
    who.add_argument("--person-id", metavar="ID", type=int, help="人员编号（同名时使用）")
    p.add_argument("--year", metavar="YYYY", required=True, help="年度，如 2026")
    p.add_argument("--out", metavar="FILE.pdf", type=Path, required=True, help="PDF 保存到")
    p.add_argument("--xlsx", metavar="FILE.xlsx", type=Path, help="同时导出 .xlsx 到")
    p.set_defaults(handler=cmd_personal_file)


def _out(path: Path, suffix: str) -> Path:
    path = path.expanduser()
    if path.suffix.lower() != suffix:
        raise DomainError(f"输出文件应以 {suffix} 结尾：“{path}”。")
    if not path.parent.is_dir():
        raise DomainError(f"保存位置“{path.parent}”不存在。")
    return path


def _notice(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"通知日期“{text}”看不懂，请写成“年-月-日”，如 2026-03-02。",
                              "notice") from None


# --- draw-check ----------------------------------------------------------------------------

def cmd_draw_check(args: argparse.Namespace) -> int:
    from app.ledgers.export import parse_month
    from app.services import spot_checks

    month = parse_month(args.month)    # before signing in: a typo costs no password prompt
    notice = _notice(args.notice)
    with open_signed_in(args, Permission.RUN_SPOT_CHECKS) as db, db.session() as session:
        draw = spot_checks.draw_check(session, month.year, month.month, notice, args.seed)
        lines = _draw_lines(session, draw, month, args.seed)
    print("\n".join(lines))
    return 0


def _draw_lines(session: "Session", draw: "Draw", month: date, asked_seed: str | None
                ) -> list[str]:
    from app.services import spot_checks
    from app.services.spot_checks import Candidate

    when = f"{month.year}年{month.month}月"
    first = draw.checks[0]
    lines: list[str] = []
    if draw.already:
        lines.append(f"{when}已经抽过，不再重抽。以下是当时的记录"
                     f"（通知日期 {first.notice_on:%Y-%m-%d}）：")
        if asked_seed and draw.seed and asked_seed.strip() != draw.seed:
            lines.append(f"注意：记录中的种子是“{draw.seed}”，不是这次给出的“{asked_seed}”。")
    if draw.full:
        lines.append(f"{when}是全面检查月份，检查全部 {len(draw.checks)} 个驻点团队：")
        lines += [f"  {c.team.name}（报送期限 {c.due_on:%Y-%m-%d}）" for c in draw.checks]
        return lines
    pool = [Candidate(**c) for c in json.loads(first.pool or "[]")]
    oldest = min((c.last_checked or "" for c in pool), default="")
    lines.append(f"候选团队 {len(pool)} 个（上次抽查月份；* 为同等条件、参加抽签的团队）：")
    for c in pool:
        mark = "*" if (c.last_checked or "") == oldest else " "
        lines.append(f"  {mark} 编号 {c.team_id:>4}  {c.team}　上次抽查：{c.last_checked or '从未抽查'}")
    lines.append(RULE)
    lines.append(f"随机种子：{draw.seed}")
    lines.append(f"抽中团队：{first.team.name}（编号 {first.team_id}）")
    replayed = spot_checks.replay_draw(session, first.id)
    same = "一致" if replayed.team_id == first.team_id else "不一致！请报告管理员"
    lines.append(f"按记录的种子和候选团队复核：抽中 {replayed.team}，与记录{same}。")
    if not draw.already:
        lines.append(f"通知日期 {first.notice_on:%Y-%m-%d}，请该团队于 {first.due_on:%Y-%m-%d} "
                     "前报送台账资料。")
        lines.append(f"复核方法：在抽签前的数据库副本上执行 draw-check --month "
                     f"{month:%Y-%m} --seed {draw.seed}，应抽中同一个团队。")
    return lines


# --- check-report --------------------------------------------------------------------------

def cmd_check_report(args: argparse.Namespace) -> int:
    from app.checks.report_pdf import check_report_pdf, issue_check_report_pdf, title_of
    from app.cli.submissions import issue_lines, parse_day
    from app.ledgers.export import parse_month

    month = parse_month(args.month)
    dated = parse_day(args.date)
    out = _out(args.out, ".pdf")
    with open_signed_in(args, Permission.RUN_SPOT_CHECKS) as db, db.session() as session:
        make = issue_check_report_pdf if args.issue else check_report_pdf
        r = make(session, month.year, month.month, out, dated=dated)
    print(f"已保存{month.year}年{month.month}月抽查督查情况通报：{r.path}（{r.pages} 页，A4）")
    print("\n".join(issue_lines(title_of(month.year, month.month), r.number, r.dated, r.reprint,
                               dated, r.path)))
    print(f"台账抽查 {r.checks} 个团队，下乡巡查 {r.patrols} 次，会议督查 {r.supervisions} 次；"
          f"本月发现问题 {r.found} 个，核查整改 {r.rechecked} 个；尚未整改到位 {r.still_open} 个"
          + (f"，其中超期 {r.overdue} 个。" if r.overdue else "。"))
    return 0


# --- personal-file -------------------------------------------------------------------------

def cmd_personal_file(args: argparse.Namespace) -> int:
    from app.checks.personal_file import personal_file_pdf, personal_file_xlsx
    from app.ledgers.export import parse_year

    year = parse_year(args.year)
    out = _out(args.out, ".pdf")
    xlsx = _out(args.xlsx, ".xlsx") if args.xlsx else None
    with open_signed_in(args, Permission.RUN_SPOT_CHECKS) as db, db.session() as session:
        person_id = args.person_id if args.person_id is not None else \
            _person_named(session, args.person)
        r = personal_file_pdf(session, person_id, year, out)
        if xlsx is not None:
            personal_file_xlsx(session, person_id, year, xlsx)
    pf = r.file
    print(f"已保存{pf.name}的{year}年度个人档案：{r.path}（{r.pages} 页，A4）"
          + (f"；表格：{xlsx}" if xlsx else ""))
    print(f"巡查应在岗 {len(pf.patrols)} 次，缺岗或走过场 {pf.patrol_absences} 次；"
          f"个人督查问题 {len(pf.personal_findings)} 个；团队抽查督查问题 {len(pf.team_findings)} 个。")
    return 0


def _person_named(session: "Session", name: str) -> int:
    from sqlalchemy import select

    from app.models import Membership, Person, Team

    wanted = (name or "").strip()
    people = list(session.scalars(select(Person).where(Person.name == wanted)
                                  .order_by(Person.id)))
    if not people:
        raise DomainError(f"找不到名为“{wanted}”的人员，请检查姓名（或用 --person-id 指定编号）。")
    if len(people) == 1:
        return people[0].id
    teams: dict[int, list[str]] = {}
    for pid, team in session.execute(
            select(Membership.person_id, Team.name).join(Team, Team.id == Membership.team_id)
            .where(Membership.person_id.in_([p.id for p in people]))
            .order_by(Membership.start_date)):
        if team not in teams.setdefault(pid, []):
            teams[pid].append(team)
    listed = "\n".join(
        f"  编号 {p.id}：{p.name}，{p.unit or '（未填单位）'}"
        + (f" {p.position}" if p.position else "")
        + (f"，{'、'.join(teams[p.id])}" if teams.get(p.id) else "")
        for p in people)
    raise DomainError(f"有 {len(people)} 人名叫“{wanted}”，请用 --person-id 指定是哪一位：\n{listed}")
