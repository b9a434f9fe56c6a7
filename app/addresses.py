"""Delivery order for households: community, grid, then the door address in natural order.

A card carrier walks 五巷 from 2号 to 26号, and 二巷 before 十三巷; text order puts 五巷11号
before 五巷2号 and 十三巷 before 二巷. ``address_key`` splits an address into runs of text and
numbers and compares the numbers as numbers; ``delivery_key`` puts community and grid in front.

What counts as a number:

- Arabic digits, full-width too (the text is NFKC-folded first): 12号, １２号.
- Chinese numerals — 〇零一二两三四五六七八九十百千 and 廿 (20), 卅 (30) — only where they
  number something: a run of them directly followed by a counter or place word (巷 号 街 路 道
  栋 幢 座 楼 层 室 房 户 单(元) 门 组 队 村 社 坊 里 弄 条 排 区 期 片 段 网(格) 横 支 围),
  or directly after 第 (第五村民小组, 第十网格) or 之 (12号之一). Elsewhere they are text:
  九龙村, 三元里's 三元, 百花路, 一心路 stay words. A run must start with 〇零一…九, 十, 廿 or
  卅 — 百 and 千 only continue one (百花 is a word, 一百 a number) — and 万 and 亿 never
  count, so 万福路 is the road's name, not 10000 路.
- Runs with 十/百/千 read positionally (十三 = 13, 二十 = 20, 一百零五 = 105, 三百二 = 320);
  runs of bare digits read digit by digit (八一 = 81, 二〇二四 = 2024). A run that is not a
  well-formed numeral (十十) stays text. A name that is a number before a counter is read as
  one (五一路 as 51 路, 七里村 as 7 里村): harmless, it only sorts among its numbered neighbours.

At the same position a number sorts before text (三巷 before 大街). A sub-number written with a
dash sorts after the plain number, and 之一 after it too: 12号 < 12号之一 < 12-1号 < 12-2号 < 13号.
An address that ends where another goes on comes first (12号 before 12号之一).

Text runs compare in pinyin order for the 3,755 common characters (their GB2312 level-1
order, which is by pinyin, as Excel and WPS sort Chinese), then the 3,008 less common ones of
GB2312 by radical and stroke, then every other Chinese character by code point (also radical
and stroke); letters ignore case. Python has no pinyin table of its own and ``app`` must not
import Qt's collator (ui/widgets/collation.py), so this is the built-in gb2312 codec's order: a
polyphone sorts by one reading, and it may differ from Qt's collator for a few characters.

Every key ends with the address itself, so different spellings of one number (2号, 02号, 二号)
still come out in a fixed order. Keys are strings (``address_parts`` shows the runs they are
made of) and are cached per distinct text: sorting 50,000 households computes each address
once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["address_key", "address_parts", "chinese_numeral", "delivery_key", "grid_key",
           "text_key"]

# A key is one string, compared in C (a tuple of runs sorts 50,000 rows 3-4 times slower):
# each number is NUMBER, a character for its digit count, then its digits; each text run is
# TEXT and its text_key; the end is END and the address as written. SEP joins the parts of a
# delivery key; NO_GRID follows every grid's key. Text sort characters are all above these.
_SEP, _END, _NUMBER, _TEXT, _NO_GRID = "\x00", "\x01", "\x02", "\x03", "\x04"

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_TENS = {"廿": 20, "卅": 30}
_STARTERS = "〇零一二两三四五六七八九十廿卅"
_NUMERAL_CHARS = _STARTERS + "百千"
# What a numeral numbers: lanes, doors, roads, buildings, floors, rooms, groups, villages …
_COUNTERS = "巷号街路道栋幢座楼层室房户单门组队村社坊里弄条排区期片段网横支围"
_BEFORE = "第之"

_DASHES = "-‐‑‒–—―−﹣"
_LAST = chr(0x10FFF0)  # a dash between numbers sorts after every character


def chinese_numeral(text: str) -> int | None:
    """The value of a Chinese numeral (十三 → 13, 二〇二四 → 2024), None if not one."""
    if not text:
        return None
    if all(ch in _DIGITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    total = 0
    pending: int | None = None   # a digit waiting for its unit
    last_unit = 10_000
    zero_seen = False            # 一百零五: the 零 says the 五 is ones, not tens
    for i, ch in enumerate(text):
        if ch in _DIGITS:
            if pending not in (None, 0):
                return None      # 三四十: two digits in a row inside a positional numeral
            pending = _DIGITS[ch]
            if pending == 0:
                zero_seen = True
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= last_unit:
                return None      # 十十, 十百
            if pending is None:
                if i != 0 or unit != 10:
                    return None  # only 十 stands alone at the start (十三)
                pending = 1
            elif pending == 0:
                if unit != 10:
                    return None  # 零百
                pending = 1      # 一千零十
            total += pending * unit
            pending, last_unit, zero_seen = None, unit, False
        elif ch in _TENS:
            if i != 0:
                return None
            total, last_unit = _TENS[ch], 10
        else:
            return None
    if pending:
        # 三百二 is 320 and 三千五 3500: a last digit straight after 百/千 counts a tenth of it.
        if last_unit >= 100 and not zero_seen and text[-2] in _UNITS:
            pending *= last_unit // 10
        total += pending
    return total


_TABLE: dict[int, str] | None = None


def _table() -> dict[int, str]:
    """Code point → sort character: GB2312 hanzi in GB2312 order (level 1 by pinyin), then
    the other CJK ideographs of the basic plane and extension A by code point; dashes last;
    control characters above the key's markers."""
    global _TABLE
    if _TABLE is None:
        table: dict[int, str] = {cp: "\x05" for cp in range(5)}
        rank = 0
        for lead in range(0xB0, 0xF8):
            for trail in range(0xA1, 0xFF):
                try:
                    ch = bytes((lead, trail)).decode("gb2312")
                except UnicodeDecodeError:
                    continue
                table[ord(ch)] = chr(0xF0000 + rank)
                rank += 1
        base = 0xF0000 + rank - 0x3400
        for cp in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)):
            table.setdefault(cp, chr(base + cp))
        for dash in _DASHES:
            table[ord(dash)] = _LAST
        _TABLE = table
    return _TABLE


def text_key(text: str) -> str:
    """A string that sorts like ``text`` in the order described above (numbers not read)."""
    return text.lower().translate(_table())


class _Scanner:
    """Finds the numbers in a text written in some alphabet: the characters as they are (for
    ``address_parts``) or already turned into sort characters (for ``address_key``, which so
    translates each address once instead of once per text run)."""

    def __init__(self, table: dict[int, str] | None) -> None:
        def spell(chars: str) -> str:
            return chars if table is None else "".join(table.get(ord(c), c) for c in chars)

        self.tokens = re.compile(
            f"([0-9]+|[{re.escape(spell(_STARTERS))}][{re.escape(spell(_NUMERAL_CHARS))}]*)")
        self.before = frozenset(spell(_BEFORE))
        self.counters = frozenset(spell(_COUNTERS))
        self.plain = {spell(c): c for c in _NUMERAL_CHARS}
        self.numerals: dict[str, int | None] = {}
        self.keyed = table is not None
        self.table = table or {}

    def numeral(self, run: str) -> int | None:
        try:
            return self.numerals[run]
        except KeyError:
            value = self.numerals[run] = chinese_numeral("".join(self.plain[c] for c in run))
            return value

    def parts(self, text: str) -> list[str | int]:
        """The runs of ``text``; in the sort alphabet already as pieces of the key: each
        number NUMBER, its digit count, its digits; each text run TEXT and the run."""
        keyed, before, counters = self.keyed, self.before, self.counters
        # One re.split in C, not a match object per run: [text, run, text, run, …, text].
        pieces = self.tokens.split(text)
        parts: list[str | int] = []
        pending = pieces[0]          # text read but not yet put out
        for i in range(1, len(pieces), 2):
            run, after = pieces[i], pieces[i + 1]
            if run[0] <= "9":
                digits = run.lstrip("0") or "0"
            elif pending[-1:] in before or after[:1] in counters:
                value = self.numeral(run)
                if value is None:    # 十十: not a numeral after all
                    pending += run + after
                    continue
                digits = str(value)
            else:                    # a word with numeral characters in it: text
                pending += run + after
                continue
            if pending:
                parts.append(_TEXT + pending if keyed else pending)
            parts.append(f"{_NUMBER}{chr(0x40 + len(digits))}{digits}" if keyed
                         else int(digits))
            pending = after
        if pending:
            parts.append(_TEXT + pending if keyed else pending)
        return parts


_PLAIN: _Scanner | None = None
_SORTING: _Scanner | None = None


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def address_parts(text: str | None) -> tuple[str | int, ...]:
    """The runs of an address: numbers as ints, the text between them as strings (NFKC-folded,
    spaces dropped). 石岗村十三巷2号 → ('石岗村', 13, '巷', 2, '号')."""
    global _PLAIN
    if not text:
        return ()
    if _PLAIN is None:
        _PLAIN = _Scanner(None)
    return tuple(_PLAIN.parts(_fold(text)))


@lru_cache(maxsize=1 << 16)  # the large town's 50,000 addresses: about 15 MB
def address_key(text: str | None) -> str:
    """The natural-order sort key of an address (or any name with numbers in it): a string;
    see the module docstring for what counts as a number. None and "" sort first."""
    global _SORTING
    if not text:
        return _END
    if _SORTING is None:
        _SORTING = _Scanner(_table())
    folded = "".join(unicodedata.normalize("NFKC", text).split())
    parts = _SORTING.parts(folded.lower().translate(_SORTING.table))
    parts.append(_END + text)
    return "".join(parts)  # type: ignore[arg-type]


def grid_key(name: str | None) -> str:
    """Grids in natural order (第2网格 before 第10网格, 第二网格 before 第十网格); households
    without a grid after every grid."""
    return address_key(name) if name else _NO_GRID


def delivery_key(community_name: str | None, grid_name: str | None, address: str | None
                 ) -> str:
    """The order a carrier walks: community, grid (none last), then the address."""
    return (f"{address_key(community_name)}{_SEP}{grid_key(grid_name)}{_SEP}"
            f"{address_key(address)}")
