"""The first-run checklist on the home page: 村（社区） → 人员 → 驻点团队 → 住户 or 名册导入 → 联系卡.

Each step is a link to its screen and ticks itself once done; the panel leaves the page when
every step is done. A new town otherwise meets an empty program whose 新建团队 can only say
"请至少选择一个驻点村（社区）".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.first_steps import FirstStep, first_steps
from ui.context import AppContext

PANEL_STYLE = ("QFrame#firstSteps { background: #eef5fb; border: 1px solid #aed6f1;"
               " border-radius: 4px; }")
IMPORT = "import"  # the roster import, offered beside the households step


class FirstStepsPanel(QFrame):
    """``open_step(key)``: the window opens that step's screen (or the roster import)."""

    open_step = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("firstSteps")
        self.setStyleSheet(PANEL_STYLE)
        self.steps: list[FirstStep] = []
        self.title = QLabel("<b>第一次使用，按顺序完成：</b>")
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        self.next_hint = QLabel()
        self.next_hint.setObjectName("nextStep")
        self.next_hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.title)
        row.addLayout(self.grid, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.next_hint)
        self.labels: dict[str, QLabel] = {}
        ctx.data_changed.connect(self.refresh)
        ctx.database_replaced.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.db.session() as s:
            self.steps = first_steps(s)
        self._show(self.steps)
        self.setVisible(not all(step.done for step in self.steps))

    def _show(self, steps: list[FirstStep]) -> None:
        """One line of steps (✔ for done), and what the next one is for: two lines in all, so
        the page below keeps its room on a 768-pixel screen."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.labels = {}
        for column, step in enumerate(steps):
            link = QLabel(self._text(column + 1, step))
            link.setObjectName(f"step_{step.key}")
            link.linkActivated.connect(self.open_step.emit)
            link.setToolTip(step.hint)
            self.grid.addWidget(link, 0, column)
            self.labels[step.key] = link
        self.grid.setColumnStretch(len(steps), 1)
        upcoming = next((step for step in steps if not step.done), None)
        self.next_hint.setText(f"下一步：{upcoming.hint}。" if upcoming else "")

    @staticmethod
    def _text(number: int, step: FirstStep) -> str:
        mark = "<span style='color:#1d6b3a'>✔</span>" if step.done else f"{number}."
        extra = f'（或 <a href="{IMPORT}">导入花名册…</a>）' if step.key == "households" else ""
        arrow = "" if step.key == "cards" else "　→"
        return f'{mark} <a href="{step.key}">{step.title}</a>{extra}{arrow}'

    def done(self) -> dict[str, bool]:
        return {step.key: step.done for step in self.steps}


def step_area(key: str) -> tuple[str, Any]:
    """The window area a step opens, and the directory tab's attribute name (or None)."""
    tabs = {"communities": "communities", "people": "people", "teams": "teams",
            "households": "households"}
    return ("联系卡", None) if key == "cards" else ("团队与人员", tabs.get(key))
