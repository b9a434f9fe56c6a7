"""新建团队 / 编辑团队: the team's name, communities, station time and place (and leader, when new)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QListWidget, QPlainTextEdit, QWidget

from app.db import Database
from app.errors import NotFoundError, ValidationError
from app.services import teams as team_service
from app.services.teams import TeamInput
from ui.teams.rows import SaveResult
from ui.widgets.form import FormDialog
from ui.widgets.inputs import (check_list, checked_values, choice_combo, combo_value, date_edit, date_of, line_edit,
                               time_edit, time_of, weekday_combo)


class TeamDialog(FormDialog):
    """With ``team_id`` None it creates a team (with its leader), else edits that team."""

    def __init__(self, db: Database, data: TeamInput, communities: list[tuple[str, int]],
                 people: list[tuple[str, int]], team_id: int | None = None,
                 version: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__("新建驻点团队" if team_id is None else "编辑驻点团队", parent)
        self.db, self.team_id, self.version = db, team_id, version
        self.name = self.add_field("name", "团队名称", line_edit(data.name, "如：石岗村驻点团队", "name"))
        self.communities = self.add_field("communities", "驻点村（社区）",
                                          self._community_list(communities, data.community_ids))
        self.weekday = self.add_field("station_weekday", "驻点日",
                                      weekday_combo(data.station_weekday, "station_weekday"))
        self.start = self.add_field("station_start", "开始时间",
                                    time_edit(data.station_start, "station_start"))
        self.end = self.add_field("station_end", "结束时间", time_edit(data.station_end, "station_end"))
        self.place = self.add_field("station_place", "驻点地点",
                                    line_edit(data.station_place, "如：村委会二楼驻点工作室", "station_place"))
        self.hotline = self.add_field("hotline", "服务热线", line_edit(data.hotline, "", "hotline"))
        self.note = QPlainTextEdit(data.note)
        self.note.setFixedHeight(60)
        self.add_field("note", "备注", self.note)
        if team_id is None:
            self._add_leader_fields(people)

    def _community_list(self, items: list[tuple[str, int]], chosen: list[int]) -> QListWidget:
        widget = check_list(items, chosen, "communities")
        widget.setFixedHeight(120)
        return widget

    def _add_leader_fields(self, people: list[tuple[str, int]]) -> None:
        self.leader = self.add_field("leader", "责任人", choice_combo(
            [("（请选择）", None)] + people, name="leader", searchable=True))
        self.leader_title = self.add_field("leader_title", "团队职务", line_edit("组长", "", "leader_title"))
        self.start_date = self.add_field("start", "起始日期", date_edit(date.today(), "start"))

    def chosen_communities(self) -> list[int]:
        return checked_values(self.communities)

    def input(self) -> TeamInput:
        return TeamInput(self.name.text(), self.chosen_communities(), self.weekday.currentData(),
                         time_of(self.start), time_of(self.end), self.place.text(),
                         self.hotline.text(), self.note.toPlainText())

    def save(self) -> SaveResult:
        data = self.input()
        if self.team_id is not None:
            with self.db.session() as s:
                saved = team_service.update_team(s, self.team_id, data, self.version)
                return SaveResult.of(saved)
        leader_id = combo_value(self.leader)
        try:
            with self.db.session() as s:
                # Without a leader the save always fails (and rolls back), after the service
                # has checked the other fields, so every problem shows at once.
                saved = team_service.create_team(s, data, leader_id or 0,
                                                 date_of(self.start_date),
                                                 self.leader_title.text() or "组长")
                return SaveResult.of(saved)
        except ValidationError as exc:
            if leader_id is None:
                exc.problems.setdefault("leader", "请选择责任人")
            raise
        except NotFoundError:
            if leader_id is None:
                raise ValidationError("请选择责任人", "leader") from None
            raise

