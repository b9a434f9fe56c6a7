"""日志与台账 area: 问题台账, 驻点日志, 接待台账, 走访记录 and 重点走访 / 覆盖进度 tabs.

Shown to roles with ``Permission.VIEW_RECORDS`` (lists scoped by the services); the buttons
that write only with ``Permission.KEEP_RECORDS``. The teams (with their communities and
current members) are read once in a worker and shared by the tabs' filters and forms.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui import tasks
from ui.context import AppContext
from ui.ledgers import data
from ui.ledgers.coverage import CoverageTab
from ui.ledgers.data import TeamChoice
from ui.ledgers.problems import ProblemsTab
from ui.ledgers.receptions import ReceptionsTab
from ui.ledgers.sessions import SessionsTab
from ui.ledgers.visits import VisitsTab
from ui.widgets.messages import error


class LedgersPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.teams_loaded = False
        self.problems = ProblemsTab(ctx)
        self.sessions = SessionsTab(ctx)
        self.receptions = ReceptionsTab(ctx)
        self.visits = VisitsTab(ctx)
        self.coverage = CoverageTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("ledgerTabs")
        self.tabs.addTab(self.problems, "问题台账")
        self.tabs.addTab(self.sessions, "驻点日志")
        self.tabs.addTab(self.receptions, "接待台账")
        self.tabs.addTab(self.visits, "走访记录")
        self.tabs.addTab(self.coverage, "重点走访 / 覆盖进度")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        # A session's inline problems and a reception's new problem land in the ledger.
        self.sessions.changed.connect(self.problems.mark_stale)
        self.receptions.changed.connect(self.problems.mark_stale)
        self.problems.changed.connect(self.receptions.mark_stale)
        # A visit's inline problems land in the ledger; its visit counts in the coverage.
        self.visits.changed.connect(self.problems.mark_stale)
        self.visits.changed.connect(self.coverage.mark_stale)
        ctx.database_replaced.connect(self.reload_all)
        self.load_teams()

    def load_teams(self) -> None:
        db = self.ctx.db
        tasks.start(lambda _p, _c: data.team_choices(db), self._teams_loaded,
                    lambda exc: error(self, "日志与台账", f"读取驻点团队失败：{exc}"), owner=self)

    def _teams_loaded(self, teams: list[TeamChoice]) -> None:
        for tab in (self.problems, self.sessions, self.receptions, self.visits, self.coverage):
            tab.set_teams(teams)
        self.teams_loaded = True

    def reload_all(self) -> None:
        self.load_teams()
        for tab in (self.problems, self.sessions, self.receptions, self.visits, self.coverage):
            tab.mark_stale()
