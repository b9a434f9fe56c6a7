"""The window for each role: what a role cannot do is not shown, a liaison sees only their own
team's records, unmasking an ID is offered only to roles allowed it (and recorded), and
切换用户 builds the window again for the next user.

Accounts are made through app.services.accounts (one or two per test: argon2 is slow on
purpose); the window acts for them as it would after signing in.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import select

from app.auth import Actor
from app.db import Database
from app.models import AuditEntry, Role, User
from app.services import accounts, households, people, teams
from tests.databases import open_test_database
from tests.ui_support import seed_town, type_text, when_modal
from ui.auth import reveal
from ui.auth.sign_in import SignInDialog
from ui.context import AppContext
from ui.households.page import KEY_GROUP_COLUMN
from ui.main_window import MainWindow
from ui.people.dialogs import PersonDialog

FULL_ID = "44070219800101018X"


@pytest.fixture
def town(db: Database) -> dict[str, Any]:
    """seed_town plus a second team in 新围社区 with a household, IDs and a key-group tag."""
    ids = seed_town(db)
    with db.session() as s:
        zhou = people.create_person(s, people.PersonInput("周敏", unit="新围社区居委会")).id
        ids["team2"] = teams.create_team(s, teams.TeamInput(
            "新围社区驻点团队", [ids["xinwei"]], 3, time(15), time(18)), zhou,
            date(2024, 1, 1)).team.id
        ids["xinwei_home"] = households.create_household(s, households.HouseholdInput(
            ids["xinwei"], "新围社区1号", "钱七")).id
        people.update_person(s, ids["lee"], people.PersonInput(
            "李建国", unit="镇党委", resident_id=FULL_ID), None)
        [home] = [r for r in households.household_rows(s) if r.head_name == "张三"]
        ids["zhang_home"] = home.id
        households.update_household(s, home.id, households.HouseholdInput(
            ids["shigang"], home.address, "张三", head_resident_id=FULL_ID), None)
        group = households.key_group_names(s)[0]
        households.tag_household(s, home.id, group, date(2024, 3, 1), "复核")
        ids["group"] = group
    return ids


def account(db: Database, username: str, role: Role, team_ids: tuple[int, ...] = (),
            password: str = "zhilian-2024") -> Actor:
    """A real account (made by the program, as in the tests' database); its actor."""
    with db.session() as s:
        user = accounts.create_user(s, accounts.UserInput(
            username, f"{role.label}{username[-1]}", [role], list(team_ids)), password)
        user.must_change_password = False  # its owner chose it (see test_ui_auth for the change)
        return accounts.actor_for(user)


def window_for(qtbot, db: Database, actor: Actor) -> MainWindow:  # type: ignore[no-untyped-def]
    db.act_as(actor)
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.painted):  # on screen, as when a user clicks in it
        window.show()
    return window


def shown(button: QPushButton | None) -> bool:
    return button is not None and not button.isHidden()


def area_visible(window: MainWindow, area: str) -> bool:
    from ui.main_window import AREAS

    return not window.nav.item(AREAS.index(area)).isHidden()


def team_names(window: MainWindow) -> list[str]:
    model = window.directory.teams.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def load_households(qtbot, window: MainWindow) -> list[Any]:  # type: ignore[no-untyped-def]
    page = window.directory.households
    window.directory.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.loaded and page.count.text().startswith("共"))
    return [page.model.row_at(r) for r in range(page.model.rowCount())]



def audit_actions(db: Database) -> list[tuple[str, str, str]]:
    with db.session() as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.username, e.entity) for e in entries]


def test_clerk_sees_edit_buttons_import_and_backups(qtbot, db: Database, town) -> None:
    window = window_for(qtbot, db, account(db, "clerk1", Role.CLERK))
    directory = window.directory
    assert all(shown(b) for b in directory.teams.action_buttons.values())
    for page, name in ((directory.people, "person_new"), (directory.communities, "community_new"),
                       (directory.households, "household_new")):
        assert shown(page.findChild(QPushButton, name)), name
    for key in ("import", "export", "backup", "restore"):
        action = window.actions_by_name[key]
        assert action.isVisible() and action.isEnabled(), key
    assert not area_visible(window, "账户") and not area_visible(window, "操作记录")
    rows = load_households(qtbot, window)
    assert not directory.households.table.isColumnHidden(KEY_GROUP_COLUMN)
    assert [r.key_groups for r in rows if r.head_name == "张三"] == [town["group"]]
    window.show_area("设置")
    assert shown(window.settings.save_button) and not window.settings.town_name.isReadOnly()
    assert window.user_label.text() == "当前用户：党政办1（党政办）"


def test_org_office_reads_without_edit_buttons_and_sees_the_audit_view(qtbot, db: Database,
                                                                        town) -> None:
    window = window_for(qtbot, db, account(db, "org1", Role.ORG_OFFICE))
    directory = window.directory
    assert team_names(window) == ["新围社区驻点团队", "石岗村驻点团队"]  # every team, read-only
    assert not any(shown(b) for b in directory.teams.action_buttons.values())
    for page, name in ((directory.people, "person_new"), (directory.people, "person_edit"),
                       (directory.communities, "community_new"),
                       (directory.households, "household_new"),
                       (directory.households, "household_edit")):
        assert not shown(page.findChild(QPushButton, name)), name
    assert not window.actions_by_name["import"].isVisible()
    assert window.actions_by_name["export"].isVisible()
    assert not window.actions_by_name["backup"].isVisible()
    assert not window.actions_by_name["restore"].isEnabled()
    rows = load_households(qtbot, window)
    assert directory.households.table.isColumnHidden(KEY_GROUP_COLUMN)
    assert len(rows) == 4 and all(r.key_groups == "" for r in rows)  # blank from the service too
    assert directory.households.table.contextMenuPolicy() != Qt.ContextMenuPolicy.CustomContextMenu
    window.show_area("设置")
    settings = window.settings
    assert not shown(settings.save_button) and settings.town_name.isReadOnly()
    assert not settings.weekday.isEnabled() and not settings.backup_button.isVisible()
    assert area_visible(window, "操作记录") and not area_visible(window, "账户")
    window.show_area("操作记录")
    audit_page = window.pages["操作记录"]
    assert window.stack.currentWidget().isAncestorOf(audit_page)
    assert window.user_label.text() == "当前用户：组织办1（组织办）"


def test_liaison_sees_only_their_team_and_its_communities_households(qtbot, db: Database,
                                                                    town) -> None:
    window = window_for(qtbot, db, account(db, "liaison1", Role.LIAISON, (town["team"],)))
    assert team_names(window) == ["石岗村驻点团队"]
    assert not any(shown(b) for b in window.directory.teams.action_buttons.values())
    rows = load_households(qtbot, window)
    assert sorted(r.head_name for r in rows) == ["张三", "王五", "赵六"]  # not 新围社区's 钱七
    combo = window.directory.households.community
    assert [combo.itemText(i) for i in range(combo.count())] == ["全部", "石岗村"]
    # Key groups are theirs to see (visits to the households that need them).
    assert not window.directory.households.table.isColumnHidden(KEY_GROUP_COLUMN)
    assert not area_visible(window, "操作记录") and not area_visible(window, "账户")


def test_unmasking_is_offered_to_the_clerk_only_and_recorded(qtbot, db: Database, db_path: Path,
                                                             town, monkeypatch) -> None:
    org = account(db, "org1", Role.ORG_OFFICE)
    clerk = account(db, "clerk1", Role.CLERK)
    with db.session() as s:  # the form's start (only editors get it; read by the program here)
        data, version = people.person_input(s, town["lee"])
    assert FULL_ID not in repr(data) and data.resident_id_masked
    db.act_as(org)
    hidden = PersonDialog(db, data, town["lee"], version)
    qtbot.addWidget(hidden)
    assert hidden.id_field.button.isHidden()

    window = window_for(qtbot, db, clerk)
    dialog = PersonDialog(db, data, town["lee"], version)
    qtbot.addWidget(dialog)
    dialog.show()
    assert shown(dialog.id_field.button) and FULL_ID not in dialog.resident_id.placeholderText()
    qtbot.mouseClick(dialog.id_field.button, Qt.MouseButton.LeftButton)
    revealed = dialog.findChild(QLabel, "revealed_id")
    assert FULL_ID in revealed.text() and "已记入操作记录" in revealed.text()
    assert dialog.resident_id.text() == ""  # still blank: saving keeps the stored ID

    told: list[str] = []
    monkeypatch.setattr(reveal, "show_id", lambda _parent, _title, text: told.append(text))
    page = window.directory.households
    load_households(qtbot, window)
    at = page.model.visible_row_of(town["zhang_home"])
    page.table.selectRow(at)
    assert page.table.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    page.reveal_selected()
    assert len(told) == 1 and FULL_ID in told[0] and "张三" in told[0]
    window.close()
    db.close()
    with open_test_database(db_path) as again:
        unmasked = [e for e in audit_actions(again) if e[0] == "unmask"]
    assert unmasked == [("unmask", "clerk1", "person"), ("unmask", "clerk1", "household")]


def test_switch_user_rebuilds_the_window_for_the_next_user(qtbot, db: Database, town) -> None:
    clerk = account(db, "clerk1", Role.CLERK)
    account(db, "org1", Role.ORG_OFFICE, password="org-office-1")
    window = window_for(qtbot, db, clerk)
    old_directory = window.directory
    assert shown(old_directory.teams.action_buttons["new"])
    while_signed_out: dict[str, object] = {}

    def sign_in(dialog: SignInDialog) -> None:
        page = window.pages["团队与人员"]
        while_signed_out.update(actor=db.actor, page=page.text() if isinstance(page, QLabel) else page,
                                user=window.user_label.text())
        type_text(qtbot, dialog.username, "org1")
        type_text(qtbot, dialog.password, "org-office-1")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    when_modal(SignInDialog, sign_in)
    window.actions_by_name["switch"].trigger()

    assert while_signed_out == {"actor": None, "page": "已退出登录", "user": "未登录"}
    assert db.actor is not None and db.actor.username == "org1"
    assert window.directory is not old_directory
    assert not any(shown(b) for b in window.directory.teams.action_buttons.values())
    assert team_names(window) == ["新围社区驻点团队", "石岗村驻点团队"]
    assert area_visible(window, "操作记录")
    assert not window.actions_by_name["import"].isVisible()
    assert window.user_label.text() == "当前用户：组织办1（组织办）"
    qtbot.waitUntil(lambda: window.counts_label.text() != "")
    with db.session() as s:
        logins = [e.username for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action == "login"))]
        assert logins == ["org1"]
        assert s.scalars(select(User).where(User.username == "org1")).one().last_login_at


def test_quitting_the_sign_in_after_switching_closes_the_window(qtbot, db: Database,
                                                                town) -> None:
    window = window_for(qtbot, db, account(db, "clerk1", Role.CLERK))
    when_modal(SignInDialog, lambda dialog: dialog.quit_button.click())
    window.actions_by_name["switch"].trigger()
    assert not window.isVisible() and db.actor is None
