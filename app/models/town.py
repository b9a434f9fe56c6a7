"""The town (镇/街道) that runs this installation, with its settings and the seeds' defaults."""

from __future__ import annotations

from datetime import time

from sqlalchemy import Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped, Versioned


class TownSettings(Base, Timestamped, Versioned):
    """One row: the town and the rules its plan fixes (the seeds give the defaults)."""

    __tablename__ = "town_settings"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    town_name: Mapped[str] = mapped_column(String(60), default="")
    district_name: Mapped[str] = mapped_column(String(60), default="")
    hotline: Mapped[str] = mapped_column(String(40), default="")
    # 电话区号 ("0750"): put before a landline typed without one; "" leaves such a number refused.
    area_code: Mapped[str] = mapped_column(String(6), default="", server_default="")
    station_weekday: Mapped[int] = mapped_column(Integer, default=2)
    station_start: Mapped[time] = mapped_column(Time, default=time(15, 0))
    station_end: Mapped[time] = mapped_column(Time, default=time(18, 30))
    max_station_team_size: Mapped[int] = mapped_column(Integer, default=10)
    max_communities_per_leader: Mapped[int] = mapped_column(Integer, default=2)
    make_up_notice_days: Mapped[int] = mapped_column(Integer, default=3)
    # Coverage targets of the visits (走访): each household at least N times a year (some towns
    # use 2), and each team's key households visited per month.
    visits_per_household_per_year: Mapped[int] = mapped_column(Integer, default=1,
                                                               server_default="1")
    key_visits_per_team_per_month: Mapped[int] = mapped_column(Integer, default=20,
                                                               server_default="20")
    # Spot checks (抽查督查): the months with a full check of every team ("6,12": June and
    # December), the days a drawn team has to hand in its ledgers, and the patrol afternoon.
    full_check_months: Mapped[str] = mapped_column(String(40), default="6,12",
                                                   server_default="6,12")
    check_due_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    patrol_weekday: Mapped[int] = mapped_column(Integer, default=4, server_default="4")
    patrol_start: Mapped[time] = mapped_column(Time, default=time(14, 30),
                                               server_default="14:30:00")
    patrol_end: Mapped[time] = mapped_column(Time, default=time(17, 30),
                                             server_default="17:30:00")

    # Upward submission (上报): photos by the 3rd, the forms, the register progress and the
    # written report by the 30th (a shorter month's last day counts as its 30th); "due soon"
    # this many days ahead.
    photos_due_day: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    forms_due_day: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    due_soon_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")

    # The red-header documents (GB/T 9704-2012; app/services/issued_documents.py): the issuing
    # organ's full name (发文机关; blank: “<区县><镇>党委组织办”), the 机关代字 of the document
    # numbers (blank: the town's first character and 组通), who receives copies (抄送; blank:
    # no 抄送 line) and the printing organ (印发机关; blank: the issuing organ).
    issuing_organ: Mapped[str] = mapped_column(String(80), default="", server_default="")
    doc_prefix: Mapped[str] = mapped_column(String(20), default="", server_default="")
    copy_to: Mapped[str] = mapped_column(String(400), default="", server_default="")
    printing_organ: Mapped[str] = mapped_column(String(80), default="", server_default="")

    @property
    def full_check_month_numbers(self) -> tuple[int, ...]:
        return tuple(sorted({int(m) for m in self.full_check_months.split(",")
                             if m.strip().isdigit() and 1 <= int(m) <= 12}))
