"""What a contact card or poster shows, as plain values: the drawing code never touches the
database, and the same values give the content hash that flags a card for re-distribution."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Contact:
    """One person as the card prints them. ``phone`` is normalised (mobile, else landline)."""

    name: str
    position: str = ""   # 职务 as printed, e.g. "镇党委副书记" or the team title "组长"
    phone: str = ""
    person_id: int | None = None


@dataclass(frozen=True)
class CardContent:
    """One card design: one team in one community (a team serving two communities has two).

    No sensitive data ever enters here (no resident ID, no key-group tag).
    """

    team_id: int
    team_name: str
    community_id: int
    community_name: str
    leader: Contact | None
    core: tuple[Contact, ...]
    town_liaison: Contact | None
    community_liaison: Contact | None
    schedule: str            # e.g. "每周二 15:00—18:30"
    place: str
    hotline: str
    back_text: str           # the clerk may edit it; a default is written by the service
    qr_contact: Contact | None   # whom the QR code carries (default: the town liaison)
    town_name: str           # issuing town, e.g. "云溪镇"
    district_name: str
    issued_on: date
    support: tuple[Contact, ...] = field(default_factory=tuple)  # poster lists them
    # Set when the chosen QR contact is missing and another member's phone stands in
    # ("团队没有专职联络员，二维码改用责任人（驻点领导）陈志强的电话 138…"): the print-start
    # check shows it. Not printed, not part of the content hash.
    qr_note: str = ""


@dataclass(frozen=True)
class HouseholdLine:
    """What a personalised card adds: the household's address and a serial number."""

    household_id: int
    address: str
    head_name: str
    serial: str  # e.g. "石岗村-000123"
