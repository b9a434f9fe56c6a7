"""Households from the roster: checked in memory against preloaded keys, then bulk-inserted.

Ten thousand rows through the per-row service would take a query and a flush each; the checks
here are the service's own (same normalisation, same uniqueness key), done once over dicts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from app.models import Community, Grid, Household, HouseholdTag, KeyGroup
from app.roster.problems import Cancelled, ImportPreview
from app.roster.validate import HouseholdRecord, Problems
from app.services import communities

Key = tuple[int, str, str]
CHUNK = 500
IMPORT_REASON = "名册导入"


class HouseholdWriter:
    def __init__(self, session: Session, problems: Problems, preview: ImportPreview,
                 today: date) -> None:
        self.s, self.problems, self.preview, self.today = session, problems, preview, today
        self.communities = {name: cid for cid, name in session.execute(
            select(Community.id, Community.name))}
        self.grids = {(cid, name): gid for gid, cid, name in session.execute(
            select(Grid.id, Grid.community_id, Grid.name))}
        self.groups = {name: gid for gid, name in session.execute(select(KeyGroup.id, KeyGroup.name))}
        self.existing: set[Key] = {tuple(r) for r in session.execute(  # type: ignore[misc]
            select(Household.community_id, Household.address, Household.head_name))}
        self.seen: dict[Key, int] = {}
        self.rows: list[dict[str, object]] = []
        self.tags: dict[Key, list[int]] = {}

    def add(self, record: HouseholdRecord) -> None:
        group_ids = self._groups(record)
        if group_ids is None:
            return
        cid = self._community(record.community)
        key = (cid, record.address, record.head_name)
        if key in self.existing:
            self.preview.households_existing += 1
            return
        if key in self.seen:
            self.problems.add(record.sheet, record.row, "address",
                              f"与第 {self.seen[key]} 行是同一户（同一村（社区）、门牌地址和户主）")
            return
        self.seen[key] = record.row
        self.rows.append({
            "community_id": cid, "grid_id": self._grid(cid, record.grid), "kind": record.kind,
            "address": record.address, "head_name": record.head_name, "mobile": record.mobile,
            "landline": record.landline, "size": record.size,
            "head_resident_id": record.resident_id, "note": record.note})
        if group_ids:
            self.tags[key] = group_ids
        self.preview.households_new += 1

    def _groups(self, record: HouseholdRecord) -> list[int] | None:
        unknown = [g for g in record.key_groups if g not in self.groups]
        if unknown:
            self.problems.add(record.sheet, record.row, "key_groups",
                              f"没有“{'、'.join(unknown)}”这个重点人群类别，应为："
                              f"{'、'.join(self.groups)}（可先在设置中添加）")
            return None
        return [self.groups[g] for g in record.key_groups]

    def _community(self, name: str) -> int:
        if name not in self.communities:
            self.communities[name] = communities.ensure_community(self.s, name).id
            if name not in self.preview.communities_new:
                self.preview.communities_new.append(name)
        return self.communities[name]

    def _grid(self, community_id: int, name: str) -> int | None:
        if not name:
            return None
        if (community_id, name) not in self.grids:
            community = self.s.get(Community, community_id)
            assert community is not None
            self.grids[(community_id, name)] = communities.ensure_grid(self.s, community, name).id
        return self.grids[(community_id, name)]

    def write(self, cancelled: Callable[[], bool] | None = None) -> None:
        """One executemany per chunk; the tags follow once the new ids are known."""
        for start in range(0, len(self.rows), CHUNK * 4):
            if cancelled and cancelled():
                raise Cancelled()
            # Core insert on the table: the ORM's per-row bookkeeping is not needed here.
            self.s.execute(insert(Household.__table__), self.rows[start:start + CHUNK * 4])
        if self.tags:
            self._write_tags()

    def _write_tags(self) -> None:
        keys = list(self.tags)
        ids: dict[Key, int] = {}
        for start in range(0, len(keys), CHUNK):
            part = keys[start:start + CHUNK]
            cids = {k[0] for k in part}
            for hid, cid, address, head in self.s.execute(
                    select(Household.id, Household.community_id, Household.address,
                           Household.head_name).where(Household.community_id.in_(cids))
                    .where(tuple_(Household.address, Household.head_name).in_(
                        [(k[1], k[2]) for k in part]))):
                ids[(cid, address, head)] = hid
        self.s.execute(insert(HouseholdTag.__table__), [
            {"household_id": ids[key], "key_group_id": gid, "added_on": self.today,
             "added_reason": IMPORT_REASON} for key, groups in self.tags.items() for gid in groups])
