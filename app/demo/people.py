"""People of the demo town, entered through the people service so every rule of the roster holds."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from app.demo import identity
from app.demo.names import (COMMUNITY_COMMITTEE_POSTS, COOPERATIVE_COMMITTEE_POSTS,
                            LEADER_POSITIONS, TOWN_CADRE_POSITIONS, TOWN_NAME, TOWN_OFFICES,
                            VILLAGE_COMMITTEE_POSTS, VOLUNTEER_UNITS)
from app.models import Community, CommunityKind, Gender, Person, PersonCategory
from app.services import people

COMMITTEE_POSTS = {CommunityKind.VILLAGE: VILLAGE_COMMITTEE_POSTS,
                   CommunityKind.COMMUNITY: COMMUNITY_COMMITTEE_POSTS,
                   CommunityKind.COOPERATIVE: COOPERATIVE_COMMITTEE_POSTS}


class PersonFactory:
    """Makes believable people of each kind; one factory per step keeps the output reproducible."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session = session
        self.rng = rng
        self.ids = identity.UniqueIds(rng)

    def leader(self, index: int) -> Person:
        """The index-th member of the leading group; past the listed posts, office heads lead."""
        if index < len(LEADER_POSITIONS):
            position = LEADER_POSITIONS[index]
        else:
            position = TOWN_OFFICES[index % len(TOWN_OFFICES)] + "主任"
        unit = f"{TOWN_NAME}人大" if "人大" in position else f"{TOWN_NAME}党委、政府"
        return self._make(PersonCategory.TOWN_LEADER, unit, position, male_share=0.75,
                          years=(1968, 1988), landline_share=0.5)

    def cadre(self, office: str, position: str | None = None) -> Person:
        if office == "派出所":
            position = position or self.rng.choice(("副所长", "民警", "社区民警", "辅警"))
        position = position or self.rng.choice(TOWN_CADRE_POSITIONS[office[-1]])
        return self._make(PersonCategory.TOWN_CADRE, TOWN_NAME + office, position,
                          male_share=0.55, years=(1975, 2000), landline_share=0.4)

    def committee_member(self, community: Community, post: str) -> Person:
        return self._make(PersonCategory.COMMITTEE_MEMBER, community.name, post,
                          male_share=0.6, years=(1965, 1995), landline_share=0.2)

    def committee_post(self, community: Community, index: int) -> str:
        posts = COMMITTEE_POSTS[community.kind]
        return posts[index % len(posts)]

    def grid_worker(self, community: Community, grid_name: str) -> Person:
        return self._make(PersonCategory.GRID_WORKER, community.name, f"{grid_name}网格员",
                          male_share=0.4, years=(1980, 2002), landline_share=0.0)

    def lawyer(self, firm: str) -> Person:
        return self._make(PersonCategory.LEGAL_ADVISER, firm, "律师（村居法律顾问）",
                          male_share=0.55, years=(1975, 1995), landline_share=0.6)

    def volunteer(self) -> Person:
        return self._make(PersonCategory.VOLUNTEER, self.rng.choice(VOLUNTEER_UNITS), "志愿者",
                          male_share=0.45, years=(1955, 2004), landline_share=0.1)

    def _make(self, category: PersonCategory, unit: str, position: str, *, male_share: float,
              years: tuple[int, int], landline_share: float) -> Person:
        sex = identity.gender(self.rng, male_share)
        resident_id = self.ids.new(sex, *years) if self.rng.random() < 0.6 else ""
        return people.create_person(self.session, people.PersonInput(
            name=identity.person_name(self.rng, sex), gender=self._maybe(sex), unit=unit,
            position=position, category=category, phones=identity.mobile(self.rng),
            landline=identity.landline(self.rng) if self.rng.random() < landline_share else "",
            resident_id=resident_id))

    def _maybe(self, sex: Gender) -> Gender | None:
        # Rosters typed from paper sometimes leave the gender column blank.
        return sex if self.rng.random() < 0.95 else None
