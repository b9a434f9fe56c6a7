"""The audit view: searching the trail, reading each entry in Chinese, checking the chain, export.

Only roles with ``VIEW_AUDIT`` (administrator, organization office) read the trail. Filtering is
done by the database (portable SQL: ``lower()`` on both sides of a LIKE), newest entries first and
at most ``limit`` of them, so a search stays quick over hundreds of thousands of entries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from app import audit
from app.auth import Permission, can, require
from app.errors import DomainError
from app.files import save_whole
from app.models import AuditEntry, User
from app.models.enums import weekday_label

DEFAULT_LIMIT = 5000
Progress = Callable[[int, int], None] | None
Cancel = Callable[[], bool] | None

# Column names in ``changes`` (the models' attribute names) as the office calls them.
FIELD_LABELS: dict[str, str] = {
    "held_on": "日期", "start_time": "开始时间", "end_time": "结束时间", "place": "地点",
    "summary": "情况摘要", "make_up_announced_on": "补班公告日期", "make_up_for": "所补驻点日",
    "received_on": "接待日期", "visitor_name": "来访人", "phone": "联系电话",
    "matter": "反映事项", "handling": "办理情况", "problem_id": "关联问题编号",
    "station_session_id": "驻点日志编号", "description": "问题描述", "reporter_name": "反映人",
    "anonymous": "匿名", "department": "责任部门", "deadline": "办结时限", "result": "办理结果",
    "level": "办理层级", "source": "问题来源", "reported_on": "登记日期",
    "decisions": "会议决定",
    "discussion": "讨论情况", "decision": "决定", "status": "状态", "arrived_at": "到会时间",
    "leave_reason": "请假原因", "signature_png": "签名", "finalised_at": "定稿时间",
    "severity": "严重程度", "requirement": "整改要求", "response": "整改情况",
    "recheck_note": "核查意见", "whereabouts": "在岗情况", "result_note": "说明",
    "name": "名称", "kind": "类型", "office_address": "办公地址", "note": "备注",
    "gender": "性别", "unit": "单位", "position": "职务", "category": "类别", "mobile": "手机",
    "landline": "固定电话", "resident_id": "身份证号", "retired_on": "退出名册日期",
    "station_weekday": "驻点日", "station_start": "驻点开始时间", "station_end": "驻点结束时间",
    "station_place": "驻点地点", "hotline": "服务热线", "dissolved_on": "撤销日期",
    "town_name": "镇（街道）名称", "district_name": "区（县）名称",
    "max_station_team_size": "驻点团队人数上限", "max_communities_per_leader": "每位领导驻点村（社区）上限",
    "make_up_notice_days": "补驻提前告知天数",
    "username": "用户名", "display_name": "姓名", "password_hash": "密码", "person_id": "关联人员编号",
    "active": "启用", "must_change_password": "下次登录须改密码", "failed_attempts": "连续输错次数",
    "last_failed_at": "最近输错时间", "last_login_at": "最近登录时间",
    "community_id": "村（社区）编号", "team_id": "团队编号", "role": "角色", "title": "团队职务",
    "start_date": "开始日期", "end_date": "结束日期", "end_reason": "结束原因",
    "replaces_id": "接替的任职编号", "grid_id": "网格编号", "address": "门牌地址",
    "head_name": "户主", "size": "人口", "head_resident_id": "户主身份证号",
    "moved_out_on": "迁出日期", "household_id": "住户编号", "key_group_id": "重点人群类别编号",
    "added_on": "标记日期", "added_reason": "标记原因", "removed_on": "取消日期",
    "removed_reason": "取消原因", "builtin": "内置", "sort_order": "排序", "user_id": "账户编号",
    "visited_on": "走访日期", "notes": "走访情况", "recorded_by": "记录人账户编号",
    "visits_per_household_per_year": "每户每年走访次数",
    "key_visits_per_team_per_month": "每团队每月走访重点户数",
}
# Per entity, where the same attribute name means something more specific.
ENTITY_FIELD_LABELS: dict[str, dict[str, str]] = {
    "person": {"name": "姓名"},
    "team": {"name": "团队名称"},
    "meeting": {"title": "会议名称"},
    "meeting_agenda_item": {"title": "议题"},
    "ledger_check_item": {"notes": "说明"},
    "patrol_sighting": {"note": "情况说明"},
    "community": {"name": "村（社区）名称"},
    "grid": {"name": "网格名称"},
    "key_group": {"name": "类别名称"},
}
HEADERS = ("时间", "账户", "电脑", "操作", "对象", "对象编号", "摘要", "改动内容")


@dataclass(frozen=True)
class AuditRow:
    """One entry as the audit view shows it; ``action`` and ``entity`` are Chinese labels."""

    id: int
    at: datetime
    username: str
    host: str
    action: str
    entity: str
    entity_id: int | None
    summary: str
    changes: str                      # one line: “姓名：张三 → 张珊；手机：…”
    change_lines: tuple[str, ...] = ()  # the same, one line per field (the detail pane)
    action_code: str = ""


@dataclass(frozen=True)
class AuditFilter:
    """What the audit view asks for; empty values do not filter."""

    text: str = ""
    username: str | None = None
    action: str | None = None
    start: date | None = None
    end: date | None = None

    def describe(self) -> str:
        parts = []
        if self.text.strip():
            parts.append(f"包含“{self.text.strip()}”")
        if self.username:
            parts.append(f"账户 {self.username}")
        if self.action:
            parts.append(f"操作“{audit.ACTION_LABELS.get(self.action, self.action)}”")
        if self.start or self.end:
            parts.append(f"日期 {self.start or '最早'} 至 {self.end or '今天'}")
        return "，".join(parts) or "全部"


# Key-group tags and their reasons: the changes are shown only to roles that may see them.
SENSITIVE_ENTITIES = ("household_tag",)
HIDDEN = "（涉及重点人群，您的角色无权查看详情）"


# --- reading --------------------------------------------------------------------------------

def audit_rows(session: Session, text: str = "", username: str | None = None,
               action: str | None = None, start: date | None = None, end: date | None = None,
               limit: int | None = DEFAULT_LIMIT) -> list[AuditRow]:
    """Entries matching every given filter, newest first, at most ``limit`` (None: all)."""
    require(session, Permission.VIEW_AUDIT)
    sensitive = can(session, Permission.VIEW_SENSITIVE)
    query = _query(AuditFilter(text, username, action, start, end), sensitive)
    if limit is not None:
        query = query.limit(limit)
    return [_row(*values, sensitive=sensitive) for values in session.execute(query)]


def audit_count(session: Session, text: str = "", username: str | None = None,
                action: str | None = None, start: date | None = None, end: date | None = None
                ) -> int:
    """How many entries match (the view shows at most ``limit`` of them; export takes all)."""
    require(session, Permission.VIEW_AUDIT)
    query = _query(AuditFilter(text, username, action, start, end),
                   can(session, Permission.VIEW_SENSITIVE)).order_by(None)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def audit_usernames(session: Session) -> list[str]:
    """Names for the account filter: every account, the program itself, and any other name
    that appears in the trail (a failed sign-in with an unknown name)."""
    require(session, Permission.VIEW_AUDIT)
    names = set(session.scalars(select(User.username)))
    names.update(session.scalars(select(AuditEntry.username).distinct()))
    return sorted(names, key=lambda n: (n != "系统", n))


def audit_actions() -> list[tuple[str, str]]:
    """(Chinese label, code) of every kind of entry, for the action filter."""
    return [(label, code) for code, label in audit.ACTION_LABELS.items()]


def verify_chain(session: Session) -> tuple[int, list[str]]:
    """How many entries were checked, and what is wrong with the hash chain (empty: intact)."""
    require(session, Permission.VIEW_AUDIT)
    return audit.verify(session)


def _query(f: AuditFilter, sensitive: bool) -> Select[Any]:
    """``sensitive``: whether the viewer may see key-group details; if not, the changes of
    such entries are not searched either (a search must not reveal what is hidden)."""
    e = AuditEntry
    query = select(e.id, e.at, e.username, e.host, e.action, e.entity, e.entity_id, e.summary,
                   e.changes).order_by(e.id.desc())
    needle = f.text.strip().lower()
    if needle:
        in_changes = func.lower(e.changes).contains(needle, autoescape=True)
        if not sensitive:
            in_changes = and_(e.entity.notin_(SENSITIVE_ENTITIES), in_changes)
        query = query.where(or_(in_changes, *(func.lower(column).contains(needle, autoescape=True)
                                              for column in (e.summary, e.username, e.host))))
    if f.username:
        query = query.where(e.username == f.username)
    if f.action:
        query = query.where(e.action == f.action)
    if f.start is not None:
        query = query.where(e.at >= datetime.combine(f.start, time.min))
    if f.end is not None:
        query = query.where(e.at < datetime.combine(f.end + timedelta(days=1), time.min))
    return query


def _row(id_: int, at: datetime, username: str, host: str, action: str, entity: str,
         entity_id: int | None, summary: str, changes: str, *, sensitive: bool) -> AuditRow:
    if entity in SENSITIVE_ENTITIES and not sensitive:
        lines: tuple[str, ...] = (HIDDEN,)
    else:
        lines = tuple(change_lines(changes, action, entity))
    return AuditRow(id_, at, username, host, audit.ACTION_LABELS.get(action, action),
                    audit.ENTITY_LABELS.get(entity, entity), entity_id, summary, "；".join(lines),
                    lines, action)


# --- changes in words ------------------------------------------------------------------------

def change_lines(changes: str, action: str = "", entity: str = "") -> list[str]:
    """The stored JSON of an entry's changes as lines a clerk can read.

    Updates read “姓名：张三 → 张珊”; a new record lists its values (“姓名：张三”), a deleted one
    what it held (“姓名：张三（删除前）”); counts of a bulk job read “数量：人员新增 120、…”.
    """
    if not changes:
        return []
    try:
        data = json.loads(changes)
    except ValueError:
        return [changes]
    if not isinstance(data, dict):
        return [_value(None, data)]
    labels = {**ENTITY_FIELD_LABELS.get(entity, {}), **FIELD_LABELS}
    labels.update(ENTITY_FIELD_LABELS.get(entity, {}))
    lines = []
    order = {key: i for i, key in enumerate(labels)}  # the form's order, not the alphabet's
    for key, value in sorted(data.items(), key=lambda kv: order.get(kv[0], len(order))):
        label = labels.get(key, key)
        if isinstance(value, dict) and value and set(value) <= {"前", "后"}:
            if "前" in value and "后" in value:
                text = f"{_value(key, value['前'])} → {_value(key, value['后'])}"
            elif "前" in value:
                text = _value(key, value["前"]) + ("（删除前）" if action == "delete" else "（原值）")
            else:
                text = _value(key, value["后"])
        elif isinstance(value, dict):
            text = "、".join(f"{k} {_value(None, v)}" for k, v in value.items()) or "（无）"
        else:
            text = _value(key, value)
        lines.append(f"{label}：{text}")
    return lines


def _value(key: str | None, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "station_weekday" and isinstance(value, int) and 1 <= value <= 7:
        return weekday_label(value)
    if isinstance(value, str) and len(value) >= 19 and value[10] == "T":
        return value[:16].replace("T", " ")   # a stored datetime, to the minute
    if isinstance(value, str) and len(value) == 8 and value[2] == ":" and value[5] == ":":
        return value[:5]                      # a stored time, 15:00:00 → 15:00
    if isinstance(value, (list, tuple)):
        return "、".join(_value(None, v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k} {_value(None, v)}" for k, v in value.items())
    return str(value)


# --- export ----------------------------------------------------------------------------------

def export_audit(session: Session, out_path: Path | str, text: str = "",
                 username: str | None = None, action: str | None = None,
                 start: date | None = None, end: date | None = None, *,
                 progress: Progress = None, cancelled: Cancel = None) -> int:
    """Write the matching entries (all of them, newest first) to an xlsx; returns how many.

    Every cell is text (a summary such as “=1+1” never becomes a formula); the export itself
    is recorded in the trail. Written via a temporary file, so a failure leaves no half file.
    Printed on A4 landscape: the columns fitted to the width (the summary and the changes
    wrap), the header row repeated, the filter at the top of every page.
    """
    # only when exporting: keeps the service import light
    from app.documents.xlsx import A4_LANDSCAPE, Book, Column

    require(session, Permission.VIEW_AUDIT)
    out = Path(out_path)
    filters = AuditFilter(text, username, action, start, end)
    sensitive = can(session, Permission.VIEW_SENSITIVE)
    rows = [_row(*values, sensitive=sensitive)
            for values in session.execute(_query(filters, sensitive))]
    lines = [[f"{r.at:%Y-%m-%d %H:%M:%S}", r.username, r.host, r.action, r.entity,
              "" if r.entity_id is None else str(r.entity_id), r.summary,
              "\n".join(r.change_lines)] for r in rows]
    book = Book()
    columns = [Column(h, w) for h, w in zip(HEADERS, (17, 14, 16, 12, 16, 9, 40, 60))]
    ws = book.sheet("操作记录", columns, A4_LANDSCAPE, rows=lines,
                    heading=f"操作记录（{filters.describe()}）")
    ws.header()

    def tick(n: int) -> None:
        if cancelled and cancelled():
            raise DomainError("已取消导出操作记录。")
        if progress:
            progress(n, len(rows))

    ws.body(lines, every=1000, tick=tick)
    save_whole(book, out)
    audit.record(session, "export", summary=f"导出操作记录：{out.name}（{len(rows)} 条，{filters.describe()}）")
    return len(rows)

