"""What each role may do. The one table every service, command and screen consults."""

from __future__ import annotations

import enum

from app.models.enums import Role


class Permission(enum.StrEnum):
    VIEW_DIRECTORY = "directory.view"      # teams, people, communities, households
    EDIT_DIRECTORY = "directory.edit"
    IMPORT_ROSTER = "roster.import"
    EXPORT_ROSTER = "roster.export"
    VIEW_SENSITIVE = "sensitive.view"      # key-group tags and their notes
    UNMASK_ID = "sensitive.unmask"         # see a resident ID in full (recorded)
    EDIT_SETTINGS = "settings.edit"
    MANAGE_USERS = "users.manage"
    VIEW_AUDIT = "audit.view"
    MAINTAIN_DATABASE = "database.maintain"  # backup, restore, check
    PRINT_CARDS = "cards.print"
    KEEP_RECORDS = "records.keep"          # station logs, problems, visits, meetings
    VIEW_RECORDS = "records.view"
    KEEP_TOWN_MEETINGS = "meetings.town"   # monthly, party-committee and joint meetings
    RUN_SPOT_CHECKS = "checks.run"
    PUBLISH_BULLETIN = "bulletin.publish"

    @property
    def label(self) -> str:
        return PERMISSION_LABELS[self]


PERMISSION_LABELS: dict[Permission, str] = {
    Permission.VIEW_DIRECTORY: "查看团队、人员和住户",
    Permission.EDIT_DIRECTORY: "维护团队、人员和住户",
    Permission.IMPORT_ROSTER: "导入名册",
    Permission.EXPORT_ROSTER: "导出名册",
    Permission.VIEW_SENSITIVE: "查看重点人群信息",
    Permission.UNMASK_ID: "查看完整身份证号",
    Permission.EDIT_SETTINGS: "修改镇（街道）设置",
    Permission.MANAGE_USERS: "管理账户",
    Permission.VIEW_AUDIT: "查看操作记录",
    Permission.MAINTAIN_DATABASE: "备份与恢复数据库",
    Permission.PRINT_CARDS: "打印联系卡和公示牌",
    Permission.KEEP_RECORDS: "记录日志、台账、走访和会议",
    Permission.VIEW_RECORDS: "查看日志、台账、走访和会议",
    Permission.KEEP_TOWN_MEETINGS: "记录镇级会议（月度汇报会、党委会、联席会议）",
    Permission.RUN_SPOT_CHECKS: "开展抽查督查",
    Permission.PUBLISH_BULLETIN: "发布通报",
}

P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CLERK: frozenset({P.VIEW_DIRECTORY, P.EDIT_DIRECTORY, P.IMPORT_ROSTER, P.EXPORT_ROSTER,
                           P.VIEW_SENSITIVE, P.UNMASK_ID, P.EDIT_SETTINGS, P.PRINT_CARDS,
                           P.VIEW_RECORDS, P.MAINTAIN_DATABASE, P.KEEP_TOWN_MEETINGS}),
    Role.ORG_OFFICE: frozenset({P.VIEW_DIRECTORY, P.EXPORT_ROSTER, P.VIEW_RECORDS, P.VIEW_AUDIT,
                                P.RUN_SPOT_CHECKS, P.PUBLISH_BULLETIN, P.KEEP_TOWN_MEETINGS}),
    # Team-scoped roles: only for the teams assigned to the account.
    # A liaison exports (prints) the roster of their own teams' communities (export is scoped).
    Role.LIAISON: frozenset({P.VIEW_DIRECTORY, P.VIEW_SENSITIVE, P.EXPORT_ROSTER, P.KEEP_RECORDS,
                             P.VIEW_RECORDS}),
    Role.LEADER: frozenset({P.VIEW_DIRECTORY, P.VIEW_RECORDS}),
}
