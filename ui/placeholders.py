"""Designed pages for the areas later releases build, saying what each will hold."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


@dataclass(frozen=True)
class Plan:
    title: str
    summary: str
    items: tuple[str, ...]
    source: str


# Every area is built now (上报与通报 was the last, in issue 8); a later release's area gets
# its plan here and its name in ui.main_window.PLANNED_AREAS.
PLANS: dict[str, Plan] = {}


class PlannedPage(QWidget):
    """Not an empty frame: what the area is for, and what it will keep."""

    def __init__(self, area: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        plan = PLANS[area]
        card = QFrame()
        card.setObjectName("plannedCard")
        column = QVBoxLayout(card)
        column.setContentsMargins(32, 28, 32, 28)
        column.setSpacing(12)
        column.addWidget(_label(plan.title, "plannedTitle"))
        badge = _label("将在后续版本提供", "plannedBadge")
        column.addWidget(badge, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(_label(plan.summary, "plannedSummary"))
        column.addWidget(_label("这里将包括：", "factName"))
        for item in plan.items:
            column.addWidget(_label(f"•  {item}", "plannedItem"))
        column.addSpacing(8)
        column.addWidget(_label(plan.source, "plannedSource"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 32)
        layout.addWidget(card)
        layout.addStretch(1)


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label
