"""The team page: who leads and serves, when and where, what needs attention, who served before."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFrame, QGridLayout, QLabel, QStackedLayout, QTableView,
                               QVBoxLayout, QWidget)

from ui.teams.rows import MemberLine, TeamView
from ui.widgets.table import Column, RowTableModel, make_table_view

CURRENT_COLUMNS: list[Column[MemberLine]] = [
    Column("角色", lambda m: m.role, fit="contents"),
    Column("姓名", lambda m: m.name, fit="contents"),
    Column("团队职务", lambda m: m.title, fit="contents"),
    Column("单位及职务", lambda m: m.unit, fit="stretch"),  # elided; the tooltip has it all
    Column("联系电话", lambda m: m.phone, fit="contents"),
    Column("加入日期", lambda m: m.start.isoformat(), fit="contents"),
]
FORMER_COLUMNS: list[Column[MemberLine]] = [
    Column("角色", lambda m: m.role, fit="contents"),
    Column("姓名", lambda m: m.name, fit="contents"),
    Column("任职时间", lambda m: f"{m.start} 至 {m.end}", fit="contents"),
    Column("退出原因", lambda m: m.end_reason, fit="stretch"),
]
FACTS = (("leader", "责任人"), ("town_liaison", "专职联络员"), ("community_liaisons", "辅助团队联络员"),
         ("communities", "驻点村（社区）"), ("schedule", "驻点时间"), ("place", "驻点地点"),
         ("hotline", "服务热线"), ("counts", "团队人数"))


def _names(lines: list[MemberLine]) -> str:
    return "、".join(m.name for m in lines) or "—"


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


class TeamDetail(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: TeamView | None = None
        self.stack = QStackedLayout(self)
        self.empty = QLabel("请在左侧选择一个驻点团队")
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._build_page())

    def _build_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 8, 8, 8)
        self.title = QLabel()
        self.title.setObjectName("teamTitle")
        layout.addWidget(self.title)
        layout.addWidget(self._build_facts())
        self.warnings = QLabel()
        self.warnings.setObjectName("warningBox")
        self.warnings.setWordWrap(True)
        layout.addWidget(self.warnings)
        layout.addWidget(section_title("现任成员"))
        self.current_model: RowTableModel[MemberLine] = RowTableModel(CURRENT_COLUMNS, self)
        self.current_table: QTableView = make_table_view(self.current_model)
        self.current_table.setObjectName("currentMembers")
        layout.addWidget(self.current_table, 3)
        layout.addWidget(section_title("历任成员"))
        self.former_model: RowTableModel[MemberLine] = RowTableModel(FORMER_COLUMNS, self)
        self.former_table = make_table_view(self.former_model)
        layout.addWidget(self.former_table, 1)
        return page

    def _build_facts(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("factsCard")
        grid = QGridLayout(frame)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        self.fact_labels: dict[str, QLabel] = {}
        for i, (key, title) in enumerate(FACTS):
            name = QLabel(title)
            name.setObjectName("factName")
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fact_labels[key] = value
            grid.addWidget(name, i // 2, (i % 2) * 2, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, i // 2, (i % 2) * 2 + 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return frame

    def show_team(self, view: TeamView | None) -> None:
        self.view = view
        if view is None:
            self.stack.setCurrentIndex(0)
            return
        self.title.setText(view.name)
        self._fill_facts(view)
        self.warnings.setText("\n".join(f"⚠ {w}" for w in view.warnings))
        self.warnings.setVisible(bool(view.warnings))
        self.current_model.set_rows(view.current)
        self.former_model.set_rows(view.former)
        self.stack.setCurrentIndex(1)

    def _fill_facts(self, v: TeamView) -> None:
        station = len(v.core) + (v.leader is not None) + (v.town_liaison is not None)
        values = {
            "leader": v.leader.label.split("：", 1)[1] if v.leader else "（未指定）",
            "town_liaison": v.town_liaison.name if v.town_liaison else "（未指定）",
            "community_liaisons": _names(v.community_liaisons),
            "communities": "、".join(v.communities) or "—",
            "schedule": v.schedule, "place": v.place or "—", "hotline": v.hotline or "—",
            "counts": f"驻点团队 {station} 人，辅助团队 {len(v.support) + len(v.community_liaisons)} 人",
        }
        for key, text in values.items():
            self.fact_labels[key].setText(text)

    def selected_member(self) -> MemberLine | None:
        indexes = self.current_table.selectionModel().selectedRows()
        return self.current_model.rows[indexes[0].row()] if indexes else None
