"""Roster commands: import a town's roster file, export the print-ready roster, the blank one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.auth import Permission
from app.cli import add_db_option, open_signed_in
from app.errors import DomainError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-roster",
                       help="从名册文件（.xlsx、.xls 或 .csv）导入驻点团队、人员和住户")
    add_db_option(p)
    p.add_argument("file", metavar="FILE", type=Path, help="名册文件（.xlsx、.xls、.csv）")
    p.add_argument("--skip-invalid", action="store_true",
                   help="跳过有问题的行，导入其余各行（默认：有任何问题就什么都不导入）")
    p.add_argument("--map", metavar="表头=字段", action="append", default=[],
                   help="指定某一列导入为哪个字段，如 --map “驻扎村居=驻点村（社区）”；"
                        "“=不导入”表示跳过这一列。可重复")
    p.add_argument("--marked-copy", metavar="FILE.xlsx", type=Path,
                   help="有问题时，另存一份名册：有问题的单元格标红并批注原因，改好后可直接重新导入")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export-roster", help="导出可直接打印的名册（.xlsx，四个工作表）")
    add_db_option(p)
    p.add_argument("--out", metavar="FILE.xlsx", type=Path, required=True, help="保存到")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("roster-template",
                       help="保存空白名册模板（.xlsx：四个工作表的表头、下拉选项和示例行）")
    p.add_argument("--out", metavar="FILE.xlsx", type=Path, required=True, help="保存到")
    p.set_defaults(handler=cmd_template)


def cmd_import(args: argparse.Namespace) -> int:
    from app.roster import ImportRejected, apply_import
    from app.roster.mapping import parse_map_options

    path = args.file.expanduser()
    if not path.is_file():  # before opening: a typo must not leave a new empty database behind
        raise DomainError(f"找不到文件“{path}”。")
    mapping = parse_map_options(args.map)
    with open_signed_in(args, Permission.IMPORT_ROSTER) as db:
        try:
            preview = apply_import(db, path, skip_invalid=args.skip_invalid, mapping=mapping)
        except ImportRejected as exc:
            for problem in exc.problems:
                print(problem)
            _columns(exc.preview)
            _marked_copy(args, path, exc.problems)
            print(f"发现 {len(exc.problems)} 处问题，没有导入任何数据。"
                  "改正后重新导入，或加 --skip-invalid 只导入没有问题的行。", file=sys.stderr)
            return 1
    for problem in preview.problems:
        print(problem)
    if preview.problems:
        print(f"以上 {len(preview.problems)} 处问题所在的行已跳过。")
        _marked_copy(args, path, preview.problems)
    print(preview.summary())
    return 0


def _columns(preview: object) -> None:
    for label, columns in (("未能识别、没有导入的列", getattr(preview, "columns_unplaced", [])),
                           ("按指定不导入的列", getattr(preview, "columns_ignored", []))):
        if columns:
            print(f"{label}：{'；'.join(columns)}")


def _marked_copy(args: argparse.Namespace, path: Path, problems: list) -> None:
    if args.marked_copy is None:
        return
    from app.roster.marked import write_marked_copy

    out = write_marked_copy(path, problems, args.marked_copy.expanduser())
    print(f"已另存标注了问题的名册：{out}")


def cmd_export(args: argparse.Namespace) -> int:
    from app.roster import export_roster

    with open_signed_in(args, Permission.EXPORT_ROSTER) as db, db.session() as session:
        out = export_roster(session, args.out.expanduser())
    print(f"已导出名册：{out}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from app.roster.template import write_template

    out = write_template(args.out.expanduser())
    print(f"已保存空白名册模板：{out}")
    return 0
