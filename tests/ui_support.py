"""Test data for the window tests, built through app.services, and a window fixture helper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from app.db import Database
from app.models import MemberRole, PersonCategory
from app.services import communities, households, people, teams


def seed_town(db: Database) -> dict[str, int]:
    """Two communities, a team with leader, liaison and member, a few households."""
    with db.session() as s:
        shigang = communities.create_community(s, communities.CommunityInput("石岗村")).id
        xinwei = communities.create_community(s, communities.CommunityInput("新围社区")).id
        lee = people.create_person(s, people.PersonInput(
            "李建国", unit="镇党委", position="副书记", category=PersonCategory.TOWN_LEADER,
            phones="13800138000")).id
        chen = people.create_person(s, people.PersonInput(
            "陈小红", unit="镇党政办", category=PersonCategory.TOWN_CADRE, phones="13900139000")).id
        wong = people.create_person(s, people.PersonInput(
            "黄志强", unit="镇农业办", category=PersonCategory.TOWN_CADRE, phones="13700137000")).id
        people.create_person(s, people.PersonInput("周敏", unit="石岗村委会",
                                                   category=PersonCategory.COMMITTEE_MEMBER))
        team = teams.create_team(s, teams.TeamInput(
            "石岗村驻点团队", [shigang], 2, time(15), time(18, 30), "村委会二楼"), lee,
            date(2024, 1, 1)).team.id
        teams.add_member(s, team, chen, MemberRole.TOWN_LIAISON, date(2024, 1, 1))
        teams.add_member(s, team, wong, MemberRole.CORE, date(2024, 1, 1))
        for i, (name, phone) in enumerate((("张三", "13512345678"), ("王五", "13600001111"),
                                           ("赵六", ""))):
            households.create_household(s, households.HouseholdInput(
                shigang, f"石岗村{i + 1}号", name, phone))
    return {"team": team, "shigang": shigang, "xinwei": xinwei, "lee": lee, "wong": wong}


def type_text(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type like a keyboard would. ``qtbot.keyClicks`` handles ASCII only (Qt's test key table
    asserts on other characters), so Chinese goes in as key events carrying their text, which
    is what an input method delivers."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def when_modal(kind: type, action: Callable[[Any], None], tries: int = 500) -> dict[str, bool]:
    """Run ``action`` on the modal dialog of type ``kind`` once it is open (it blocks).
    After ~10 s any other modal dialog is closed, so a wrong dialog fails the test, not hangs it.

    Returns a state whose "done" turns True when the watcher stops (acted or gave up): a test
    expecting no dialog waits for it, so a watcher still polling on a loaded machine cannot
    act on a later dialog (or on the next test's)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    state = {"done": False}

    def poll(left: int) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            state["done"] = True
            action(dialog)
        elif left:
            QTimer.singleShot(20, lambda: poll(left - 1))
        else:
            state["done"] = True
            if dialog is not None:
                dialog.reject()
    QTimer.singleShot(20, lambda: poll(tries))
    return state
