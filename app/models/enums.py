"""Fixed vocabularies of the domain, stored by English code, shown by Chinese label."""

from __future__ import annotations

import enum


class Labeled(enum.StrEnum):
    @property
    def label(self) -> str:
        return LABELS[self]

    @classmethod
    def from_label(cls, text: str) -> "Labeled | None":
        text = text.strip()
        for member in cls:
            if text in (member.value, LABELS[member]) or text in ALIASES.get(member, ()):
                return member
        return None


class CommunityKind(Labeled):
    VILLAGE = "village"
    COMMUNITY = "community"
    COOPERATIVE = "cooperative"


class Gender(Labeled):
    MALE = "male"
    FEMALE = "female"


class PersonCategory(Labeled):
    TOWN_LEADER = "town_leader"
    TOWN_CADRE = "town_cadre"
    COMMITTEE_MEMBER = "committee_member"
    GRID_WORKER = "grid_worker"
    LEGAL_ADVISER = "legal_adviser"
    VOLUNTEER = "volunteer"
    DEPUTY = "deputy"
    OTHER = "other"


class MemberRole(Labeled):
    """A person's place in a team. Leader, core and town liaison form the fixed station team."""

    LEADER = "leader"
    CORE = "core"
    TOWN_LIAISON = "town_liaison"
    SUPPORT = "support"
    COMMUNITY_LIAISON = "community_liaison"

    @property
    def in_station_team(self) -> bool:
        return self in (MemberRole.LEADER, MemberRole.CORE, MemberRole.TOWN_LIAISON)


class HouseholdKind(Labeled):
    RESIDENT = "resident"
    SHOP = "shop"
    UNIT = "unit"


class Role(Labeled):
    """What a user account may do; an account can hold several roles."""

    ADMIN = "admin"
    CLERK = "clerk"
    ORG_OFFICE = "org_office"
    LIAISON = "liaison"
    # Not "leader": StrEnum members equal their value, and MemberRole.LEADER is "leader" —
    # the shared LABELS dict would mix the two up.
    LEADER = "station_leader"

    @property
    def team_scoped(self) -> bool:
        """Liaisons and leaders work on the teams assigned to their account only."""
        return self in (Role.LIAISON, Role.LEADER)


LABELS: dict[enum.Enum, str] = {
    CommunityKind.VILLAGE: "村",
    CommunityKind.COMMUNITY: "社区",
    CommunityKind.COOPERATIVE: "联社",
    Gender.MALE: "男",
    Gender.FEMALE: "女",
    PersonCategory.TOWN_LEADER: "镇领导",
    PersonCategory.TOWN_CADRE: "镇干部",
    PersonCategory.COMMITTEE_MEMBER: "“两委”干部",
    PersonCategory.GRID_WORKER: "网格员",
    PersonCategory.LEGAL_ADVISER: "法律顾问",
    PersonCategory.VOLUNTEER: "志愿者",
    PersonCategory.DEPUTY: "代表委员",
    PersonCategory.OTHER: "其他",
    MemberRole.LEADER: "责任人",
    MemberRole.CORE: "团队成员",
    MemberRole.TOWN_LIAISON: "专职联络员",
    MemberRole.SUPPORT: "辅助团队成员",
    MemberRole.COMMUNITY_LIAISON: "辅助团队联络员",
    HouseholdKind.RESIDENT: "居民户",
    HouseholdKind.SHOP: "个体商户",
    HouseholdKind.UNIT: "驻社区单位",
    Role.ADMIN: "管理员",
    Role.CLERK: "党政办",
    Role.ORG_OFFICE: "组织办",
    Role.LIAISON: "联络员",
    Role.LEADER: "驻点领导",
}

# Words towns use in their own sheets for the same things.
ALIASES: dict[enum.Enum, tuple[str, ...]] = {
    CommunityKind.VILLAGE: ("行政村",),
    CommunityKind.COOPERATIVE: ("经济联社",),
    PersonCategory.TOWN_LEADER: ("街道领导", "镇领导干部", "领导干部", "班子成员"),
    PersonCategory.TOWN_CADRE: ("街道干部", "镇干部", "机关干部"),
    PersonCategory.COMMITTEE_MEMBER: ("两委干部", "两委", "村干部", "社区干部", "\"两委\"干部"),
    PersonCategory.GRID_WORKER: ("网格管理员", "网格员"),
    PersonCategory.LEGAL_ADVISER: ("律师", "法律顾问"),
    PersonCategory.DEPUTY: ("两代表一委员", "人大代表", "政协委员", "党代表"),
    MemberRole.LEADER: ("驻点领导", "组长", "驻点组长", "责任领导"),
    MemberRole.CORE: ("成员", "驻点团队成员", "组员"),
    MemberRole.TOWN_LIAISON: ("联络员", "驻点联络员", "团队联络员"),
    MemberRole.SUPPORT: ("辅助成员", "辅助团队"),
    MemberRole.COMMUNITY_LIAISON: ("社区联络员", "村联络员"),
    HouseholdKind.RESIDENT: ("住户", "居民", "社员", "农户"),
    HouseholdKind.SHOP: ("商户", "个体户"),
    HouseholdKind.UNIT: ("单位", "驻区单位", "驻村单位"),
    Role.ADMIN: ("系统管理员",),
    Role.CLERK: ("党政综合办", "办公室", "文员"),
    Role.ORG_OFFICE: ("组织办公室", "党建办"),
    Role.LIAISON: ("专职联络员",),
    Role.LEADER: ("领导", "责任人"),
}

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def weekday_label(iso_weekday: int) -> str:
    """ISO weekday (1 = Monday) as 周一…周日."""
    return WEEKDAYS[iso_weekday - 1]
