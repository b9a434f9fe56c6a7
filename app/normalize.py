"""Phone numbers, resident IDs and names, normalised once, on the way in.

Each ``normalize_*`` returns the stored form or raises ``ValidationError`` with a message that
says what is wrong with the value as the user typed it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from app.errors import ValidationError

_SPACES = re.compile(r"\s+")
_PHONE_NOISE = re.compile(r"[\s\-‐‑–—－()（）.·]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# 010 and 02X are three-digit area codes; all others in mainland China have four digits.
_LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})$")
_LOCAL = re.compile(r"^[2-9]\d{6,7}$")
_PHONE_SPLIT = re.compile(r"[/,，;；、]|\s{2,}|\s(?=1[3-9]\d{9}\b)|\s(?=0\d{2,3}[-\s]?\d{7,8}\b)")
# Compiled once: clean_name runs for every name cell of an import.
_CHINESE_NAME = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f·\s]+")
_ID_FIRST_GENERATION = re.compile(r"\d{15}")
_ID_CURRENT = re.compile(r"\d{17}[\dX]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


# Chinese punctuation stays full-width (it is the right form in Chinese prose); NFKC would
# turn "，（）：" into ASCII. Everything else of the full-width block folds to half-width.
_KEEP_FULL_WIDTH = set("！，：；？（）～")
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)
               if chr(code) not in _KEEP_FULL_WIDTH}
_HALF_WIDTH[0x3000] = 0x20   # ideographic space


# C0 and C1 control characters, DEL, lone surrogates and the two non-characters: none can be
# typed on purpose, xlsx and XML cannot hold them, and a stored one broke every later export.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_controls(text: str) -> str:
    """``text`` without control characters; tabs and line breaks kept (prose has them)."""
    return _CONTROLS.sub("", text)


def clean_text(value: object) -> str:
    """One line: control characters dropped, full-width letters, digits and symbols to
    half-width (Chinese punctuation kept), spaces folded, ends trimmed."""
    if value is None:
        return ""
    text = strip_controls(unicodedata.normalize("NFC", str(value))).translate(_HALF_WIDTH)
    return _SPACES.sub(" ", text).strip()


def clean_prose(value: object) -> str:
    """Several lines (a note, minutes, a report): control characters dropped, line breaks
    kept as \\n, each line's ends trimmed, no run of blank lines."""
    if value is None:
        return ""
    text = strip_controls(unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n")
                          .replace("\r", "\n"))
    lines = [line.rstrip().replace("\t", "    ") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_name(value: object) -> str:
    """Chinese names carry no inner spaces (张 三 → 张三); foreign names keep a single one."""
    text = clean_text(value)
    if _CHINESE_NAME.fullmatch(text):
        text = text.replace(" ", "")
    return text


@dataclass(frozen=True)
class Phones:
    mobile: str = ""
    landline: str = ""


def normalize_phone(value: object, *, area_code: str = "") -> str:
    """One number: an 11-digit mobile, or a landline written ``0750-1234567``."""
    raw = clean_text(value)
    if isinstance(value, float) and value.is_integer():
        raw = str(int(value))
    digits = _PHONE_NOISE.sub("", raw)
    digits = re.sub(r"^(?:\+86|0086)", "", digits)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits:
        return ""
    if not digits.isdigit():
        raise ValidationError(f"电话号码“{raw}”含有数字以外的字符")
    if _MOBILE.match(digits):
        return digits
    landline = _LANDLINE.match(digits)
    if landline:
        return f"{landline[1]}-{landline[2]}"
    if area_code and _LOCAL.match(digits):
        return f"{area_code}-{digits}"
    if digits.startswith("1") and 9 <= len(digits) <= 13:
        raise ValidationError(f"手机号码“{raw}”应为 11 位（现在是 {len(digits)} 位）")
    raise ValidationError(f"电话号码“{raw}”无法识别：固定电话请带区号，如 0750-1234567")


def normalize_phones(value: object, *, area_code: str = "") -> Phones:
    """A cell with one or two numbers (mobile and/or landline) split into their kinds."""
    raw = clean_text(value)
    if isinstance(value, float) and value.is_integer():
        raw = str(int(value))
    mobile = landline = ""
    try:  # "138 0000 0014" is one number written in groups, not three
        single = normalize_phone(raw, area_code=area_code)
    except ValidationError:
        single = None
    if single is not None:
        return Phones(landline=single) if "-" in single else Phones(mobile=single)
    for part in (p for p in _PHONE_SPLIT.split(raw) if p and p.strip()):
        number = normalize_phone(part, area_code=area_code)
        if not number:
            continue
        if ("-" in number and landline) or ("-" not in number and mobile):
            raise ValidationError(f"“{raw}”含有两个同类号码：每人（户）登记一个手机和一个固定电话")
        if "-" in number:
            landline = number
        else:
            mobile = number
    return Phones(mobile, landline)


def normalize_resident_id(value: object) -> str | None:
    """An 18-character GB 11643 citizen ID with a valid birth date and check digit.

    Fifteen-digit IDs of the first generation are converted to 18 characters.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValidationError("身份证号被存成了数字，末几位可能已经丢失；请把该列设为“文本”后重新填写")
    raw = clean_text(value).replace(" ", "").upper()
    if not raw:
        return None
    if _ID_FIRST_GENERATION.fullmatch(raw):
        raw = raw[:6] + "19" + raw[6:]
        raw += _check_char(raw)
    if not _ID_CURRENT.fullmatch(raw):
        raise ValidationError(f"身份证号“{raw}”应为 18 位（最后一位可以是 X）")
    try:
        born = date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        raise ValidationError(f"身份证号“{raw}”中的出生日期 {raw[6:14]} 不存在") from None
    if born > date.today() or born.year < 1900:
        raise ValidationError(f"身份证号“{raw}”中的出生日期 {raw[6:14]} 不合理")
    if _check_char(raw[:17]) != raw[17]:
        raise ValidationError(f"身份证号“{raw}”校验位不对，请核对是否抄错")
    return raw


def gender_from_resident_id(value: str | None) -> str | None:
    """"male" or "female" (the values of ``app.models.Gender``) from a valid 18-character
    resident ID: its 17th digit is odd for men, even for women. None for no or a bad ID."""
    try:
        rid = normalize_resident_id(value) if value else None
    except ValidationError:
        return None
    if rid is None:
        return None
    return "male" if int(rid[16]) % 2 else "female"


def normalize_area_code(value: object) -> str:
    """A mainland telephone area code as the town writes it: "0750", "020", "010"; "" for none."""
    raw = _PHONE_NOISE.sub("", clean_text(value))
    if not raw:
        return ""
    if not re.fullmatch(r"0(?:10|2\d|[3-9]\d{2})", raw):
        raise ValidationError(f"区号“{raw}”不正确：应以 0 开头，共 3 或 4 位，如 0750、020")
    return raw


def _check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def mask_resident_id(value: str | None) -> str:
    """First 6 and last 4 characters shown, the birth date hidden."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
