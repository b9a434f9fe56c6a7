"""Signing in through the window's dialogs: refusals told in the dialog and recorded, the wait
after five wrong passwords, and the forced change of a temporary password."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from app.db import Database
from app.models import AuditEntry, Role, User
from app.services import accounts
from tests.databases import open_test_database
from tests.ui_support import type_text, when_modal
from ui import startup
from ui.auth.change_password import ChangePasswordDialog
from ui.auth.sign_in import SignInDialog

ADMIN, PASSWORD = "admin", "zhilian-2024"



def audit(db_path: Path) -> list[tuple[str, str, str]]:
    """(action, username, summary) of every entry, read back from the reopened database."""
    with open_test_database(db_path) as again, again.session() as s:
        return [(e.action, e.username, e.summary)
                for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_wrong_password_is_told_in_the_dialog_and_recorded(qtbot, db: Database,
                                                           db_path: Path) -> None:
    with db.session() as s:
        accounts.create_first_admin(s, ADMIN, "王管理", PASSWORD)
    db.act_as(None)  # nobody signed in, as at start-up
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.username, ADMIN)
    type_text(qtbot, dialog.password, "not-the-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    assert dialog.isVisible() and db.actor is None
    assert dialog.message.text() == "用户名或密码不对。还可再试 4 次，之后每次要等待。"
    assert dialog.password.text() == "" and dialog.username.text() == ADMIN
    for _ in range(4):  # five wrong passwords in all
        type_text(qtbot, dialog.password, "still-wrong")
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "用户名或密码不对。请 30 秒后再试。"
    type_text(qtbot, dialog.password, PASSWORD)  # even the right one has to wait now
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.message.text().startswith("这台电脑已连续输错 5 次密码，请 ")
    assert dialog.message.text().endswith(" 秒后再试。")
    assert dialog.isVisible() and db.actor is None

    db.close()
    entries = audit(db_path)
    failed = [e for e in entries if e[0] == "login_failed"]
    assert len(failed) == 6 and all(e[1] == ADMIN for e in failed)
    assert failed[0][2] == "密码错误（连续第 1 次）" and failed[-1][2] == "登录被推迟（这台电脑连续输错）"
    assert not any(e[0] == "login" for e in entries)


def test_empty_fields_are_asked_for_and_the_right_password_signs_in(qtbot, db: Database) -> None:
    with db.session() as s:
        accounts.create_first_admin(s, ADMIN, "王管理", PASSWORD)
    db.act_as(None)
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "请填写用户名。"
    type_text(qtbot, dialog.username, "ADMIN ")  # user names are not case-sensitive
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "请输入密码。"
    type_text(qtbot, dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert db.actor is not None and (db.actor.username, db.actor.roles) == (
        ADMIN, frozenset({Role.ADMIN}))
    assert not dialog.result_value.must_change_password


def test_temporary_password_must_be_changed_right_after_signing_in(qtbot, db: Database,
                                                                   db_path: Path) -> None:
    with db.session() as s:
        accounts.create_user(s, accounts.UserInput("chenxh", "陈小红", [Role.CLERK]), "temporary-1")
    db.act_as(None)
    seen: dict[str, str] = {}

    def sign_in(dialog: SignInDialog) -> None:
        type_text(qtbot, dialog.username, "chenxh")
        type_text(qtbot, dialog.password, "temporary-1")
        when_modal(ChangePasswordDialog, change)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    def change(dialog: ChangePasswordDialog) -> None:
        seen["note"] = dialog.findChild(QLabel, "forcedNote").text()
        type_text(qtbot, dialog.old, "temporary-1")
        type_text(qtbot, dialog.new, "my-own-secret")
        type_text(qtbot, dialog.again, "my-own-secreT")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["mismatch"] = dialog.field_errors["password2"].text()
        dialog.again.setText("my-own-secret")
        dialog.old.setText("wrong")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["old"] = dialog.field_errors["old_password"].text()
        dialog.old.setText("temporary-1")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    when_modal(SignInDialog, sign_in)
    assert startup.sign_in_with_dialogs(db) is True

    assert seen["note"].startswith("您的密码是管理员设置的临时密码")
    assert (seen["mismatch"], seen["old"]) == ("两次输入的新密码不一致", "原密码不对")
    assert db.actor is not None and db.actor.username == "chenxh"
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        user = s.scalars(select(User).where(User.username == "chenxh")).one()
        assert not user.must_change_password
    with open_test_database(db_path) as again:
        assert accounts.sign_in_to(again, "chenxh", "my-own-secret").actor is not None
    assert ("password", "chenxh", "修改自己的密码：chenxh") in audit(db_path)
