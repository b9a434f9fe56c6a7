"""The audit view's service: filters done by the database, readable changes, who may read, export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from openpyxl import load_workbook

from app import audit
from app.audit.chain import NewEntry, append
from app.auth import Actor
from app.auth.passwords import hash_password
from app.db import Database
from app.errors import PermissionDenied
from app.models import Role, User
from app.services import accounts, audit_log, people
from app.services.accounts import UserInput

PASSWORD = "Yunxi-audit-2026"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)  # argon2id, quick in tests


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "hash_password", lambda p: hash_password(p, CHEAP))


@dataclass
class Office:
    clerk: Actor
    org: Actor
    zhang: int


def actor(db: Database, username: str) -> Actor:
    with db.session() as s:
        user = s.query(User).filter_by(username=username).one()
        return accounts.actor_for(user)


@pytest.fixture
def office(db: Database) -> Office:
    """A clerk and an organization-office account (made by the program), and the clerk's work:
    张三 added, then his mobile changed; 李四 added by the program itself."""
    with db.session() as s:
        accounts.create_user(s, UserInput("wenyuan", "党政办文员", [Role.CLERK]), PASSWORD)
        accounts.create_user(s, UserInput("zuzhi", "组织办干事", [Role.ORG_OFFICE]), PASSWORD)
    clerk, org = actor(db, "wenyuan"), actor(db, "zuzhi")
    with db.session() as s:
        people.create_person(s, people.PersonInput("李四", unit="镇农业办"))
    db.act_as(clerk)
    with db.session() as s:
        zhang = people.create_person(s, people.PersonInput("张三", unit="镇党政办",
                                                           phones="13800138000")).id
    with db.session() as s:
        data, version = people.person_input(s, zhang)
        data.phones = "13900139000"
        people.update_person(s, zhang, data, version)
    db.act_as(org)
    return Office(clerk, org, zhang)


def rows(db: Database, **filters: object) -> list[audit_log.AuditRow]:
    with db.session() as s:
        return audit_log.audit_rows(s, **filters)  # type: ignore[arg-type]


def test_text_user_and_action_filters(db: Database, office: Office) -> None:
    everything = rows(db)
    assert [r.id for r in everything] == sorted((r.id for r in everything), reverse=True)

    zhang = rows(db, text="张三")
    assert zhang and all("张三" in r.summary + r.changes for r in zhang)
    assert {r.action for r in zhang} == {"新增", "修改"}
    assert not any("李四" in r.summary for r in zhang)

    by_clerk = rows(db, username="wenyuan")
    assert by_clerk and {r.username for r in by_clerk} == {"wenyuan"}
    mentioned = rows(db, text="WENYUAN")  # case does not matter; the account's creation too
    assert {r.id for r in by_clerk} < {r.id for r in mentioned}
    assert any(r.summary == "账户：党政办文员" and r.username == "系统" for r in mentioned)
    assert rows(db, text="%") == []               # LIKE wildcards are searched as text

    updates = rows(db, action="update", username="wenyuan")
    assert [r.summary for r in updates] == ["人员：张三"]
    assert updates[0].action == "修改" and updates[0].entity == "人员"
    assert updates[0].entity_id == office.zhang
    assert "手机：13800138000 → 13900139000" in updates[0].changes

    created = rows(db, action="create", text="张三")[0]
    assert "姓名：张三" in created.change_lines and "单位：镇党政办" in created.change_lines
    assert created.change_lines[0] == "姓名：张三"  # the form's order, name first

    with db.session() as s:
        names = audit_log.audit_usernames(s)
        assert {"wenyuan", "zuzhi", "系统"} <= set(names)
        assert audit_log.audit_count(s, text="张三") == len(zhang)
    assert ("修改", "update") in audit_log.audit_actions()


def test_date_range(db: Database, office: Office) -> None:
    with db.session() as s:  # an entry from last spring, appended to the same chain
        append(s, [NewEntry("print", summary="打印联系卡（去年）", username="wenyuan")],
               at=datetime(2025, 4, 3, 10, 30))
    today = date.today()
    assert [r.summary for r in rows(db, start=date(2025, 4, 3), end=date(2025, 4, 3))] == \
        ["打印联系卡（去年）"]
    assert rows(db, start=date(2025, 4, 4), end=date(2025, 4, 30)) == []
    recent = rows(db, start=today)
    assert recent and all(r.at.date() == today for r in recent)
    assert len(rows(db, end=today)) == len(rows(db))
    assert rows(db, start=today + timedelta(days=1)) == []
    assert len(rows(db, limit=2)) == 2


def test_org_office_reads_the_trail_and_clerk_may_not(db: Database, office: Office,
                                                      tmp_path: Path) -> None:
    with db.session() as s:
        assert audit_log.audit_rows(s)
        count, problems = audit_log.verify_chain(s)
        assert count > 0 and problems == []
    db.act_as(office.clerk)
    with db.session() as s:
        for call in (lambda: audit_log.audit_rows(s), lambda: audit_log.audit_usernames(s),
                     lambda: audit_log.verify_chain(s),
                     lambda: audit_log.export_audit(s, tmp_path / "x.xlsx")):
            with pytest.raises(PermissionDenied, match="查看操作记录"):
                call()
    assert not (tmp_path / "x.xlsx").exists()


def test_export_writes_the_filtered_rows_as_text_and_is_recorded(db: Database, office: Office,
                                                                 tmp_path: Path) -> None:
    with db.session() as s:
        audit.record(s, "print", summary="=1+1 打印公示牌")  # must stay text in Excel
    wanted = rows(db, username="wenyuan") + rows(db, text="=1+1")
    out = tmp_path / "操作记录.xlsx"
    with db.session() as s:
        assert audit_log.export_audit(s, out, username="wenyuan") == len(rows(db, username="wenyuan"))
    with db.session() as s:
        assert audit_log.export_audit(s, tmp_path / "all.xlsx", text="=1+1") == 1

    sheet = load_workbook(out).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == audit_log.HEADERS
    clerk_rows = [r for r in wanted if r.username == "wenyuan"]
    assert [v[6] for v in values[1:]] == [r.summary for r in clerk_rows]
    assert {v[1] for v in values[1:]} == {"wenyuan"}
    update = next(v for v in values[1:] if v[3] == "修改")
    assert "手机：13800138000 → 13900139000" in update[7]
    assert all(isinstance(v, str) for row in values for v in row if v is not None)

    formula = load_workbook(tmp_path / "all.xlsx").active["G2"]
    assert formula.value == "=1+1 打印公示牌" and formula.data_type == "s"

    exports = rows(db, action="export")
    assert len(exports) == 2 and {r.username for r in exports} == {"zuzhi"}
    assert "操作记录.xlsx" in exports[-1].summary and "wenyuan" in exports[-1].summary
    with db.session() as s:
        assert audit_log.verify_chain(s)[1] == []


def test_key_group_details_stay_hidden_from_roles_that_may_not_see_them(
        db: Database, office: Office) -> None:
    """组织办 reads the trail but not key groups: a tag's reason is neither shown nor found."""
    from app.services import communities, households

    db.act_as(office.clerk)
    with db.session() as s:
        village = communities.ensure_community(s, "石岗村")
        hid = households.create_household(s, households.HouseholdInput(
            village.id, "石岗村一巷3号", "梁伯")).id
        households.tag_household(s, hid, "孤寡老人", date(2026, 1, 5), "独居，子女在外地")
    admin = Actor(None, "admin", "管理员", frozenset({Role.ADMIN}))
    for viewer, sees in ((office.org, False), (admin, True)):
        db.act_as(viewer)
        tag_rows = [r for r in rows(db) if r.entity == "重点人群标记"]
        assert len(tag_rows) == 1
        assert ("独居" in tag_rows[0].changes) is sees
        assert [r.id for r in rows(db, text="独居")] == ([tag_rows[0].id] if sees else [])
