"""Plain values for the 上报与通报 tabs and the home dashboard, read in workers (each with its
own session); sessions and ORM objects never leave these functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QImage

from app.auth import Permission
from app.db import Database
from app.services import deadlines, notice_photos, submission_package, written_reports
from app.services.bulletin import Bulletin, bulletin
from app.services.deadlines import CalendarItem

THUMB = 150   # thumbnail edge in pixels


@dataclass(frozen=True)
class PhotoLine:
    id: int
    community_id: int
    community: str
    kind: str             # 远景 / 近景
    file_name: str
    width: int
    height: int
    thumbnail: QImage     # scaled from the stored re-encoded image (QImage crosses threads)


@dataclass(frozen=True)
class ReportText:
    title: str
    body: str
    author: str
    version: int


@dataclass(frozen=True)
class TeamMonth:
    team_id: int
    year: int
    month: int
    photos: tuple[PhotoLine, ...]
    report: ReportText | None
    missing: tuple[str, ...]      # what stops the package (submission_package.missing_items)


@dataclass(frozen=True)
class PackageLine:
    id: int
    team: str
    year: int
    month: int
    file_name: str
    built_at: datetime
    received_at: datetime
    app_version: str
    files: int


def calendar(db: Database, year: int, month: int) -> list[CalendarItem]:
    with db.session() as s:
        return deadlines.calendar_for(s, year, month)


def thumbnail(data: bytes) -> QImage:
    image = QImage.fromData(QByteArray(data))
    if image.isNull():
        return image
    return image.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


def team_month(db: Database, team_id: int, communities: tuple[tuple[int, str], ...],
               year: int, month: int) -> TeamMonth:
    with db.session() as s:
        photos = []
        for community_id, name in communities:
            for p in notice_photos.photos_for(s, community_id, year, month):
                photos.append(PhotoLine(p.id, community_id, name, p.kind.label, p.file_name,
                                        p.width, p.height,
                                        thumbnail(notice_photos.stored_bytes(s, p.image_sha))))
        report = written_reports.get_report(s, team_id, year, month)
        text = (ReportText(report.title, report.body, report.author, report.version)
                if report is not None else None)
        missing = submission_package.missing_items(s, team_id, year, month)
    return TeamMonth(team_id, year, month, tuple(photos), text, tuple(missing))


def packages(db: Database) -> list[PackageLine]:
    import json

    with db.session() as s:
        out = []
        for p in submission_package.package_rows(s):
            try:
                files = len(json.loads(p.manifest).get("files", []))
            except ValueError:
                files = 0
            out.append(PackageLine(p.id, p.team.name, p.year, p.month, p.file_name, p.built_at,
                                   p.received_at, p.app_version, files))
        return out


# --- the home dashboard ------------------------------------------------------------------------

@dataclass(frozen=True)
class Dashboard:
    today: date
    upcoming: tuple[CalendarItem, ...]     # not received, due within the next days
    month_items: tuple[CalendarItem, ...]  # this month's items of the user's teams
    bulletin: Bulletin | None              # last month's (None when it cannot be counted)
    team_ids: frozenset[int] | None        # the user's teams (None: every team)
    problem: str = ""


def dashboard(db: Database, today: date | None = None) -> Dashboard:
    from app.errors import DomainError

    today = today or date.today()
    last_year, last_month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    with db.session() as s:
        actor = db.actor
        scope = actor.teams_for(Permission.VIEW_RECORDS) if actor is not None else frozenset()
        soon = deadlines.upcoming(s, today=today)
        items = deadlines.calendar_for(s, today.year, today.month, today=today)
        try:
            counted: Bulletin | None = bulletin(s, last_year, last_month, today=today)
            problem = ""
        except DomainError as exc:
            counted, problem = None, exc.message
    return Dashboard(today, tuple(soon), tuple(items), counted, scope, problem)
