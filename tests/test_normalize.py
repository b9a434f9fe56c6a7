"""Phones, resident IDs and names as clerks type them."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.normalize import (Phones, clean_name, gender_from_resident_id, mask_resident_id,
                           normalize_area_code, normalize_phone, normalize_phones,
                           normalize_resident_id)


@pytest.mark.parametrize("typed, stored", [
    ("138 1234 5678", "13812345678"),
    ("１３８－１２３４－５６７８", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    (13812345678.0, "13812345678"),
    ("020-12345678", "020-12345678"),
    ("(0750)6123456", "0750-6123456"),
    ("0750 612 3456", "0750-6123456"),
])
def test_one_number(typed: object, stored: str) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed, phones", [
    ("138 0000 0014", Phones("13800000014", "")),
    ("13812345678/0750-6123456", Phones("13812345678", "0750-6123456")),
    ("13812345678 020 12345678", Phones("13812345678", "020-12345678")),
    ("0750-6123456、13812345678", Phones("13812345678", "0750-6123456")),
    ("", Phones()),
])
def test_a_cell_with_one_or_two_numbers(typed: str, phones: Phones) -> None:
    assert normalize_phones(typed) == phones


@pytest.mark.parametrize("typed, message", [
    ("1381234567", "11 位"),
    ("6123456", "区号"),
    ("138abc", "数字以外"),
    ("13812345678/13912345678", "两个同类号码"),
])
def test_bad_numbers_say_why(typed: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        normalize_phones(typed)


def test_landline_without_area_code_takes_the_towns() -> None:
    assert normalize_phone("6123456", area_code="0750") == "0750-6123456"


def test_area_codes() -> None:
    assert normalize_area_code(" 0750 ") == "0750" and normalize_area_code("020") == "020"
    assert normalize_area_code("") == ""
    for bad in ("750", "07501", "0750-", "区号"):
        if bad == "0750-":
            assert normalize_area_code(bad) == "0750"   # the dash is noise, like in numbers
            continue
        with pytest.raises(ValidationError, match="区号"):
            normalize_area_code(bad)


def test_gender_from_the_17th_digit_of_a_resident_id() -> None:
    assert gender_from_resident_id("440702198001010171") == "male"      # 7: odd
    assert gender_from_resident_id("44070219800101018X") == "female"    # 8: even
    assert gender_from_resident_id("440702800101018") == "female"       # 15 digits, converted
    assert gender_from_resident_id("440702198001010180") is None        # bad check digit
    assert gender_from_resident_id(None) is None and gender_from_resident_id("") is None


def test_resident_ids() -> None:
    assert normalize_resident_id("44070219800101018x") == "44070219800101018X"
    assert normalize_resident_id(" ") is None
    # A first-generation 15-digit ID gains the century and a check character.
    assert normalize_resident_id("440702800101018") == "44070219800101018X"
    with pytest.raises(ValidationError, match="校验位"):
        normalize_resident_id("440702198001010180")
    with pytest.raises(ValidationError, match="出生日期"):
        normalize_resident_id("440702198002300186")
    with pytest.raises(ValidationError, match="文本"):
        normalize_resident_id(440702198001010180)
    assert mask_resident_id("44070219800101018X") == "440702********018X"


def test_names() -> None:
    assert clean_name(" 欧阳 小 明 ") == "欧阳小明"
    assert clean_name("John  Smith") == "John Smith"
