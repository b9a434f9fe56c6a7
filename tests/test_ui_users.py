"""The administrator's 账户 page driven like a user would: the form, its errors, the database after."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox

from app.auth import Actor
from app.auth.passwords import hash_password
from app.db import Database
from app.models import Role, User
from app.services import accounts
from app.services.accounts import UserInput
from tests.databases import open_test_database
from tests.ui_support import seed_town, type_text
from ui import tasks
from ui.context import AppContext
from ui.users.dialog import ResetPasswordDialog, UserDialog
from ui.users.page import UsersPage

ADMIN_PASSWORD = "Guanli-2026-test"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)  # argon2id, quick in tests


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "hash_password", lambda p: hash_password(p, CHEAP))


@pytest.fixture
def town(db: Database) -> dict[str, int]:
    """The seed town, an administrator (``guanli``) and a clerk, made by the program."""
    ids = seed_town(db)
    with db.session() as s:
        ids["admin"] = accounts.create_user(
            s, UserInput("guanli", "管理员", [Role.ADMIN]), ADMIN_PASSWORD).id
        ids["clerk"] = accounts.create_user(
            s, UserInput("wenyuan", "党政办文员", [Role.CLERK]), ADMIN_PASSWORD).id
    return ids


@pytest.fixture
def page(qtbot, db: Database, town: dict[str, int]) -> Iterator[UsersPage]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        db.act_as(accounts.actor_for(s.get_one(User, town["admin"])))
    shown = UsersPage(AppContext(db))
    qtbot.addWidget(shown)
    shown.resize(1000, 500)
    shown.show()
    yield shown
    tasks.wait_all()


def when_dialog_opens(kind: type, action: Callable[[Any], None]) -> None:
    """Run ``action`` on the modal dialog the next click opens; a failing action closes the
    dialog (so nothing blocks) and fails the test."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, poll)
            return
        try:
            action(dialog)
        except BaseException:
            dialog.reject()
            raise
        if dialog.isVisible():
            errors = [dialog.top_error.text()] + [e.text() for e in dialog.field_errors.values()]
            dialog.reject()
            raise AssertionError(f"the form did not close: {[e for e in errors if e]}")
    QTimer.singleShot(20, poll)


def tick(qtbot, box: QCheckBox) -> None:  # type: ignore[no-untyped-def]
    """Click a check box on its indicator (its centre may be empty space in a wide cell)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def select_user(page: UsersPage, username: str) -> None:
    for r in range(page.proxy.rowCount()):
        if page.proxy.index(r, 0).data() == username:
            page.table.selectRow(r)
            return
    raise AssertionError(f"{username} is not listed")


def listed(page: UsersPage) -> dict[str, list[str]]:
    return {page.proxy.index(r, 0).data(): [page.proxy.index(r, c).data() for c in range(6)]
            for r in range(page.proxy.rowCount())}


def test_new_account_through_the_form(qtbot, page: UsersPage, db: Database, db_path: Path,
                                      town: dict[str, int]) -> None:
    seen: dict[str, Any] = {}

    def fill(dialog: UserDialog) -> None:
        # First an empty save: every problem beside its field, nothing saved.
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["errors"] = {k: lab.text() for k, lab in dialog.field_errors.items() if lab.text()}
        seen["teams_before"] = dialog.teams.isEnabled()
        type_text(qtbot, dialog.username, "chenxh")
        type_text(qtbot, dialog.display_name, "陈小红")
        tick(qtbot, dialog.role_boxes[Role.LIAISON])
        seen["teams_after"] = dialog.teams.isEnabled()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # no team yet
        seen["team_error"] = dialog.field_errors["team_ids"].text()
        dialog.teams.item(0).setCheckState(Qt.CheckState.Checked)
        dialog.person.setCurrentIndex(dialog.person.findText("陈小红", Qt.MatchFlag.MatchStartsWith))
        type_text(qtbot, dialog.password, "Chen-2026-pass")
        type_text(qtbot, dialog.password2, "Chen-2026-pasz")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["mismatch"] = dialog.field_errors["password2"].text()
        dialog.password2.clear()
        type_text(qtbot, dialog.password2, "Chen-2026-pass")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    when_dialog_opens(UserDialog, fill)
    qtbot.mouseClick(page.findChild(type(page.edit_button), "user_new"), Qt.MouseButton.LeftButton)

    assert seen["errors"]["username"] == "请填写用户名"
    assert seen["errors"]["display_name"] == "请填写姓名"
    assert seen["errors"]["roles"] == "请至少选择一个角色"
    assert seen["errors"]["password"].startswith("请设置初始密码")
    assert (seen["teams_before"], seen["teams_after"]) == (False, True)
    assert "联络员要指定负责的驻点团队" in seen["team_error"]
    assert seen["mismatch"] == "两次输入的密码不一致，请重新输入"
    row = listed(page)["chenxh"]
    assert row[1:5] == ["陈小红", "联络员", "石岗村驻点团队", "启用"] and row[5] == "从未登录"
    assert "已新增账户" in page.notice.text()

    db.close()
    with open_test_database(db_path) as reopened, reopened.session() as s:
        user = s.query(User).filter_by(username="chenxh").one()
        assert user.role_set == {Role.LIAISON} and user.team_ids == {town["team"]}
        assert user.person is not None and user.person.name == "陈小红"
        assert user.must_change_password and "Chen-2026-pass" not in user.password_hash
        assert accounts.sign_in(s, "chenxh", "Chen-2026-pass").actor is not None


def test_edit_keeps_user_name_and_shows_service_refusals(qtbot, page: UsersPage,
                                                         db: Database) -> None:
    seen: dict[str, Any] = {}

    def drop_own_admin(dialog: UserDialog) -> None:
        seen["read_only"] = dialog.username.isReadOnly()
        tick(qtbot, dialog.role_boxes[Role.ADMIN])
        tick(qtbot, dialog.role_boxes[Role.ORG_OFFICE])
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["roles"] = dialog.field_errors["roles"].text()
        dialog.reject()

    select_user(page, "guanli")
    when_dialog_opens(UserDialog, drop_own_admin)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert seen == {"read_only": True, "roles": "不能取消自己的管理员角色或停用自己的账户"}

    def rename(dialog: UserDialog) -> None:
        dialog.display_name.clear()
        type_text(qtbot, dialog.display_name, "党政办李文员")
        tick(qtbot, dialog.role_boxes[Role.ORG_OFFICE])
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    select_user(page, "wenyuan")
    when_dialog_opens(UserDialog, rename)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert listed(page)["wenyuan"][1:3] == ["党政办李文员", "党政办、组织办"]


def test_reset_password_then_sign_in_with_it(qtbot, page: UsersPage, db: Database) -> None:
    def reset(dialog: ResetPasswordDialog) -> None:
        type_text(qtbot, dialog.password, "Linshi-2026")
        type_text(qtbot, dialog.password2, "Linshi-2026")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    select_user(page, "wenyuan")
    when_dialog_opens(ResetPasswordDialog, reset)
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    assert "已重设“wenyuan”的密码" in page.notice.text()

    db.act_as(None)
    with db.session() as s:
        assert accounts.sign_in(s, "wenyuan", ADMIN_PASSWORD).actor is None
    with db.session() as s:
        result = accounts.sign_in(s, "wenyuan", "Linshi-2026")
        assert result.actor is not None and result.actor.username == "wenyuan"
        assert result.must_change_password


def test_disable_and_enable_an_account(qtbot, page: UsersPage, db: Database,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    errors: list[str] = []
    monkeypatch.setattr("ui.users.page.confirm", lambda _p, _t, text, _yes: asked.append(text) or True)
    monkeypatch.setattr("ui.users.page.error", lambda _p, _t, text: errors.append(text))

    select_user(page, "wenyuan")
    assert page.toggle_button.text() == "停用"
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    assert "停用账户“wenyuan”" in asked[0]
    assert listed(page)["wenyuan"][4] == "停用" and page.toggle_button.text() == "启用"
    with db.session() as s:
        assert s.query(User).filter_by(username="wenyuan").one().active is False
    db.act_as(Actor.program())
    with db.session() as s:
        assert "已停用" in accounts.sign_in(s, "wenyuan", ADMIN_PASSWORD).message

    with db.session() as s:
        db.act_as(accounts.actor_for(s.query(User).filter_by(username="guanli").one()))
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    assert listed(page)["wenyuan"][4] == "启用"

    select_user(page, "guanli")  # the administrator cannot switch themself off
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    assert errors == ["不能取消自己的管理员角色或停用自己的账户"]
    assert listed(page)["guanli"][4] == "启用"
