"""The first day in the window: the checklist leads from an empty town to printed cards, and
the user guide opens inside the program at the page's own section."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from app.db import Database
from app.models import CardPrint, Community
from app.services import cards, communities
from app.services.first_steps import first_steps
from tests.ui_support import seed_town
from ui.help import SECTIONS, HelpDialog
from ui.main_window import AREAS, MainWindow


def test_the_checklist_opens_each_step_and_ticks_itself(qtbot, db: Database,
                                                         window: MainWindow) -> None:
    panel = window.first_steps
    assert panel is not None and panel.isVisible()
    assert panel.done() == {"communities": False, "people": False, "teams": False,
                            "households": False, "cards": False}
    for key, tab in (("people", "people"), ("communities", "communities"),
                     ("households", "households"), ("teams", "teams")):
        panel.labels[key].linkActivated.emit(key)
        assert window.current_area() == "团队与人员"
        assert window.directory.currentWidget() is getattr(window.directory, tab)
    panel.labels["cards"].linkActivated.emit("cards")
    assert window.current_area() == "联系卡"

    with db.session() as s:
        communities.create_community(s, communities.CommunityInput("石岗村"))
    window.ctx.data_changed.emit()
    assert panel.done()["communities"] and not panel.done()["people"]
    assert "✔" in panel.labels["communities"].text() and "✔" not in panel.labels["people"].text()
    assert panel.next_hint.text().startswith("下一步：登记驻点的领导")

    ids = seed_town_more(db)
    window.ctx.data_changed.emit()
    assert panel.done() == {"communities": True, "people": True, "teams": True,
                            "households": True, "cards": False}
    with db.session() as s:
        cards.record_print(s, [cards.card_content(s, ids["team"], ids["shigang"])], False, 2,
                           "联系卡.pdf")
    window.ctx.data_changed.emit()
    assert panel.isHidden()  # every step done: the panel leaves the page


def seed_town_more(db: Database) -> dict[str, int]:
    """The usual test town (it brings its own 石岗村, so the one added above goes first)."""
    with db.session() as s:
        s.delete(s.scalar(select(Community).where(Community.name == "石岗村")))
        s.commit()
    return seed_town(db)


def test_the_import_link_starts_the_roster_import(qtbot, window: MainWindow,
                                                  monkeypatch) -> None:  # type: ignore[no-untyped-def]
    started: list[bool] = []
    monkeypatch.setattr(window, "import_roster", lambda: started.append(True))
    window.open_first_step("import")
    assert started == [True]


def test_first_steps_on_an_empty_town(db: Database) -> None:
    with db.session() as s:
        steps = first_steps(s)
        assert [st.key for st in steps] == ["communities", "people", "teams", "households", "cards"]
        assert not any(st.done for st in steps)
        assert s.scalar(select(CardPrint.id)) is None


def test_the_guide_opens_inside_at_each_pages_section(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    document = dialog.browser.document()
    assert "使用说明" in document.toPlainText()[:20]
    for area in AREAS:
        assert area in SECTIONS, area
        assert dialog.show_section(area), area
        assert dialog.browser.textCursor().block().text().startswith(SECTIONS[area])
    image = document.resource(QTextDocument.ResourceType.ImageResource, "screenshots/cards.png")
    assert image is not None and not image.isNull()  # the screenshots come with it, offline


def test_every_page_has_its_help_link(qtbot, window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    monkeypatch.setattr(window, "open_help", lambda area="": opened.append(area))
    links = window.findChildren(QLabel, "pageHelp")
    assert len(links) == len(AREAS)
    for link in links:
        link.linkActivated.emit("help")
    assert sorted(opened) == sorted(AREAS)


def test_empty_lists_say_what_to_do_next(qtbot, db: Database, window: MainWindow) -> None:
    from ui.widgets.empty_hint import FILTERED, empty_hint_text

    directory = window.directory
    for page, words in ((directory.teams, "新建团队"), (directory.people, "新增人员"),
                        (directory.communities, "新增村（社区）"),
                        (directory.households, "新增住户")):
        window.show_area("团队与人员")
        directory.setCurrentWidget(page)
        qtbot.waitUntil(lambda p=page: bool(empty_hint_text(p.table)), timeout=10000)
        assert words in empty_hint_text(page.table) and "导入花名册" in empty_hint_text(
            directory.teams.table)
    seed_town(db)
    window.ctx.data_changed.emit()
    people = directory.people
    directory.setCurrentWidget(people)
    qtbot.waitUntil(lambda: people.model.rowCount() > 0, timeout=10000)
    assert empty_hint_text(people.table) == ""
    people.search.setText("没有这个人")
    assert empty_hint_text(people.table) == FILTERED


def test_people_open_in_pinyin_order_a_to_z(qtbot, db: Database, window: MainWindow) -> None:
    seed_town(db)  # 李建国, 陈小红, 黄志强, 周敏
    window.ctx.data_changed.emit()
    people = window.directory.people
    window.directory.setCurrentWidget(people)
    qtbot.waitUntil(lambda: people.proxy.rowCount() == 4, timeout=10000)
    names = [people.proxy.index(r, 0).data() for r in range(people.proxy.rowCount())]
    assert names == ["陈小红", "黄志强", "李建国", "周敏"]
