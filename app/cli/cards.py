"""Contact cards and notice-board posters: ``cards`` and ``poster``."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.auth import Permission
from app.cli import add_db_option, open_signed_in
from app.errors import DomainError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cards", help="打印民情联系卡（A4，每页 10 张，正反面）")
    add_db_option(p)
    p.add_argument("--out", metavar="FILE.pdf", type=Path, required=True, help="保存到")
    p.add_argument("--team", metavar="NAME", help="只打印这个驻点团队的联系卡")
    p.add_argument("--community", metavar="NAME", help="只打印这个村（社区）的联系卡")
    p.add_argument("--households", action="store_true",
                   help="发放到户版：每户一张，印上地址和编号")
    p.add_argument("--front-only", action="store_true", help="只印正面（不印背面页）")
    p.set_defaults(handler=cmd_cards)

    p = sub.add_parser("poster", help="打印公开栏公示海报（A4 竖版，或 A3）")
    add_db_option(p)
    p.add_argument("--out", metavar="FILE.pdf", type=Path, required=True, help="保存到")
    p.add_argument("--team", metavar="NAME", help="只打印这个驻点团队的海报")
    p.add_argument("--community", metavar="NAME", help="只打印这个村（社区）的海报")
    p.add_argument("--a3", action="store_true", help="A3 纸（默认 A4）")
    p.set_defaults(handler=cmd_poster)

    p = sub.add_parser("card-coverage", help="导出联系卡发放情况（.xlsx：各村（社区）汇总、未发放住户）")
    add_db_option(p)
    p.add_argument("--out", metavar="FILE.xlsx", type=Path, required=True, help="保存到")
    p.set_defaults(handler=cmd_coverage)


def _targets(session, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from app.services.cards import card_targets

    targets = card_targets(session)
    if args.team:
        targets = [t for t in targets if t.team_name == args.team]
        if not targets:
            raise DomainError(f"找不到驻点团队“{args.team}”（或它没有联系的村（社区），"
                              "或您的账户看不到它）。")
    if getattr(args, "community", None):
        targets = [t for t in targets if t.community_name == args.community]
        if not targets:
            raise DomainError(f"找不到村（社区）“{args.community}”的联系卡"
                              f"{'（团队“' + args.team + '”不联系它）' if args.team else ''}。")
    if not targets:
        raise DomainError("没有可打印的驻点团队。")
    return targets


class _Lines:
    """The households of one community, read afresh each time a card design needs them."""

    def __init__(self, session, community_id: int) -> None:  # type: ignore[no-untyped-def]
        self.session, self.community_id = session, community_id

    def __iter__(self):  # type: ignore[no-untyped-def]
        from app.services.cards import household_lines
        return iter(household_lines(self.session, self.community_id))


def _out(path: Path) -> Path:
    path = path.expanduser()
    if path.suffix.lower() != ".pdf":
        raise DomainError(f"输出文件应以 .pdf 结尾：“{path}”。")
    if not path.parent.is_dir():
        raise DomainError(f"保存位置“{path.parent}”不存在。")
    return path


def cmd_cards(args: argparse.Namespace) -> int:
    from app.cards.render import render_cards
    from app.services.cards import card_content, record_print

    out = _out(args.out)
    with open_signed_in(args, Permission.PRINT_CARDS) as db, db.session() as session:
        targets = _targets(session, args)
        contents = [card_content(session, t.team_id, t.community_id) for t in targets]
        households = ({c.community_id: _Lines(session, c.community_id) for c in contents}
                      if args.households else None)
        report = render_cards(contents, out, front_only=args.front_only, households=households)
        record_print(session, contents, args.households, report.pages, out.name)
    for warning in report.warnings:
        print(f"注意：{warning}")
    print(f"已保存联系卡：{out}（{report.cards} 张，{report.pages} 页"
          f"{'，只印正面' if args.front_only else '，正反面，请用长边翻转双面打印，缩放 100%'}）")
    return 0


def cmd_poster(args: argparse.Namespace) -> int:
    from app.cards.poster import render_posters
    from app.services.cards import card_content

    out = _out(args.out)
    with open_signed_in(args, Permission.PRINT_CARDS) as db, db.session() as session:
        targets = _targets(session, args)
        contents = [card_content(session, t.team_id, t.community_id) for t in targets]
        report = render_posters(contents, out, a3=args.a3)
    for warning in report.warnings:
        print(f"注意：{warning}")
    print(f"已保存公示海报：{out}（{report.pages} 页，{'A3' if args.a3 else 'A4'}，打印时缩放 100%）")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from app.services.cards import coverage, export_coverage

    with open_signed_in(args, Permission.EXPORT_ROSTER) as db, db.session() as session:
        out = export_coverage(session, args.out.expanduser())
        rows = coverage(session)
    for row in rows:
        print(f"{row.community_name}：{row.reached}/{row.households} 户（{row.percent:.0f}%）"
              + (f"，需重新发放 {row.stale} 户" if row.stale else ""))
    print(f"已导出：{out}")
    return 0
