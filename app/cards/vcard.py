"""The vCard 3.0 a card's QR code carries (RFC 2426), UTF-8, CRLF line ends.

Only name, position, phone and the team's organisation go in; never a resident ID or tag.
"""

from __future__ import annotations

import re

from app.cards.content import CardContent, Contact

# Two-character family names (复姓) that a Chinese name starts with.
COMPOUND_SURNAMES = frozenset("""
欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 西门 南宫
钟离 独孤 申屠 太史 闻人 澹台 公冶 濮阳 淳于 单于 赫连 呼延 万俟 司空 东郭 百里 第五 左丘
""".split())

_HAN = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003134f\uf900-\ufaff·]+$")


def escape(value: str) -> str:
    """Escape a text value: backslash, comma, semicolon and line breaks (RFC 2426 §4)."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def split_name(name: str) -> tuple[str, str]:
    """(family, given) of a Chinese name; a non-Chinese or one-character name is all family."""
    name = name.strip()
    if len(name) < 2 or not _HAN.match(name) or "·" in name:
        return name, ""
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def phone_type(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "CELL" if re.fullmatch(r"1[3-9]\d{9}", digits) else "WORK"


def vcard(contact: Contact, content: CardContent) -> str:
    family, given = split_name(contact.name)
    org = ";".join(escape(p) for p in (content.town_name, content.team_name) if p)
    lines = ["BEGIN:VCARD", "VERSION:3.0",
             f"N:{escape(family)};{escape(given)};;;",
             f"FN:{escape(contact.name.strip())}"]
    if org:
        lines.append(f"ORG:{org}")
    if contact.position:
        lines.append(f"TITLE:{escape(contact.position)}")
    if contact.phone:
        lines.append(f"TEL;TYPE={phone_type(contact.phone)}:{contact.phone.strip()}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
