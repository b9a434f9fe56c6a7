"""团队与人员: teams, people, communities and households, one tab each."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from ui.communities.page import CommunitiesPage
from ui.context import AppContext
from ui.households.page import HouseholdsPage
from ui.people.page import PeoplePage
from ui.teams.page import TeamsPage


class DirectoryPage(QTabWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("directoryTabs")
        self.teams = TeamsPage(ctx)
        self.people = PeoplePage(ctx)
        self.communities = CommunitiesPage(ctx)
        self.households = HouseholdsPage(ctx)
        self.addTab(self.teams, "驻点团队")
        self.addTab(self.people, "人员")
        self.addTab(self.communities, "村（社区）")
        self.addTab(self.households, "住户")
