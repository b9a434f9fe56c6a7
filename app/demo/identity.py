"""Made-up but well-formed personal details: names, phone numbers, resident IDs."""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.demo.names import AREA_CODE, FEMALE_CHARS, MALE_CHARS, SURNAMES
from app.models import Gender

MOBILE_PREFIXES = ("134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158",
                   "159", "182", "183", "187", "188", "130", "131", "132", "155", "156", "185",
                   "186", "133", "153", "180", "189", "177", "199", "198", "166")
# 江门 (4407xx) county-level codes; the demo town's own district comes first and most often.
AREA_CODES = ("440704", "440704", "440704", "440703", "440705", "440781", "440783", "440784",
              "440785")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_SURNAME_LIST = [s for s, _ in SURNAMES]
_SURNAME_WEIGHTS = [w for _, w in SURNAMES]


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_LIST, _SURNAME_WEIGHTS)[0]


def gender(rng: random.Random, male_share: float = 0.5) -> Gender:
    return Gender.MALE if rng.random() < male_share else Gender.FEMALE


def person_name(rng: random.Random, sex: Gender) -> str:
    """Two or three characters in all: a compound surname (欧阳) takes a single given character."""
    chars = MALE_CHARS if sex == Gender.MALE else FEMALE_CHARS
    family = surname(rng)
    given_len = 1 if len(family) == 2 or rng.random() < 0.25 else 2
    return family + "".join(rng.choice(chars) for _ in range(given_len))


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


def landline(rng: random.Random) -> str:
    """A local number of the town's exchange (7 digits after the 0750 area code)."""
    return f"{AREA_CODE}-{rng.choice('3456')}{rng.randrange(10 ** 6):06d}"


def birth_date(rng: random.Random, first_year: int, last_year: int) -> date:
    start = date(first_year, 1, 1)
    return start + timedelta(days=rng.randrange((date(last_year, 12, 31) - start).days + 1))


def resident_id(rng: random.Random, sex: Gender, born: date) -> str:
    """A GB 11643 ID: area, birth date, sequence (odd for men, even for women), check character."""
    sequence = rng.randrange(100) * 10 + rng.choice((1, 3, 5, 7, 9) if sex == Gender.MALE
                                                     else (0, 2, 4, 6, 8))
    first17 = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def check_char(first17: str) -> str:
    """GB 11643's ISO 7064 MOD 11-2 check character of the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


class UniqueIds:
    """Resident IDs handed out once only: the person table keeps them unique."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self, sex: Gender, first_year: int, last_year: int) -> str:
        while True:
            value = resident_id(self.rng, sex, birth_date(self.rng, first_year, last_year))
            if value not in self.used:
                self.used.add(value)
                return value
