"""What the ledger tabs share: the filter combos and the team/community choices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtWidgets import QComboBox, QPlainTextEdit

from ui.ledgers.data import TeamChoice

ALL = "全部"


def filter_combo(name: str, items: Iterable[tuple[str, Any]], all_label: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(all_label, None)
    for label, value in items:
        combo.addItem(label, value)
    combo.setMinimumContentsLength(6)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def refill(combo: QComboBox, items: Iterable[tuple[str, Any]]) -> None:
    """New choices, keeping the chosen value when it is still there."""
    current = combo.currentData()
    combo.blockSignals(True)
    first = combo.itemText(0)
    combo.clear()
    combo.addItem(first, None)
    for label, value in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


def communities_of(teams: Sequence[TeamChoice]) -> list[tuple[str, int]]:
    seen: dict[int, str] = {}
    for team in teams:
        for cid, name in team.communities:
            seen.setdefault(cid, name)
    return sorted(((name, cid) for cid, name in seen.items()), key=lambda x: x[0])


def months(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(m, m) for m in sorted(set(values), reverse=True)]


def text_box(name: str, height: int = 70, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setFixedHeight(height)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    return box
