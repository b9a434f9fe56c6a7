"""The town's settings (one row, created by the first migration)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.models import TownSettings
from app.normalize import clean_text, normalize_area_code
from app.auth import Permission, require
from app.services.common import check_version, optional


def get_settings(session: Session) -> TownSettings:
    settings = session.get(TownSettings, 1)
    if settings is None:  # only a hand-damaged database lacks it
        settings = TownSettings(id=1)
        session.add(settings)
        session.flush()
    return settings


@dataclass
class SettingsInput:
    town_name: str
    district_name: str
    hotline: str
    station_weekday: int
    station_start: time
    station_end: time
    max_station_team_size: int
    max_communities_per_leader: int
    # None keeps the stored value (forms that do not show these fields leave them alone).
    visits_per_household_per_year: int | None = None
    key_visits_per_team_per_month: int | None = None
    # The red-header documents (app/services/issued_documents.py): 发文机关全称, the 机关代字 of
    # the document numbers, 抄送 and 印发机关. None keeps the stored value.
    issuing_organ: str | None = None
    doc_prefix: str | None = None
    copy_to: str | None = None
    printing_organ: str | None = None
    # 电话区号 ("0750"), put before a landline typed without one. None keeps the stored value.
    area_code: str | None = None


def update_settings(session: Session, data: SettingsInput, expected_version: int | None = None
                    ) -> TownSettings:
    require(session, Permission.EDIT_SETTINGS)
    settings = get_settings(session)
    check_version(settings, expected_version, "设置")
    problems: dict[str, str] = {}
    if not 1 <= data.station_weekday <= 7:
        problems["station_weekday"] = "驻点日应为周一至周日之一"
    if data.station_end <= data.station_start:
        problems["station_end"] = "结束时间应晚于开始时间"
    if not 1 <= data.max_station_team_size <= 30:
        problems["max_station_team_size"] = "驻点团队人数上限应在 1 到 30 之间"
    if not 1 <= data.max_communities_per_leader <= 10:
        problems["max_communities_per_leader"] = "每位领导联系社区数上限应在 1 到 10 之间"
    visits, key_visits = data.visits_per_household_per_year, data.key_visits_per_team_per_month
    if visits is not None and not 1 <= visits <= 12:
        problems["visits_per_household_per_year"] = "每户每年走访次数应在 1 到 12 之间"
    if key_visits is not None and not 1 <= key_visits <= 500:
        problems["key_visits_per_team_per_month"] = "每团队每月走访重点户数应在 1 到 500 之间"
    area_code = None
    if data.area_code is not None:
        try:
            area_code = normalize_area_code(data.area_code)
        except ValidationError as exc:
            problems["area_code"] = exc.message
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    if area_code is not None:
        settings.area_code = area_code
    if visits is not None:
        settings.visits_per_household_per_year = visits
    if key_visits is not None:
        settings.key_visits_per_team_per_month = key_visits
    settings.town_name = optional(clean_text(data.town_name), "town_name", "镇（街道）名称", 60)
    settings.district_name = optional(clean_text(data.district_name), "district_name", "上级区县", 60)
    settings.hotline = optional(clean_text(data.hotline), "hotline", "服务热线", 40)
    for name, label, length in (("issuing_organ", "发文机关全称", 80),
                                ("doc_prefix", "发文字号的机关代字", 20),
                                ("copy_to", "抄送", 400), ("printing_organ", "印发机关", 80)):
        value = getattr(data, name)
        if value is not None:
            text = optional(clean_text(value), name, label, length)
            if name == "doc_prefix" and any(ch in text for ch in "〔〕[]()（）号0123456789"):
                raise ValidationError("机关代字只写字，如“云组通”；年份和序号由程序编排。", name)
            setattr(settings, name, text)
    settings.station_weekday = data.station_weekday
    settings.station_start = data.station_start
    settings.station_end = data.station_end
    settings.max_station_team_size = data.max_station_team_size
    settings.max_communities_per_leader = data.max_communities_per_leader
    session.flush()
    return settings
