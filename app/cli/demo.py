"""``python main.py demo``: build the demo town in a new, empty database."""

from __future__ import annotations

import argparse
import time

from app.cli import add_db_option

LABELS = (("communities", "村（社区）", "个"), ("grids", "网格", "个"), ("teams", "驻点团队", "个"),
          ("people", "人员", "名"), ("memberships", "团队成员记录", "条"),
          ("replacements", "其中换人", "次"), ("households", "住户", "户"),
          ("household_tags", "重点人群标记", "条"), ("household_tags_removed", "其中已移出", "条"),
          ("accounts", "演示账户（密码均为 demo）", "个"),
          ("card_prints", "联系卡打印记录", "条"), ("card_deliveries", "联系卡发放记录", "条"),
          ("station_sessions", "驻点日志", "条"), ("receptions", "接待登记", "条"),
          ("problems", "问题台账", "条"), ("visits", "走访记录", "条"),
          ("meetings", "会议", "次"), ("meeting_attendees", "签到记录", "条"),
          ("meeting_actions", "会议交办事项", "条"),
          ("ledger_checks", "台账资料抽查", "次"), ("field_patrols", "下乡巡查", "次"),
          ("supervisions", "会议督查", "次"), ("findings", "督查发现问题", "个"),
          ("funding_projects", "专项经费项目", "个"), ("disbursements", "经费拨付", "笔"),
          ("notice_photos", "公开栏相片", "张"), ("photo_files", "其中不同的图片", "张"),
          ("written_reports", "书面汇报", "份"), ("submissions", "上报记录", "项"),
          ("submissions_late", "其中逾期", "项"), ("submissions_missing", "缺报", "项"),
          ("submission_packages", "上报材料包", "个"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="在新的空数据库中生成演示镇（云溪镇）的数据",
                       description="生成一个虚构的演示镇：村（社区）、网格、驻点团队、人员、住户和重点人群。"
                                   "只写入新的空数据库；同一个 --seed 总是生成同样的数据。")
    add_db_option(p)
    p.add_argument("--size", choices=("small", "large"), default="small",
                   help="small：12 个村（社区）、8 个团队、5000 户；large：60 个、40 个、50000 户")
    p.add_argument("--seed", type=int, default=None, metavar="N", help="随机种子（默认固定值）")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    # Imported here so that other commands and --help do not pay for the demo's modules.
    from app.db import open_database
    from app.demo import DEFAULT_SEED, build_demo

    seed = DEFAULT_SEED if args.seed is None else args.seed
    started = time.perf_counter()
    with open_database(getattr(args, "db", None)) as db:
        print(f"正在生成演示数据（规模 {args.size}，种子 {seed}）：{db.display_name}")
        counts = build_demo(db, args.size, seed)
    elapsed = time.perf_counter() - started
    print(summary(counts))
    print(f"用时 {elapsed:.1f} 秒。")
    return 0


def summary(counts: dict[str, int]) -> str:
    return "，".join(f"{label} {counts[key]} {unit}" for key, label, unit in LABELS if key in counts)
