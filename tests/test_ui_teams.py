"""The team tab driven like a user would: forms, validation beside fields, the database after."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit

from app.db import Database
from app.services import teams as team_service
from tests.databases import open_test_database
from tests.ui_support import seed_town, type_text
from ui.main_window import MainWindow
from ui.teams.rows import team_rows
from ui.teams.team_dialog import TeamDialog
from ui.widgets.table import ROW_ROLE



def _fill_and_save(qtbot, dialog: TeamDialog, name: str, leader: str) -> None:
    type_text(qtbot, dialog.name, name)
    first = dialog.communities.item(0)
    first.setCheckState(Qt.CheckState.Checked)
    dialog.leader.setCurrentIndex(dialog.leader.findText(leader, Qt.MatchFlag.MatchStartsWith))
    type_text(qtbot, dialog.place, "党群服务中心")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def _when_dialog_opens(action) -> None:
    """Run ``action`` on the modal dialog the next click opens."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, TeamDialog):
            action(dialog)
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(20, poll)


def test_create_team_through_form_is_listed_and_saved(qtbot, db: Database, db_path: Path,
                                                      window: MainWindow) -> None:
    seed_town(db)
    window.ctx.data_changed.emit()
    page = window.directory.teams
    _when_dialog_opens(lambda d: _fill_and_save(qtbot, d, "新围社区驻点团队", "黄志强"))
    qtbot.mouseClick(page.action_buttons["new"], Qt.MouseButton.LeftButton)
    names = [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]
    assert "新围社区驻点团队" in names
    assert page.detail.view is not None and page.detail.view.name == "新围社区驻点团队"
    assert page.detail.fact_labels["leader"].text().startswith("黄志强")
    window.close()
    db.close()
    with open_test_database(db_path) as reopened, reopened.session() as s:
        team = team_service.find_team(s, "新围社区驻点团队")
        assert team is not None and team.leader is not None and team.leader.name == "黄志强"
        assert team.station_place == "党群服务中心"


def test_validation_error_appears_beside_the_field(qtbot, db: Database) -> None:
    ids = seed_town(db)
    with db.session() as s:
        data = team_service.default_input(s)
    dialog = TeamDialog(db, data, [("石岗村", ids["shigang"])], [("黄志强（镇农业办）", ids["wong"])])
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.name, "石岗村驻点团队")  # taken already; no community chosen
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() is False or dialog.result() == 0
    name_error = dialog.findChild(QLabel, "error_name")
    assert name_error.text() == "已有名为“石岗村驻点团队”的驻点团队"
    assert not name_error.isHidden()
    assert dialog.findChild(QLabel, "error_communities").text() == "请至少选择一个驻点村（社区）"
    assert dialog.findChild(QLabel, "error_leader").text() == "请选择责任人"
    with db.session() as s:
        assert len(team_rows(s)) == 1


def test_team_page_shows_roles_and_former_members(qtbot, db: Database, window: MainWindow
                                                  ) -> None:
    ids = seed_town(db)
    from datetime import date
    with db.session() as s:
        wong_membership = next(m for m in team_service.overview(s, ids["team"]).core)
        team_service.end_membership(s, wong_membership.membership_id, date.today(), "工作调动")
    window.ctx.data_changed.emit()
    detail = window.directory.teams.detail
    assert detail.fact_labels["town_liaison"].text() == "陈小红"
    assert detail.fact_labels["schedule"].text() == "每周二 15:00—18:30"
    former = [detail.former_model.rows[i].name for i in range(detail.former_model.rowCount())]
    assert former == ["黄志强"]
    assert detail.warnings.isHidden()


def test_team_models_pass_the_model_tester(qtmodeltester, db: Database, window: MainWindow
                                           ) -> None:
    seed_town(db)
    window.ctx.data_changed.emit()
    page = window.directory.teams
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    qtmodeltester.check(page.detail.current_model)
    assert page.proxy.index(0, 0).data(ROW_ROLE).name == "石岗村驻点团队"


def test_people_list_masks_resident_ids_and_filters(qtbot, db: Database, window: MainWindow
                                                    ) -> None:
    from app.services.people import PersonInput, create_person
    seed_town(db)
    with db.session() as s:
        create_person(s, PersonInput("林海", resident_id="11010519491231002X"))
    page = window.directory.people
    window.directory.setCurrentWidget(page)
    page.search.setText("林海")
    assert page.proxy.rowCount() == 1
    assert page.proxy.index(0, 6).data() == "110105********002X"
    assert page.proxy.index(0, 0).data() == "林海"


def test_no_town_liaison_is_a_banner_not_a_message_after_each_save(
        qtbot, db: Database, window: MainWindow, monkeypatch) -> None:
    from datetime import date

    from ui.teams import page as teams_page

    ids = seed_town(db)
    with db.session() as s:
        liaison = team_service.overview(s, ids["team"]).town_liaison
        team_service.end_membership(s, liaison.membership_id, date.today(), "调岗")
    shown: list[list[str]] = []
    monkeypatch.setattr(teams_page, "show_warnings",
                        lambda parent, title, warnings: shown.append(list(warnings)))
    window.ctx.data_changed.emit()
    page = window.directory.teams
    detail = page.detail
    qtbot.waitUntil(lambda: detail.view is not None and not detail.warnings.isHidden())
    assert "还没有专职联络员" in detail.warnings.text()

    def add(dialog) -> None:  # type: ignore[no-untyped-def]
        zhou = next(i for i in range(dialog.person.count())
                    if dialog.person.itemText(i).startswith("周敏"))
        dialog.person.setCurrentIndex(zhou)
        dialog.try_save()
    from tests.ui_support import when_modal
    from ui.teams.member_dialogs import AddMemberDialog
    when_modal(AddMemberDialog, add)
    page.add_member()
    assert shown and not any("专职联络员" in w for w in shown[-1])
    assert "还没有专职联络员" in detail.warnings.text() and not detail.warnings.isHidden()


def test_several_members_are_added_at_once_or_none(qtbot, db: Database) -> None:
    from app.models import PersonCategory
    from app.services import people as people_service
    from ui.teams.member_dialogs import AddMemberDialog
    from ui.teams.rows import people_choices

    ids = seed_town(db)
    with db.session() as s:
        for name in ("甲一", "乙二"):
            people_service.create_person(s, people_service.PersonInput(
                name, unit="镇办", category=PersonCategory.TOWN_CADRE))
        choices = people_choices(s)
    dialog = AddMemberDialog(db, ids["team"], "石岗村驻点团队", choices)
    qtbot.addWidget(dialog)
    dialog.person.setCurrentIndex(dialog.person.findText("甲一", Qt.MatchFlag.MatchStartsWith))
    for i in range(dialog.more.count()):
        if dialog.more.item(i).text().startswith(("乙二", "甲一")):
            dialog.more.item(i).setCheckState(Qt.CheckState.Checked)
    assert len(dialog.chosen()) == 2  # 甲一 chosen twice counts once
    assert dialog.try_save() is not False and dialog.result() == 1
    with db.session() as s:
        names = {m.name for m in team_service.overview(s, ids["team"]).core}
    assert {"甲一", "乙二"} <= names

    again = AddMemberDialog(db, ids["team"], "石岗村驻点团队", choices)
    qtbot.addWidget(again)
    for i in range(again.more.count()):  # 周敏 is new; 甲一 is already in: refused, so neither
        if again.more.item(i).text().startswith(("周敏", "甲一")):
            again.more.item(i).setCheckState(Qt.CheckState.Checked)
    again.try_save()
    assert again.result() == 0  # refused: the form stays open with the reason
    assert not again.body.top_error.isHidden() or any(
        not label.isHidden() for label in again.field_errors.values())
    with db.session() as s:
        names = {m.name for m in team_service.overview(s, ids["team"]).core}
    assert "周敏" not in names
