"""Roster commands: import a town's xlsx, export the print-ready roster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.auth import Permission
from app.cli import add_db_option, open_signed_in
from app.errors import DomainError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-roster", help="从 Excel 名册（.xlsx）导入驻点团队、人员和住户")
    add_db_option(p)
    p.add_argument("file", metavar="FILE.xlsx", type=Path, help="名册文件")
    p.add_argument("--skip-invalid", action="store_true",
                   help="跳过有问题的行，导入其余各行（默认：有任何问题就什么都不导入）")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export-roster", help="导出可直接打印的名册（.xlsx，四个工作表）")
    add_db_option(p)
    p.add_argument("--out", metavar="FILE.xlsx", type=Path, required=True, help="保存到")
    p.set_defaults(handler=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    from app.roster import ImportRejected, apply_import

    path = args.file.expanduser()
    if not path.is_file():  # before opening: a typo must not leave a new empty database behind
        raise DomainError(f"找不到文件“{path}”。")
    with open_signed_in(args, Permission.IMPORT_ROSTER) as db:
        try:
            preview = apply_import(db, path, skip_invalid=args.skip_invalid)
        except ImportRejected as exc:
            for problem in exc.problems:
                print(problem)
            print(f"发现 {len(exc.problems)} 处问题，没有导入任何数据。"
                  "改正后重新导入，或加 --skip-invalid 只导入没有问题的行。", file=sys.stderr)
            return 1
    for problem in preview.problems:
        print(problem)
    if preview.problems:
        print(f"以上 {len(preview.problems)} 处问题所在的行已跳过。")
    print(preview.summary())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from app.roster import export_roster

    with open_signed_in(args, Permission.EXPORT_ROSTER) as db, db.session() as session:
        out = export_roster(session, args.out.expanduser())
    print(f"已导出名册：{out}")
    return 0
