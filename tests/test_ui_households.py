"""The 住户 tab driven like a clerk would: add, edit, tags with history, one row refreshed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select

from app.db import Database
from app.models import Household, HouseholdTag
from app.services import communities, households
from app.services.households import HouseholdRow
from tests.databases import open_test_database
from tests.ui_support import seed_town, type_text
from ui.households.dialog import HouseholdDialog, HouseholdStart, household_choices, household_start
from ui.households.model import HouseholdModel
from ui.households.page import HouseholdsPage
from ui.main_window import MainWindow



def _open_page(qtbot, db: Database, window: MainWindow) -> HouseholdsPage:
    seed_town(db)
    window.ctx.data_changed.emit()
    page = window.directory.households
    window.directory.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.model.total == 3)
    return page


def _when_dialog_opens(action: Callable[[HouseholdDialog], None]) -> None:
    """Run ``action`` on the household form the next click or key opens (it is modal)."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, HouseholdDialog):
            action(dialog)
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(20, poll)


def _dialog(qtbot, db: Database, household_id: int | None = None,
            community_id: int = 0) -> HouseholdDialog:
    with db.session() as s:
        choices = household_choices(s)
        start = (household_start(s, household_id) if household_id is not None
                 else HouseholdStart(households.HouseholdInput(community_id, "", "")))
    dialog = HouseholdDialog(db, choices, start)
    qtbot.addWidget(dialog)
    return dialog


def _click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_add_household_through_the_form_then_find_it(qtbot, db: Database, db_path: Path,
                                                    window: MainWindow) -> None:
    page = _open_page(qtbot, db, window)
    with db.session() as s:
        communities.add_grid(s, communities.find_community(s, "石岗村").id, "第二网格")
    page.search.setText("石岗村")  # a filter the clerk had typed stays after the save

    def fill(d: HouseholdDialog) -> None:
        d.community.setCurrentIndex(d.community.findText("石岗村"))
        d.grid.setCurrentIndex(d.grid.findText("第二网格"))
        type_text(qtbot, d.address, "石岗村二巷8号")
        type_text(qtbot, d.head_name, "梁伯")
        type_text(qtbot, d.phones, "13822223333")
        type_text(qtbot, d.resident_id, "44070219800101018X")
        d.checks["孤寡老人"].setChecked(True)
        type_text(qtbot, d.tag_reason, "独居")
        _click(qtbot, d.save_button)

    _when_dialog_opens(fill)
    _click(qtbot, page.new_button)
    assert page.search.text() == "石岗村" and page.model.total == 4
    picked = page.selected()
    assert picked is not None and (picked.head_name, picked.grid, picked.key_groups) == (
        "梁伯", "第二网格", "孤寡老人")
    page.search.setText("13822223333")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.index(0, 3).data() == "梁伯"
    window.close()
    db.close()
    with open_test_database(db_path) as reopened, reopened.session() as s:
        saved = s.scalar(select(Household).where(Household.head_name == "梁伯"))
        assert saved is not None and saved.mobile == "13822223333"
        assert saved.head_resident_id == "44070219800101018X" and saved.grid.name == "第二网格"


def test_edit_by_enter_updates_the_row_in_place(qtbot, db: Database, window: MainWindow) -> None:
    page = _open_page(qtbot, db, window)
    generation = page._generation
    page.table.selectRow(next(r for r in range(3) if page.model.row_at(r).head_name == "王五"))
    page.table.setFocus()

    def change(d: HouseholdDialog) -> None:
        assert d.windowTitle() == "编辑住户" and d.phones.text() == "13600001111"
        d.head_name.clear()
        type_text(qtbot, d.head_name, "王五妹")
        _click(qtbot, d.save_button)

    _when_dialog_opens(change)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.selected() is not None and page.selected().head_name == "王五妹"
    assert page._generation == generation  # the row came back alone, no reload of the list
    assert page.model.total == 3


def test_edit_refused_when_the_household_changed_meanwhile(qtbot, db: Database) -> None:
    ids = seed_town(db)
    with db.session() as s:
        hid = s.scalar(select(Household.id).where(Household.head_name == "张三"))
    dialog = _dialog(qtbot, db, hid)
    with db.session() as s:  # another clerk saves first
        data, version = households.household_input(s, hid)
        data.size = 5
        households.update_household(s, hid, data, version)
    type_text(qtbot, dialog.note, "改过")
    _click(qtbot, dialog.save_button)
    assert dialog.result() == 0
    assert "已被其他人修改" in dialog.top_error.text() and dialog.top_error.isVisibleTo(dialog)
    with db.session() as s:
        assert s.get(Household, hid).note == "" and ids["shigang"]


def test_validation_error_appears_beside_the_field(qtbot, db: Database) -> None:
    ids = seed_town(db)
    dialog = _dialog(qtbot, db, community_id=ids["shigang"])
    type_text(qtbot, dialog.address, "石岗村九巷1号")
    type_text(qtbot, dialog.head_name, "梁伯")
    type_text(qtbot, dialog.phones, "1382222")
    _click(qtbot, dialog.save_button)
    phone_error = dialog.findChild(QLabel, "error_phones")
    assert phone_error.isVisibleTo(dialog) and "1382222”无法识别" in phone_error.text()
    assert not dialog.findChild(QLabel, "error_address").isVisibleTo(dialog)
    with db.session() as s:
        assert s.scalar(select(Household).where(Household.head_name == "梁伯")) is None


def test_resident_id_is_shown_masked_and_kept_unless_retyped(qtbot, db: Database) -> None:
    ids = seed_town(db)
    with db.session() as s:
        hid = households.create_household(s, households.HouseholdInput(
            ids["shigang"], "石岗村九巷1号", "梁伯", head_resident_id="44070219800101018X")).id
    dialog = _dialog(qtbot, db, hid)
    assert dialog.resident_id.text() == ""
    assert "440702********018X" in dialog.resident_id.placeholderText()
    _click(qtbot, dialog.save_button)
    with db.session() as s:
        assert s.get(Household, hid).head_resident_id == "44070219800101018X"


def test_tag_added_then_removed_keeps_its_history(qtbot, db: Database) -> None:
    seed_town(db)
    with db.session() as s:
        hid = s.scalar(select(Household.id).where(Household.head_name == "赵六"))
    dialog = _dialog(qtbot, db, hid)
    assert not dialog.tag_reason.isEnabled()  # nothing to explain until a box changes
    dialog.checks["残疾人"].setChecked(True)
    dialog.tag_date.setDate(date(2026, 1, 5))
    type_text(qtbot, dialog.tag_reason, "二级肢体")
    _click(qtbot, dialog.save_button)
    again = _dialog(qtbot, db, hid)
    assert again.checks["残疾人"].isChecked()
    again.checks["残疾人"].setChecked(False)
    again.tag_date.setDate(date.today())
    type_text(qtbot, again.tag_reason, "复核不符")
    _click(qtbot, again.save_button)
    with db.session() as s:
        [tag] = s.scalars(select(HouseholdTag).where(HouseholdTag.household_id == hid)).all()
        assert (tag.key_group.name, tag.added_on, tag.added_reason) == (
            "残疾人", date(2026, 1, 5), "二级肢体")
        assert (tag.removed_on, tag.removed_reason) == (date.today(), "复核不符")
        assert households.household_row(s, hid).key_groups == ""


def test_grid_choices_follow_the_community(qtbot, db: Database) -> None:
    ids = seed_town(db)
    with db.session() as s:
        communities.add_grid(s, ids["shigang"], "石岗一格")
        communities.add_grid(s, ids["xinwei"], "新围一格")
    dialog = _dialog(qtbot, db, community_id=ids["shigang"])
    grids = lambda: [dialog.grid.itemText(i) for i in range(dialog.grid.count())]  # noqa: E731
    assert grids() == ["（不分网格）", "石岗一格"]
    dialog.community.setCurrentIndex(dialog.community.findText("新围社区"))
    assert grids() == ["（不分网格）", "新围一格"]


def _row(i: int, name: str, phone: str = "") -> HouseholdRow:
    return HouseholdRow(i, "石岗村", "", f"石岗村{i}号", name, phone, 1, "居民户", "")


def test_model_puts_and_drops_single_rows_and_passes_the_model_tester(qtmodeltester) -> None:
    model = HouseholdModel()
    model.set_rows([_row(1, "张三"), _row(2, "王五"), _row(3, "赵六")])
    qtmodeltester.check(model)
    model.sort(3, Qt.SortOrder.AscendingOrder)
    model.set_filter("王")
    assert model.put_row(_row(4, "王大", "13500000000")) is not None  # new, matches the filter
    assert [model.row_at(r).head_name for r in range(model.rowCount())] == ["王大", "王五"]  # wang da, wang wu
    assert model.put_row(_row(2, "李五")) is None  # renamed out of the filter: leaves the view
    assert model.rowCount() == 1 and model.total == 4
    model.set_filter("")
    assert model.index(model.visible_row_of(2), 3).data() == "李五"
    model.drop_row(3)
    assert model.total == 3 and model.visible_row_of(3) is None
    model.sort(3, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 3  # the dropped row does not come back with a new order
    qtmodeltester.check(model)


def test_same_address_and_phone_asks_before_saving(qtbot, db: Database,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.households import dialog as dialog_module

    ids = seed_town(db)   # 石岗村1号 张三 13512345678
    asked: list[list[str]] = []
    answer = {"save": False}
    monkeypatch.setattr(dialog_module, "ask_duplicate",
                        lambda parent, found: asked.append(found) or answer["save"])
    d = _dialog(qtbot, db, community_id=ids["shigang"])
    d.community.setCurrentIndex(d.community.findData(ids["shigang"]))
    type_text(qtbot, d.address, "石岗村1号")
    type_text(qtbot, d.head_name, "张三丰")
    type_text(qtbot, d.phones, "135 1234 5678")
    d.show()
    _click(qtbot, d.save_button)
    assert asked == [["石岗村1号 张三（13512345678）"]]
    assert d.isVisible() and d.result_value is None      # not saved, the form stays open
    with db.session() as s:
        assert s.scalar(select(Household).where(Household.head_name == "张三丰")) is None
    answer["save"] = True
    _click(qtbot, d.save_button)
    assert len(asked) == 2 and not d.isVisible()
    with db.session() as s:
        assert s.scalar(select(Household).where(Household.head_name == "张三丰")) is not None
    # A different phone at that address is not asked about.
    other = _dialog(qtbot, db, community_id=ids["shigang"])
    other.community.setCurrentIndex(other.community.findData(ids["shigang"]))
    type_text(qtbot, other.address, "石岗村1号")
    type_text(qtbot, other.head_name, "张四")
    type_text(qtbot, other.phones, "13512340000")
    other.show()
    _click(qtbot, other.save_button)
    assert len(asked) == 2 and not other.isVisible()


def test_a_person_saved_without_gender_takes_it_from_the_resident_id(qtbot, db: Database
                                                                     ) -> None:
    from app.models import Gender, Person
    from app.services.people import PersonInput
    from ui.people.dialogs import PersonDialog

    d = PersonDialog(db, PersonInput(name=""))
    qtbot.addWidget(d)
    d.show()
    assert not d.gender.currentData()
    type_text(qtbot, d.name, "何瑞英")
    type_text(qtbot, d.resident_id, "44070219800101018X")
    _click(qtbot, d.save_button)
    assert not d.isVisible()
    with db.session() as s:
        saved = s.scalar(select(Person).where(Person.name == "何瑞英"))
        assert saved is not None and saved.gender == Gender.FEMALE
