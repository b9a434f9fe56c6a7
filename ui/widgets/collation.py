"""Chinese sort order (pinyin, as Excel and WPS sort) independent of the machine's locale.

Python compares strings by code point, which puts 周 before 陈; Qt's locale-aware sorting follows
the system locale, which on an English Windows or a server is not Chinese. A QCollator for zh_CN
gives the order a clerk expects everywhere.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QCollator, QLocale

# One collator per thread: QCollator is reentrant, not thread-safe, and the big lists sort in
# workers while the window sorts its own lists.
_LOCAL = threading.local()


def _collator() -> QCollator:
    collator = getattr(_LOCAL, "collator", None)
    if collator is None:
        collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        collator.setNumericMode(True)  # 二巷2号 before 二巷10号
        _LOCAL.collator = collator
    return collator


@lru_cache(maxsize=200_000)
def _text_key(text: str) -> Any:
    return _collator().sortKey(text)


def sort_key(value: Any) -> Any:
    """A key that orders text in Chinese order; other values (numbers, dates) as they are."""
    return _text_key(value) if isinstance(value, str) else value


def less_than(left: Any, right: Any) -> bool:
    if left is None or right is None:  # blanks first
        return left is None and right is not None
    if isinstance(left, str) and isinstance(right, str):
        return _collator().compare(left, right) < 0
    try:
        return bool(left < right)
    except TypeError:
        return str(left) < str(right)
