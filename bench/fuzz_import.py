"""The roster import fuzzed for minutes: mutated files read or refused in Chinese, never a
traceback. Usage: python bench/fuzz_import.py [SECONDS] (default 180). Prints the counts that
docs/BENCHMARKS.md records."""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> int:
    from app.auth import Actor
    from app.db.database import open_database
    from app.roster import preview_import
    from tests.roster_fuzz import run

    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 180.0
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "fuzz.db").act_as(Actor.program())
        started = time.monotonic()
        with db.session() as session:
            outcome = run(lambda path: preview_import(session, path), Path(folder), seconds)
        db.close()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"{time.monotonic() - started:.0f} s: {outcome.files} files, {outcome.read} read, "
          f"{outcome.refused} refused in Chinese, {len(outcome.failures)} failures (tracebacks "
          "or refusals not in Chinese)")
    for failure in outcome.failures[:10]:
        print(failure)
    return 1 if outcome.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
