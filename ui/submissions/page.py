"""上报与通报 area: 本月上报, 经费项目 and 月通报 tabs.

Everyone with ``VIEW_RECORDS`` sees all three; what they may change follows their roles: a
liaison adds their teams' photos, writes the report, builds the package and keeps the funding
applications; the organization office receives packages and records paper submissions; the
office that keeps the party committee's minutes records its decisions, disbursements and the
year's funds; the office exports the bulletin.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.submissions.bulletin import BulletinTab
from ui.submissions.funding import FundingTab
from ui.submissions.monthly import MonthlyTab


class SubmissionsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setObjectName("submissionTabs")
        self.monthly = MonthlyTab(ctx)
        self.funding = FundingTab(ctx)
        self.bulletin = BulletinTab(ctx)
        self.tabs.addTab(self.monthly, "本月上报")
        self.tabs.addTab(self.funding, "经费项目")
        self.tabs.addTab(self.bulletin, "月通报")
        self.monthly.changed.connect(self.bulletin.mark_stale)
        self.monthly.changed.connect(self.funding.mark_stale)   # a package merges projects
        self.funding.changed.connect(self.monthly.mark_stale)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        ctx.database_replaced.connect(self.reload_all)

    def reload_all(self) -> None:
        for tab in (self.monthly, self.funding, self.bulletin):
            tab.mark_stale()
