"""A database with 50,000 households for the window benchmarks.

Prefers the demo command (``python main.py demo --size large``); when it is not available,
builds a plain town of 60 communities and 50,000 households through the services and one
bulk insert.
"""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOUSEHOLDS = 50_000
SURNAMES = "陈李黄张梁林刘吴罗何郑周谭邓冯曾关伍"
GIVEN = "伟强明华芳丽敏静军勇志国建红英海燕玲杰平"

# The benchmarks and the screenshots sign in with the demo's administrator.
ADMIN, ADMIN_PASSWORD = "admin", "demo"


def ensure_large_db(path: Path) -> Path:
    if path.exists():
        return path
    demo = subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(path),
                           "--size", "large"], cwd=ROOT, capture_output=True, text=True)
    if demo.returncode == 0 and path.exists() and _households(path) >= HOUSEHOLDS * 0.9:
        return path
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    build(path)
    return path


def _households(path: Path) -> int:
    from app.auth import Actor
    from app.db import open_database
    from app.db.database import counts

    with open_database(path).act_as(Actor.program()) as db, db.session() as s:
        return counts(s)["住户"]


def build(path: Path) -> None:
    from sqlalchemy import insert

    from app.auth import Actor
    from app.db import open_database
    from app.auth.passwords import hash_password
    from app.models import Household, Role, User, UserRole
    from app.services import communities, people, teams

    rng = random.Random(7)
    with open_database(path).act_as(Actor.program()) as db, db.session() as s:
        s.add(User(username=ADMIN, display_name="管理员", password_hash=hash_password(ADMIN_PASSWORD),
                   roles=[UserRole(role=Role.ADMIN)]))  # as the demo does: a known password
        ids = [communities.create_community(s, communities.CommunityInput(f"第{i + 1}村")).id
               for i in range(60)]
        for t in range(40):
            leader = people.create_person(s, people.PersonInput(f"领导{t + 1}", unit="镇党委")).id
            teams.create_team(s, teams.TeamInput(f"第{t + 1}驻点团队", [ids[t]], 2, time(15),
                                                 time(18, 30)), leader, date(2024, 1, 1))
        s.execute(insert(Household), [
            {"community_id": ids[i % 60], "address": f"第{i % 60 + 1}村{i // 60 + 1}号",
             "head_name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2)),
             "mobile": f"13{rng.randrange(10**9):09d}", "landline": "", "size": rng.randint(1, 6),
             "kind": "resident", "note": ""}
            for i in range(HOUSEHOLDS)])
