"""Problem categories as a town setting: the default deadline read from the table, renaming,
reordering and retiring without touching registered problems, refusals that name the row,
who may change them, and the upgrade of a file from before the setting."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.auth import Actor
from app.db import Database, migrate, open_database
from app.errors import PermissionDenied, ValidationError
from app.models import AuditEntry, HandlingLevel, Problem, ProblemCategory, Role
from app.services import communities, problem_categories as pc, problems
from app.services.problem_categories import CategoryInput, SEED_CATEGORIES
from app.services.problems import ProblemInput
from tests.databases import open_test_database

DAY = date(2026, 3, 3)


def village(db: Database) -> int:
    with db.session() as s:
        return communities.ensure_community(s, "石岗村").id


def raise_(db: Database, community: int, category: str, **kw) -> Problem:  # type: ignore[no-untyped-def]
    with db.session() as s:
        problem = problems.raise_problem(s, ProblemInput(
            community, DAY, category, "村口路灯不亮", reporter_name="张大伯", **kw))
        s.flush()
        s.expunge(problem)
        return problem


def as_inputs(db: Database) -> list[CategoryInput]:
    with db.session() as s:
        return [CategoryInput(r.name, r.deadline_days, r.active, r.id, r.version)
                for r in pc.category_rows(s)]


def save(db: Database, rows: list[CategoryInput], deleted: tuple[int, ...] = ()) -> None:
    with db.session() as s:
        pc.save_categories(s, rows, deleted)


def test_a_new_database_has_the_usual_categories_in_order(db: Database) -> None:
    with db.session() as s:
        rows = pc.category_rows(s)
    assert [(r.name, r.deadline_days, r.active) for r in rows] == [
        (name, days, True) for name, days in SEED_CATEGORIES]
    assert [name for name, _ in SEED_CATEGORIES][-1] == "其他"


def test_deadline_follows_the_towns_days_after_they_change(db: Database, db_path: Path) -> None:
    shigang = village(db)
    assert raise_(db, shigang, "环境卫生").deadline == DAY + timedelta(days=15)
    rows = as_inputs(db)
    for row in rows:
        if row.name == "环境卫生":
            row.deadline_days = 20
    save(db, rows)
    db.close()

    with open_test_database(db_path) as again:
        assert raise_(again, shigang, "环境卫生").deadline == DAY + timedelta(days=20)
        # An explicit deadline wins; on site is the same day; a name not on the list is
        # refused for a problem, and its default deadline would be 15.
        assert raise_(again, shigang, "环境卫生", deadline=DAY + timedelta(days=3)
                      ).deadline == DAY + timedelta(days=3)
        assert raise_(again, shigang, "环境卫生", level=HandlingLevel.ON_SITE).deadline == DAY
        with pytest.raises(ValidationError, match="不在本镇的类别清单中"):
            raise_(again, shigang, "临时类别")
        with again.session() as s:
            assert problems.default_deadline(s, "临时类别", DAY) == DAY + timedelta(
                days=pc.FALLBACK_DEADLINE_DAYS)
            assert problems.default_deadline(s, " 环境卫生 ", DAY) == DAY + timedelta(days=20)
            entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "problem_category")
                              ).all()
        assert [(e.action, e.summary, json.loads(e.changes)) for e in entry] == [
            ("update", "问题类别：环境卫生", {"deadline_days": {"前": 15, "后": 20}})]


def test_retire_rename_reorder_and_add_keep_the_problems_categories(
        db: Database, db_path: Path) -> None:
    shigang = village(db)
    old = raise_(db, shigang, "村务管理").id
    other = raise_(db, shigang, "其他").id
    rows = as_inputs(db)
    by_name = {r.name: r for r in rows}
    by_name["村务管理"].active = False                # retired
    by_name["其他"].name = " 其它事项 "                 # renamed (trimmed)
    rows.insert(0, CategoryInput("城市管理", 10))       # new, first
    rows.remove(by_name["基础设施"])
    rows.insert(1, by_name["基础设施"])                 # moved up
    save(db, rows)
    db.close()

    with open_test_database(db_path) as again, again.session() as s:
        assert pc.active_names(s) == ["城市管理", "基础设施", "矛盾纠纷", "治安消防", "环境卫生",
                                      "民生救助", "政策咨询", "其它事项"]
        everything = pc.category_rows(s)
        assert [(r.name, r.active, r.problems) for r in everything][-1] == ("村务管理", False, 1)
        assert s.get(Problem, old).category == "村务管理"
        assert s.get(Problem, other).category == "其他"
        # A retired category still gives its days (an old problem edited later keeps them).
        assert pc.deadline_days_for(s, "村务管理") == 30
        assert pc.deadline_days_for(s, "城市管理") == 10


def test_duplicates_and_bad_rows_are_refused_naming_the_row_and_nothing_is_saved(
        db: Database) -> None:
    rows = as_inputs(db)
    rows[4].name = "环境卫生"       # row 5 repeats row 3
    rows.append(CategoryInput("  ", 10))                    # row 9: empty
    rows.append(CategoryInput("很长" * 10 + "了", 10))  # row 10: 21 chars
    rows.append(CategoryInput("信访维稳", 400))             # row 11: days out of range
    with pytest.raises(ValidationError) as refused:
        save(db, rows)
    error = refused.value
    assert error.field == "categories"
    assert error.problems == {"categories": error.message,
        "row5": "第 5 行（环境卫生）：类别名称与第 3 行重复。",
        "row9": "第 9 行：请填写类别名称。",
        "row10": f"第 10 行（{'很长' * 10}了）：类别名称最多 20 个字（现在 21 个）。",
        "row11": "第 11 行（信访维稳）：默认办结时限应在 1 到 365 天之间。",
    }
    assert error.message.startswith("第 5 行（环境卫生）：类别名称与第 3 行重复。\n第 9 行")
    with db.session() as s:
        assert [(r.name, r.deadline_days) for r in pc.category_rows(s)] == list(SEED_CATEGORIES)
    # Width and case do not make a different name.
    with pytest.raises(ValidationError, match="第 10 行（ABC）：类别名称与第 9 行重复"):
        save(db, [*as_inputs(db), CategoryInput("abc", 5), CategoryInput("ＡＢＣ", 5)])


def test_a_used_category_cannot_be_deleted_an_unused_one_can(db: Database) -> None:
    raise_(db, village(db), "矛盾纠纷")
    rows = as_inputs(db)
    used = next(r for r in rows if r.name == "矛盾纠纷")
    unused = next(r for r in rows if r.name == "政策咨询")
    keep = [r for r in rows if r not in (used, unused)]
    with pytest.raises(ValidationError, match="类别“矛盾纠纷”已有 1 个问题使用，不能删除；可以勾选“停用”"):
        save(db, keep, (used.id, unused.id))  # type: ignore[arg-type]
    save(db, [r for r in rows if r is not unused], (unused.id,))  # type: ignore[arg-type]
    with db.session() as s:
        assert "政策咨询" not in [r.name for r in pc.category_rows(s)]
        assert s.get(ProblemCategory, unused.id) is None
        # The freed name can be taken again at once.
        pc.save_categories(s, [*[CategoryInput(r.name, r.deadline_days, r.active, r.id, r.version)
                                 for r in pc.category_rows(s)], CategoryInput("政策咨询", 5)])
        assert pc.deadline_days_for(s, "政策咨询") == 5


def test_names_can_be_swapped_in_one_save(db: Database) -> None:
    rows = as_inputs(db)
    rows[0].name, rows[1].name = rows[1].name, rows[0].name
    rows[2].name = "其他"                     # takes the last row's name …
    rows[-1].name = "其他问题"                 # … which moves on
    save(db, rows)
    with db.session() as s:
        names = [(r.name, r.deadline_days) for r in pc.category_rows(s)]
    assert names[:3] == [("治安消防", 7), ("矛盾纠纷", 7), ("其他", 15)]
    assert names[-1] == ("其他问题", 15)


def test_a_category_added_meanwhile_is_kept_and_a_stale_row_refused(db: Database) -> None:
    page = as_inputs(db)                         # one clerk's page
    save(db, [*as_inputs(db), CategoryInput("信访维稳", 7)])   # another adds one
    page[0].deadline_days = 9
    save(db, page)                               # the first page never saw it: still kept
    with db.session() as s:
        rows = pc.category_rows(s)
    assert rows[-1].name == "信访维稳" and rows[0].deadline_days == 9
    page[0].deadline_days = 8                    # the same page again: its versions are old
    with pytest.raises(Exception, match="已被其他人修改"):
        save(db, page)
    with pytest.raises(ValidationError, match="第 9 行（信访维稳）：已有同名类别"):
        save(db, [*page, CategoryInput("信访维稳", 3)])


def test_only_settings_editors_change_categories_everyone_signed_in_reads(db: Database) -> None:
    rows = as_inputs(db)
    db.act_as(Actor(None, "lianluoyuan", "联络员", frozenset({Role.LIAISON}), frozenset({1})))
    with db.session() as s:
        assert pc.active_names(s)[0] == "矛盾纠纷"
        with pytest.raises(PermissionDenied, match="修改镇（街道）设置"):
            pc.save_categories(s, rows)
    db.act_as(Actor(None, "dangzhengban", "党政办", frozenset({Role.CLERK})))
    rows[0].deadline_days = 5
    save(db, rows)
    db.act_as(None)
    with db.session() as s, pytest.raises(PermissionDenied, match="请先登录"):
        pc.active_names(s)


@pytest.mark.sqlite_only
def test_a_file_from_0005_upgrades_keeping_its_data_and_gets_the_categories(
        db_path: Path) -> None:
    from app.db.engine import make_engine, sqlite_url

    engine = make_engine(sqlite_url(db_path), foreign_keys=False)
    migrate.upgrade(engine, target="0005_visits")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO person (name, unit, position, category, mobile, landline,"
                             " note, version) VALUES ('陈志强', '', '', 'other', '', '', '', 1)")
        conn.exec_driver_sql("UPDATE town_settings SET visits_per_household_per_year = 2")
    engine.dispose()

    with open_database(db_path).act_as(Actor.program()) as db:
        assert db.report.upgraded_from == "0005_visits"
        with db.session() as s:
            assert [(r.name, r.deadline_days) for r in pc.category_rows(s)] == list(
                SEED_CATEGORIES)
            from app.models import Person, TownSettings
            assert s.scalars(select(Person.name)).all() == ["陈志强"]
            assert s.get(TownSettings, 1).visits_per_household_per_year == 2
        shigang = village(db)
        assert raise_(db, shigang, "基础设施").deadline == DAY + timedelta(days=30)
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] \
            == migrate_head()


def migrate_head() -> str:
    from app.db import schema

    return schema.HEAD
