"""设置 › 走访与问题: the visit targets and the problem categories saved from the settings page
(and read back from the reopened database by the coverage figures and the problem ledger),
refusals that keep what was typed, the read-only page of a liaison, and the category combos."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from sqlalchemy import select

from app.auth import Actor
from app.db import Database
from app.models import Household, Role
from app.services import problem_categories, problems, settings, visits
from app.services.problems import ProblemInput
from tests.databases import open_test_database
from tests.ui_support import seed_town, type_text
from ui.context import AppContext
from ui.ledgers.data import category_choices
from ui.ledgers.problems import RaiseProblemDialog
from ui.ledgers.receptions import ReceptionDialog
from ui.settings.page import NAME, RETIRED, SettingsPage

TODAY = date.today()


def open_settings(qtbot, db: Database) -> SettingsPage:  # type: ignore[no-untyped-def]
    page = SettingsPage(AppContext(db))
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    return page


def names_in(page: SettingsPage) -> list[str]:
    table = page.categories.table
    return [table.item(r, NAME).text() for r in range(table.rowCount())]


def row_of(page: SettingsPage, name: str) -> int:
    return names_in(page).index(name)


def type_new_category(qtbot, page: SettingsPage, name: str) -> int:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.categories.add_button, Qt.MouseButton.LeftButton)
    table = page.categories.table
    row = table.rowCount() - 1
    qtbot.waitUntil(lambda: table.state() == QAbstractItemView.State.EditingState)
    type_text(qtbot, table.indexWidget(table.currentIndex()), name)
    return row


def test_targets_and_categories_are_saved_and_used(qtbot, db: Database, db_path: Path) -> None:
    ids = seed_town(db)
    with db.session() as s:
        household = s.scalars(select(Household.id).order_by(Household.id)).first()
        visits.record_visit(s, visits.VisitInput(ids["team"], household, TODAY - timedelta(days=1),
                                                 [ids["lee"]]))
        before = visits.coverage(s, TODAY.year)
    assert (before.required_visits, before.households_visited) == (1, 1)

    page = open_settings(qtbot, db)
    assert names_in(page)[:3] == ["矛盾纠纷", "治安消防", "环境卫生"]
    page.visits_per_year.setValue(2)
    page.key_visits.setValue(5)
    page.categories.days(row_of(page, "环境卫生")).setValue(20)
    page.categories.table.item(row_of(page, "村务管理"), RETIRED).setCheckState(
        Qt.CheckState.Checked)
    new = type_new_category(qtbot, page, "城市管理")
    page.categories.days(new).setValue(10)
    for _ in range(new):                      # to the top (the name still in its editor)
        qtbot.mouseClick(page.categories.up_button, Qt.MouseButton.LeftButton)
    assert names_in(page)[0] == "城市管理"
    assert not page.categories.up_button.isEnabled()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.saved_label.text() == "设置已保存。"
    assert page.categories.table.item(0, 3).text() == "0 个"   # saved: no longer （新增）
    page.grab().save(str(db_path.parent / "settings.png"))
    db.close()

    with open_test_database(db_path) as again, again.session() as s:
        town = settings.get_settings(s)
        assert (town.visits_per_household_per_year, town.key_visits_per_team_per_month) == (2, 5)
        assert problem_categories.active_names(s) == [
            "城市管理", "矛盾纠纷", "治安消防", "环境卫生", "民生救助", "政策咨询", "基础设施", "其他"]
        assert problem_categories.deadline_days_for(s, "城市管理") == 10
        after = visits.coverage(s, TODAY.year)
        assert (after.required_visits, after.households_visited) == (2, 0)
        problem = problems.raise_problem(s, ProblemInput(
            ids["shigang"], TODAY, "环境卫生", "垃圾池满了", reporter_name="李阿姨"))
        assert problem.deadline == TODAY + timedelta(days=20)


def test_a_refused_category_is_pointed_out_and_what_was_typed_stays(qtbot, db: Database) -> None:
    seed_town(db)
    page = open_settings(qtbot, db)
    page.visits_per_year.setValue(3)
    row = type_new_category(qtbot, page, "环境卫生")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.category_error.isVisible()
    assert page.category_error.text() == f"第 {row + 1} 行（环境卫生）：类别名称与第 3 行重复。"
    assert page.categories.selected() == row
    assert page.categories.table.item(row, NAME).background().color().name() == "#f5b7b1"
    assert names_in(page)[row] == "环境卫生" and page.visits_per_year.value() == 3
    assert page.saved_label.text() == ""
    with db.session() as s:   # all or nothing: the visit target was not saved either
        assert settings.get_settings(s).visits_per_household_per_year == 1
        assert len(problem_categories.active_names(s)) == 8

    page.categories.table.item(row, NAME).setText("信访维稳")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert not page.category_error.isVisible() and page.saved_label.text() == "设置已保存。"
    with db.session() as s:
        assert settings.get_settings(s).visits_per_household_per_year == 3
        assert problem_categories.active_names(s)[-1] == "信访维稳"


def test_a_used_category_cannot_be_removed_an_unused_new_one_can(qtbot, db: Database) -> None:
    ids = seed_town(db)
    with db.session() as s:
        problems.raise_problem(s, ProblemInput(ids["shigang"], TODAY, "矛盾纠纷", "邻里纠纷",
                                               anonymous=True))
    page = open_settings(qtbot, db)
    page.categories.table.selectRow(row_of(page, "矛盾纠纷"))
    assert not page.categories.remove_button.isEnabled()
    assert "停用" in page.categories.remove_button.toolTip()
    page.categories.table.selectRow(row_of(page, "政策咨询"))
    assert page.categories.remove_button.isEnabled()
    qtbot.mouseClick(page.categories.remove_button, Qt.MouseButton.LeftButton)
    assert "政策咨询" not in names_in(page)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        assert "政策咨询" not in [r.name for r in problem_categories.category_rows(s)]


def test_a_liaison_sees_the_settings_read_only(qtbot, db: Database) -> None:
    ids = seed_town(db)
    db.act_as(Actor(None, "lianluoyuan", "联络员", frozenset({Role.LIAISON}),
                    frozenset({ids["team"]})))
    page = open_settings(qtbot, db)
    assert not page.save_button.isVisible()
    assert "只读" in page.findChild(type(page.saved_label), "readOnlyNote").text()
    assert not page.visits_per_year.isEnabled() and not page.key_visits.isEnabled()
    table = page.categories.table
    assert names_in(page)[0] == "矛盾纠纷"
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert not page.categories.days(0).isEnabled()
    assert not table.item(0, RETIRED).flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert table.isColumnHidden(3)   # the town's problem counts are not a liaison's to see
    for button in (page.categories.add_button, page.categories.remove_button,
                   page.categories.up_button, page.categories.down_button):
        assert not button.isVisible()
    page.save()  # even if called, nothing is written
    with db.session() as s:
        assert len(problem_categories.active_names(s)) == 8


def test_the_category_combos_offer_the_active_categories(qtbot, db: Database) -> None:
    ids = seed_town(db)
    with db.session() as s:
        old = problems.raise_problem(s, ProblemInput(ids["shigang"], TODAY, "村务管理",
                                                     "集体收入未公开", anonymous=True)).id
    with db.session() as s:
        rows = [problem_categories.CategoryInput(r.name, r.deadline_days, r.name != "村务管理",
                                                 r.id, r.version)
                for r in problem_categories.category_rows(s)]
        rows.insert(0, problem_categories.CategoryInput("城市管理", 10))
        problem_categories.save_categories(s, rows)
    from ui.ledgers.data import team_choices

    ctx, teams = AppContext(db), team_choices(db)
    raise_dialog = RaiseProblemDialog(ctx, teams)
    reception = ReceptionDialog(ctx, teams)
    qtbot.addWidget(raise_dialog)
    qtbot.addWidget(reception)
    for combo in (raise_dialog.category, reception.category):
        offered = [combo.itemText(i) for i in range(combo.count())]
        assert offered[0] == "城市管理" and "村务管理" not in offered and len(offered) == 8
    # An old problem's retired category is still there when its form is filled.
    assert category_choices(db, "村务管理")[-1] == "村务管理"
    from ui.ledgers.data import problem_form

    edit = RaiseProblemDialog(ctx, teams, form=problem_form(db, old))
    qtbot.addWidget(edit)
    assert edit.category.currentText() == "村务管理"
    assert category_choices(db, "城市管理") == category_choices(db)


def test_the_area_code_is_saved_refused_beside_its_field_and_used(qtbot, db: Database,
                                                                   db_path: Path) -> None:
    from app.services import people

    seed_town(db)
    page = open_settings(qtbot, db)
    assert page.area_code.isVisible() and page.area_code.text() == ""
    type_text(qtbot, page.area_code, "750")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    error = page.body.field_errors["area_code"]
    assert error.isVisible() and "区号" in error.text() and page.area_code.text() == "750"
    page.area_code.clear()
    type_text(qtbot, page.area_code, "0750")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.saved_label.text() == "设置已保存。" and not error.isVisible()
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        assert settings.get_settings(s).area_code == "0750"
        person = people.create_person(s, people.PersonInput(name="吴敏", landline="6123456"))
        assert person.landline == "0750-6123456"
