"""抽查督查 area: 台账抽查, 下乡巡查, 会议督查, 整改跟踪, 个人档案 and 抽查设置 tabs.

The organization office (``Permission.RUN_SPOT_CHECKS``) sees every tab. Liaisons and leaders
(``Permission.VIEW_RECORDS``) see 整改跟踪 only, with their teams' findings (the service scopes
the list); liaisons respond for their teams, only the office re-checks and corrects.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.auth import Permission
from ui import tasks
from ui.checks.findings import FindingsTab
from ui.context import AppContext
from ui.ledgers import data as ledger_data
from ui.ledgers.data import TeamChoice
from ui.widgets.messages import error


class ChecksPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.office = ctx.can(Permission.RUN_SPOT_CHECKS)
        self.teams_loaded = False
        self.tabs = QTabWidget()
        self.tabs.setObjectName("checkTabs")
        self.findings = FindingsTab(ctx)
        if self.office:
            from ui.checks.ledger import LedgerChecksTab
            from ui.checks.patrols import PatrolsTab
            from ui.checks.personal import PersonalTab
            from ui.checks.settings import CheckSettingsTab
            from ui.checks.supervision import SupervisionsTab

            self.ledger = LedgerChecksTab(ctx)
            self.patrols = PatrolsTab(ctx)
            self.supervisions = SupervisionsTab(ctx)
            self.personal = PersonalTab(ctx)
            self.tabs.addTab(self.ledger, "台账抽查")
            self.tabs.addTab(self.patrols, "下乡巡查")
            self.tabs.addTab(self.supervisions, "会议督查")
            self.tabs.addTab(self.findings, "整改跟踪")
            self.tabs.addTab(self.personal, "个人档案")
            self.settings = CheckSettingsTab(ctx)
            self.tabs.addTab(self.settings, "抽查设置")
            for tab in (self.ledger, self.patrols, self.supervisions):
                tab.changed.connect(self.findings.mark_stale)
                tab.changed.connect(self.personal.mark_stale)
            self.findings.changed.connect(self.ledger.mark_stale)
            self.findings.changed.connect(self.personal.mark_stale)
            self.load_teams()
        else:
            self.tabs.addTab(self.findings, "整改跟踪")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        ctx.database_replaced.connect(self.reload_all)

    def list_tabs(self) -> list[QWidget]:
        if not self.office:
            return [self.findings]
        return [self.ledger, self.patrols, self.supervisions, self.findings]

    def load_teams(self) -> None:
        db = self.ctx.db
        tasks.start(lambda _p, _c: ledger_data.team_choices(db), self._teams_loaded,
                    lambda exc: error(self, "抽查督查", f"读取驻点团队失败：{exc}"), owner=self)

    def _teams_loaded(self, teams: list[TeamChoice]) -> None:
        self.patrols.set_teams(teams)
        self.teams_loaded = True

    def reload_all(self) -> None:
        if self.office:
            self.load_teams()
        for tab in self.list_tabs():
            tab.mark_stale()
