"""The 操作记录 page: searching, reading an entry, checking the chain (also after a hand edit), export."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from app.auth.passwords import hash_password
from app.db import Database
from app.models import Role, User
from app.services import accounts, audit_log, people
from app.services.accounts import UserInput
from tests.ui_support import seed_town, type_text
from ui import tasks
from ui.audit.page import AuditPage
from ui.context import AppContext

CHEAP = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)  # argon2id, quick in tests


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, bool]]:
    shown: list[tuple[str, str, bool]] = []
    monkeypatch.setattr("ui.audit.page.show_message",
                        lambda _parent, title, text, ok=True, path=None: shown.append((title, text, ok)))
    return shown


@pytest.fixture
def page(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[AuditPage]:  # type: ignore[no-untyped-def]
    """The seed town (made by the program), 张三's phone changed, then the page as seen by an
    organization-office account."""
    monkeypatch.setattr(accounts, "hash_password", lambda p: hash_password(p, CHEAP))
    seed_town(db)
    with db.session() as s:
        accounts.create_user(s, UserInput("zuzhi", "组织办干事", [Role.ORG_OFFICE]), "Zuzhi-2026-x")
        lee = people.search_people(s, "李建国")[0]
        data, version = people.person_input(s, lee.id)
        data.phones = "13811112222"
        people.update_person(s, lee.id, data, version)
    with db.session() as s:
        db.act_as(accounts.actor_for(s.query(User).filter_by(username="zuzhi").one()))
    shown = AuditPage(AppContext(db))
    qtbot.addWidget(shown)
    shown.resize(1100, 600)
    shown.show()
    qtbot.waitUntil(lambda: not shown.loading and shown.model.rowCount() > 0)
    yield shown
    tasks.wait_all()


def visible_rows(page: AuditPage) -> list[audit_log.AuditRow]:
    return list(page.model.rows)


def wait_loaded(qtbot, page: AuditPage) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not page.loading and not page.timer.isActive())


def test_search_and_filters_narrow_the_rows(qtbot, page: AuditPage) -> None:
    everything = visible_rows(page)
    assert page.count.text() == f"共 {len(everything)} 条"
    assert [page.model.index(0, c).data() for c in (1, 3)] == ["系统", "修改"]  # newest first

    type_text(qtbot, page.search, "张三")
    qtbot.waitUntil(lambda: not page.loading and len(page.model.rows) < len(everything))
    found = visible_rows(page)
    assert found and all("张三" in r.summary + r.changes for r in found)
    assert page.count.text() == f"共 {len(found)} 条"

    page.search.clear()
    page.action.setCurrentIndex(page.action.findText("修改"))
    wait_loaded(qtbot, page)
    changed = visible_rows(page)
    assert [r.summary for r in changed] == ["人员：李建国"]

    page.table.selectRow(0)
    detail = page.detail.toPlainText()
    assert "改动内容（改前 → 改后）" in detail and "手机：13800138000 → 13811112222" in detail
    assert "手机：13800138000 → 13811112222" in page.model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole)

    page.action.setCurrentIndex(0)
    page.user.setCurrentIndex(page.user.findText("zuzhi"))
    wait_loaded(qtbot, page)
    assert visible_rows(page) == []  # the org office has only read so far
    assert {page.user.itemText(i) for i in range(page.user.count())} >= {"全部", "系统", "zuzhi"}


def test_verify_reports_an_intact_trail(qtbot, page: AuditPage,
                                        messages: list[tuple[str, str, bool]]) -> None:
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(messages))
    title, text, ok = messages[0]
    assert title == "校验操作记录" and ok
    assert text.startswith("操作记录完整") and "逐条校验无误" in text
    assert page.verify_label.text() == text and page.verify_button.isEnabled()


@pytest.mark.sqlite_only
def test_verify_finds_an_entry_edited_by_hand(qtbot, page: AuditPage, db_path: Path,
                                              messages: list[tuple[str, str, bool]]) -> None:
    victim = next(r for r in visible_rows(page) if "张三" in r.summary)
    with sqlite3.connect(db_path) as con:  # what someone with the file and a SQLite tool could do
        con.execute("DROP TRIGGER audit_entry_no_update")
        con.execute("UPDATE audit_entry SET summary = '住户：李四' WHERE id = ?", (victim.id,))
    con.close()

    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(messages))
    _title, text, ok = messages[0]
    assert not ok and text.startswith("操作记录不完整")
    assert f"第 {victim.id} 条操作记录" in text and "被改动过" in text
    assert "操作记录不完整" in page.verify_label.text()


def test_export_writes_the_filtered_rows_and_is_recorded(qtbot, page: AuditPage, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         messages: list[tuple[str, str, bool]]
                                                         ) -> None:
    out = tmp_path / "操作记录-张三"
    monkeypatch.setattr("ui.audit.page.ask_save_path", lambda _parent, _suggested: out)
    type_text(qtbot, page.search, "张三")
    qtbot.waitUntil(lambda: not page.loading and all("张三" in r.summary + r.changes
                                                     for r in page.model.rows))
    wanted = [r.summary for r in visible_rows(page)]

    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(messages))
    title, text, ok = messages[0]
    saved = out.with_name(out.name + ".xlsx")
    assert ok and title == "导出操作记录" and str(saved) in text
    sheet = load_workbook(saved).active
    assert [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)] == wanted

    page.search.clear()
    page.action.setCurrentIndex(page.action.findText("导出"))
    wait_loaded(qtbot, page)
    exports = visible_rows(page)
    assert len(exports) == 1 and exports[0].username == "zuzhi"
    assert "操作记录-张三.xlsx" in exports[0].summary and "张三" in exports[0].summary
