"""Notice-board photos (公开栏相片): per community per month, at least three (远景 and 近景),
due by the 3rd. Each photo is checked (JPEG or PNG only, bounded size and pixels, decoded in
full — app/images.py), re-encoded without its metadata, and kept with its original under their
SHA-256 (``StoredFile``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Permission, require, require_community, require_team
from app.errors import NotFoundError, ValidationError
from app.images import check_image
from app.models import Community, NoticePhoto, PhotoKind, StoredFile, Team
from app.services.common import get_or_fail

PHOTOS_PER_MONTH = 3
MAX_PHOTOS_PER_MONTH = 12


def store(session: Session, data: bytes, sha256: str, mime: str) -> StoredFile:
    """Keep ``data`` once under its hash (a second copy of the same bytes is the same file)."""
    stored = session.get(StoredFile, sha256)
    if stored is None:
        stored = StoredFile(sha256=sha256, size=len(data), mime=mime, data=data)
        session.add(stored)
    return stored


def add_photo(session: Session, community_id: int, year: int, month: int, kind: PhotoKind,
              data: bytes, file_name: str) -> NoticePhoto:
    actor = require_community(session, Permission.KEEP_RECORDS, community_id)
    community = get_or_fail(session, Community, community_id, "村（社区）")
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationError(f"月份 {year}-{month:02d} 不正确", "month")
    checked = check_image(data, file_name, what="公开栏相片")
    existing = photos_for(session, community_id, year, month)
    if any(p.original_sha == checked.sha256 for p in existing):
        raise ValidationError(f"“{checked.file_name}”已经是{community.name} {year} 年 {month} 月"
                              "的公开栏相片了", "image")
    if len(existing) >= MAX_PHOTOS_PER_MONTH:
        raise ValidationError(f"每个村（社区）每月最多 {MAX_PHOTOS_PER_MONTH} 张公开栏相片",
                              "image")
    image_sha = hashlib.sha256(checked.image).hexdigest()
    store(session, checked.original, checked.sha256, checked.mime)
    store(session, checked.image, image_sha, checked.image_mime)
    photo = NoticePhoto(community_id=community_id, year=year, month=month, kind=kind,
                        file_name=checked.file_name[:200], original_sha=checked.sha256,
                        image_sha=image_sha, width=checked.width, height=checked.height,
                        added_by=actor.user_id)
    session.add(photo)
    session.flush()
    return photo


def remove_photo(session: Session, photo_id: int) -> None:
    """Take a wrong photo off the month (the stored file stays: another record may use it)."""
    photo = session.get(NoticePhoto, photo_id)
    if photo is None:
        raise NotFoundError(f"找不到这张相片（编号 {photo_id}）。")
    require_community(session, Permission.KEEP_RECORDS, photo.community_id)
    session.delete(photo)
    session.flush()


def photos_for(session: Session, community_id: int, year: int, month: int) -> list[NoticePhoto]:
    require_community(session, Permission.VIEW_RECORDS, community_id)
    return list(session.scalars(select(NoticePhoto).where(
        NoticePhoto.community_id == community_id, NoticePhoto.year == year,
        NoticePhoto.month == month).order_by(NoticePhoto.kind, NoticePhoto.id)))


def stored_bytes(session: Session, sha256: str) -> bytes:
    require(session, Permission.VIEW_RECORDS)
    stored = session.get(StoredFile, sha256)
    if stored is None:
        raise NotFoundError("找不到这张相片的文件。")
    return stored.data


@dataclass(frozen=True)
class PhotoShortfall:
    community_id: int
    community: str
    have: int
    far: int
    near: int

    @property
    def message(self) -> str:
        wanting = []
        if self.have < PHOTOS_PER_MONTH:
            wanting.append(f"只有 {self.have} 张（应不少于 {PHOTOS_PER_MONTH} 张）")
        if not self.far:
            wanting.append("缺远景")
        if not self.near:
            wanting.append("缺近景")
        return f"{self.community}公开栏相片" + "，".join(wanting)


def missing_photos(session: Session, team_id: int, year: int, month: int
                   ) -> list[PhotoShortfall]:
    """The team's communities whose photos for the month are not complete: at least three,
    with both a 远景 and a 近景."""
    require_team(session, Permission.VIEW_RECORDS, team_id)
    team = get_or_fail(session, Team, team_id, "驻点团队")
    out = []
    for link in sorted(team.community_links, key=lambda l: l.position):
        photos = list(session.scalars(select(NoticePhoto).where(
            NoticePhoto.community_id == link.community_id, NoticePhoto.year == year,
            NoticePhoto.month == month)))
        far = sum(1 for p in photos if p.kind == PhotoKind.FAR)
        near = len(photos) - far
        if len(photos) < PHOTOS_PER_MONTH or not far or not near:
            out.append(PhotoShortfall(link.community_id, link.community.name, len(photos), far,
                                      near))
    return out
