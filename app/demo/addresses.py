"""Door addresses, grid by grid, each distinct within its community.

Villages number their lanes (石岗村三巷12号), cooperatives their old quarters (沙富东坊二巷7号),
communities have roads (新围社区建设路48号) and housing estates (新围花园5栋302房).
"""

from __future__ import annotations

import math
import random

from app.demo.names import (COOPERATIVE_GROUP_SUFFIX, ESTATE_SUFFIXES, ROAD_NAMES,
                            VILLAGE_STREETS, chinese_number)
from app.models import Community, CommunityKind, Grid

MAX_LANES = 99


class AddressBook:
    """Hands out the addresses of one community; grids never share a lane, road or estate."""

    def __init__(self, rng: random.Random, community: Community, root: str, grid_count: int,
                 expected: int) -> None:
        self.rng = rng
        self.community = community
        self.root = root
        self.roads = rng.sample(ROAD_NAMES, min(len(ROAD_NAMES), grid_count))
        self.estates = [root + s for s in rng.sample(ESTATE_SUFFIXES, min(len(ESTATE_SUFFIXES),
                                                                          grid_count))]
        # Lanes shared out evenly, so that a big village still numbers them below 一百.
        self.lanes_per_grid = max(1, min(MAX_LANES // grid_count,
                                         math.ceil(expected / grid_count / 25)))

    def for_grid(self, grid: Grid, index: int, count: int) -> list[str]:
        if self.community.kind == CommunityKind.COMMUNITY:
            return self._community_addresses(index, count)
        return self._lane_addresses(grid, index, count)

    def _lane_addresses(self, grid: Grid, index: int, count: int) -> list[str]:
        prefix = self.community.name
        if self.community.kind == CommunityKind.COOPERATIVE:
            prefix = self.root + grid.name.removesuffix(COOPERATIVE_GROUP_SUFFIX)
        street = VILLAGE_STREETS[index % len(VILLAGE_STREETS)]
        on_street = count // 10
        first_lane = index * self.lanes_per_grid + 1
        lanes = [f"{prefix}{chinese_number(first_lane + i)}巷" for i in range(self.lanes_per_grid)]
        per_lane = math.ceil((count - on_street) * 1.4 / len(lanes)) + 1
        slots = [f"{lane}{n}号" for lane in lanes for n in range(1, per_lane + 1)]
        # Grids past the sixth share a street name, numbered on from where the first grid stops.
        first = 1 + (index // len(VILLAGE_STREETS)) * (on_street * 2 + 10)
        street_slots = [f"{prefix}{street}{n}号" for n in range(first, first + on_street * 2)]
        return (self.rng.sample(slots, count - on_street)
                + self.rng.sample(street_slots, on_street))

    def _community_addresses(self, index: int, count: int) -> list[str]:
        road = self.roads[index % len(self.roads)]
        estate = self.estates[index % len(self.estates)]
        on_road = count * 2 // 5
        in_estate = count - on_road
        road_slots = [f"{self.community.name}{road}{n}号" for n in range(1, on_road * 3 // 2 + 2)]
        buildings = math.ceil(in_estate * 1.3 / 40) + 1
        flats = [f"{estate}{b}栋{floor}{room:02d}房" for b in range(1, buildings + 1)
                 for floor in range(2, 12) for room in range(1, 5)]
        return self.rng.sample(road_slots, on_road) + self.rng.sample(flats, in_estate)
