"""The community form's grids: added, renamed, and refused deletion while households use one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.db import Database
from app.services import communities, households
from tests.ui_support import seed_town, type_text
from ui.communities.page import CommunityDialog
from ui.communities.rows import CommunityRow, community_rows


def _dialog(qtbot, db: Database, name: str) -> CommunityDialog:  # type: ignore[no-untyped-def]
    with db.session() as s:
        row: CommunityRow = next(r for r in community_rows(s) if r.name == name)
    dialog = CommunityDialog(db, row)
    qtbot.addWidget(dialog)
    return dialog


def _click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_grids_added_and_renamed_in_the_community_form(qtbot, db: Database) -> None:
    ids = seed_town(db)
    dialog = _dialog(qtbot, db, "石岗村")
    panel = dialog.grids
    assert panel is not None and panel.names() == []
    for name in ("第一网格", "第二网格"):
        panel.name.clear()
        type_text(qtbot, panel.name, name)
        _click(qtbot, panel.buttons["grid_add"])
    assert panel.names() == ["第一网格", "第二网格"] and dialog.grids_changed
    panel.list.setCurrentRow(0)
    panel.name.clear()
    type_text(qtbot, panel.name, "东片网格")
    _click(qtbot, panel.buttons["grid_rename"])
    assert panel.names() == ["东片网格", "第二网格"]
    panel.name.clear()
    type_text(qtbot, panel.name, "第二网格")  # a name taken already
    _click(qtbot, panel.buttons["grid_add"])
    assert panel.message.isVisibleTo(dialog) and "已有名为“第二网格”的网格" in panel.message.text()
    dialog.reject()  # grid changes were saved as they were made
    with db.session() as s:
        assert [g.name for g in communities.list_grids(s, ids["shigang"])] == ["东片网格", "第二网格"]
        assert next(r for r in community_rows(s) if r.name == "石岗村").grids == "东片网格、第二网格"


def test_deleting_a_grid_in_use_is_refused(qtbot, db: Database) -> None:
    ids = seed_town(db)
    with db.session() as s:
        used = communities.add_grid(s, ids["shigang"], "第一网格").id
        communities.add_grid(s, ids["shigang"], "空网格")
        households.create_household(s, households.HouseholdInput(
            ids["shigang"], "石岗村九巷1号", "梁伯", grid_id=used))
    dialog = _dialog(qtbot, db, "石岗村")
    panel = dialog.grids
    assert panel is not None
    panel.list.setCurrentRow(panel.names().index("第一网格"))
    _click(qtbot, panel.buttons["grid_delete"])
    message = dialog.findChild(QLabel, "gridError")
    assert message.isVisibleTo(dialog) and "还有 1 户住户，不能删除" in message.text()
    panel.list.setCurrentRow(panel.names().index("空网格"))
    _click(qtbot, panel.buttons["grid_delete"])
    assert panel.names() == ["第一网格"] and not message.isVisibleTo(dialog)


def test_new_community_form_explains_where_grids_come_from(qtbot, db: Database) -> None:
    dialog = CommunityDialog(db, None)
    qtbot.addWidget(dialog)
    assert dialog.grids is None
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "保存后，再次打开即可添加网格。" in labels


def test_enter_in_the_grid_name_adds_the_grid_and_keeps_the_form_open(qtbot, db: Database) -> None:
    ids = seed_town(db)
    dialog = _dialog(qtbot, db, "石岗村")
    dialog.show()
    panel = dialog.grids
    assert panel is not None
    type_text(qtbot, panel.name, "第三网格")
    qtbot.keyClick(panel.name, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() == 0  # not saved and closed
    assert panel.names() == ["第三网格"]
    with db.session() as s:
        assert [g.name for g in communities.list_grids(s, ids["shigang"])] == ["第三网格"]
    dialog.reject()
