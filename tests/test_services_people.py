"""People and households: normalised on the way in, duplicates refused."""

from __future__ import annotations

from datetime import date

import pytest

from app.db import Database
from app.errors import ValidationError
from app.services import communities, households, people


def test_phones_and_id_are_normalised_once(db: Database) -> None:
    with db.session() as s:
        p = people.create_person(s, people.PersonInput(
            name="黄 晓 明", phones="１３８-1234 5678", landline="(0750)6123456",
            resident_id="44070219800101018x"))
        assert (p.name, p.mobile, p.landline) == ("黄晓明", "13812345678", "0750-6123456")
        assert p.resident_id == "44070219800101018X"


def test_bad_person_input_names_each_field(db: Database) -> None:
    with db.session() as s, pytest.raises(ValidationError) as caught:
        people.create_person(s, people.PersonInput(name=" ", phones="1381234567",
                                                   resident_id="440702198001010012"))
    problems = caught.value.problems
    assert set(problems) == {"name", "phones", "resident_id"}
    assert "11 位" in problems["phones"] and "校验位" in problems["resident_id"]


def test_resident_id_belongs_to_one_person(db: Database) -> None:
    with db.session() as s:
        people.create_person(s, people.PersonInput(name="甲", resident_id="44070219800101018X"))
    with pytest.raises(ValidationError, match="已登记在“甲”名下"), db.session() as s:
        people.create_person(s, people.PersonInput(name="乙", resident_id="44070219800101018X"))


def test_households_listed_with_current_tags(db: Database) -> None:
    with db.session() as s:
        village = communities.ensure_community(s, "石岗村")
        grid = communities.ensure_grid(s, village, "第一网格")
        h = households.create_household(s, households.HouseholdInput(
            village.id, "石岗村一巷3号", "梁伯", phones="0750 612 3456", size=2, grid_id=grid.id))
        households.tag_household(s, h.id, "孤寡老人", date(2026, 1, 1), "独居")
        tag = households.tag_household(s, h.id, "残疾人", date(2026, 1, 1), "二级肢体")
        tag.removed_on, tag.removed_reason = date(2026, 3, 1), "复核不符"
    with db.session() as s:
        [row] = households.household_rows(s, on=date(2026, 4, 1))
        assert (row.community, row.grid, row.phone, row.key_groups) == (
            "石岗村", "第一网格", "0750-6123456", "孤寡老人")
        [earlier] = households.household_rows(s, on=date(2026, 2, 1))
        assert set(earlier.key_groups.split("、")) == {"孤寡老人", "残疾人"}


def test_same_household_twice_refused(db: Database) -> None:
    with db.session() as s:
        village = communities.ensure_community(s, "石岗村")
        data = households.HouseholdInput(village.id, "石岗村一巷3号", "梁伯")
        households.create_household(s, data)
        with pytest.raises(ValidationError, match="已登记"):
            households.create_household(s, data)


def test_community_kind_follows_its_name(db: Database) -> None:
    with db.session() as s:
        kinds = {n: communities.ensure_community(s, n).kind.label
                 for n in ("石岗村", "新围社区", "沙富联社")}
    assert kinds == {"石岗村": "村", "新围社区": "社区", "沙富联社": "联社"}


def test_search_ignores_the_case_of_latin_letters(db: Database) -> None:
    # SQLite's LIKE ignores ASCII case and PostgreSQL's does not; the search must not differ.
    with db.session() as s:
        people.create_person(s, people.PersonInput("陈工", unit="ABC物业公司", position="IT专员"))
        people.create_person(s, people.PersonInput("李工", unit="镇农业办"))
    with db.session() as s:
        assert [p.name for p in people.search_people(s, "abc")] == ["陈工"]
        assert [p.name for p in people.search_people(s, "it专")] == ["陈工"]
        assert [p.name for p in people.search_people(s, "ABC物业")] == ["陈工"]


def test_enum_values_arrive_as_text_from_forms_and_leave_as_enums(db: Database) -> None:
    from app.models import Gender, PersonCategory

    with db.session() as s:
        p = people.create_person(s, people.PersonInput(name="甲", gender="female",  # type: ignore[arg-type]
                                                       category="grid_worker"))  # type: ignore[arg-type]
        assert p.gender is Gender.FEMALE and p.category.label == "网格员"
        village = communities.create_community(s, communities.CommunityInput("乙", kind="village"))  # type: ignore[arg-type]
        h = households.create_household(s, households.HouseholdInput(
            village.id, "一巷1号", "丙", kind="shop"))  # type: ignore[arg-type]
        assert village.kind.label == "村" and h.kind.label == "个体商户"


def test_gender_left_blank_is_read_from_the_resident_id(db: Database) -> None:
    from app.models import Gender

    with db.session() as s:
        man = people.create_person(s, people.PersonInput(name="甲", resident_id="440702198001010171"))
        woman = people.create_person(s, people.PersonInput(name="乙",
                                                           resident_id="44070219800101018X"))
        chosen = people.create_person(s, people.PersonInput(name="丙", gender="male",
                                                            resident_id="440702198001010112"))
        unknown = people.create_person(s, people.PersonInput(name="丁"))
        assert (man.gender, woman.gender, chosen.gender, unknown.gender) == (
            Gender.MALE, Gender.FEMALE, Gender.MALE, None)


def test_a_landline_without_area_code_takes_the_towns(db: Database) -> None:
    from app.services.settings import SettingsInput, get_settings, update_settings

    with db.session() as s:
        village = communities.ensure_community(s, "石岗村")
        with pytest.raises(ValidationError, match="区号") as caught:
            people.create_person(s, people.PersonInput(name="甲", landline="6123456"))
        assert set(caught.value.problems) == {"landline"}
        t = get_settings(s)
        base = SettingsInput(t.town_name, t.district_name, t.hotline, t.station_weekday,
                             t.station_start, t.station_end, t.max_station_team_size,
                             t.max_communities_per_leader)
        with pytest.raises(ValidationError) as caught:
            update_settings(s, SettingsInput(**{**base.__dict__, "area_code": "750"}))
        assert set(caught.value.problems) == {"area_code"}
        assert update_settings(s, SettingsInput(**{**base.__dict__, "area_code": "0750"})
                               ).area_code == "0750"
        # None (a form without the field) keeps it.
        assert update_settings(s, base).area_code == "0750"
        p = people.create_person(s, people.PersonInput(name="甲", phones="612 3456",
                                                       landline="6123457"))
        assert (p.mobile, p.landline) == ("", "0750-6123457")
        h = households.create_household(s, households.HouseholdInput(
            village.id, "石岗村一巷3号", "梁伯", phones="13800001111，6123456"))
        assert (h.mobile, h.landline) == ("13800001111", "0750-6123456")
        # An area code typed in full is kept.
        q = people.create_person(s, people.PersonInput(name="乙", landline="020-12345678"))
        assert q.landline == "020-12345678"


def test_same_address_and_phone_is_offered_as_a_possible_duplicate(db: Database) -> None:
    with db.session() as s:
        village = communities.ensure_community(s, "石岗村")
        other = communities.ensure_community(s, "新围社区")
        first = households.create_household(s, households.HouseholdInput(
            village.id, "石岗村一巷3号", "梁伯", phones="13800001111"))
        same = households.HouseholdInput(village.id, " 石岗村一巷3号 ", "梁叔",
                                         phones="138 0000 1111")
        assert households.possible_duplicates(s, same) == ["石岗村一巷3号 梁伯（13800001111）"]
        # Another phone, another address, another community, the household itself: none.
        for data in (households.HouseholdInput(village.id, "石岗村一巷3号", "梁叔", "13800002222"),
                     households.HouseholdInput(village.id, "石岗村一巷4号", "梁叔", "13800001111"),
                     households.HouseholdInput(other.id, "石岗村一巷3号", "梁叔", "13800001111"),
                     households.HouseholdInput(village.id, "石岗村一巷3号", "梁叔", "")):
            assert households.possible_duplicates(s, data) == []
        assert households.possible_duplicates(s, same, first.id) == []
        # Only a warning: saving it is the clerk's choice.
        households.create_household(s, same)
