"""How long the demo town takes to build: ``python bench/bench_demo.py [small|large]``.

The large town (60 communities, 40 teams, 50,000 households) should build well under 30 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.auth import Actor  # noqa: E402
from app.db import open_database  # noqa: E402
from app.demo import build_demo  # noqa: E402


def main(size: str = "large") -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        with open_database(path).act_as(Actor.program()) as db:
            opened = time.perf_counter()
            counts = build_demo(db, size)
        done = time.perf_counter()
    print(f"{size}: open {opened - started:.1f} s, build {done - opened:.1f} s, "
          f"total {done - started:.1f} s; {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
