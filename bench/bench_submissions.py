"""Upward submission on the large demo town (40 teams, 60 communities, 50,000 households,
~20,000 problems, ~210,000 visits, a year of photos and submissions): a team's monthly package
and the town's monthly bulletin, each beside a bare baseline in the same run.

    .venv/bin/python bench/bench_submissions.py [--db /tmp/zhilian-submissions.db] [--runs 3]

- Package: ``build_package`` for the first team's last demo month (2026-10): three forms as
  xlsx and PDF, the written report as PDF, the photos, data.json and the manifest, written
  through a temporary file. Baseline: zipfile writing the same entries (the bytes of the
  package just built) to a new zip, deflated — the part no implementation can skip.
- Bulletin: ``bulletin()`` (every figure of every team, the ranking, the twelve months' trend)
  and ``render_bulletin_pdf`` (the A4 PDF with its charts). Baseline: the slowest single SQL
  statement ``bulletin()`` runs, found by timing every statement, re-run raw through the sqlite3
  module with the same parameters (and all of its statements raw, for scale).
Targets (issue 8): package ≤ 3 s, bulletin (figures + PDF) ≤ 5 s. Times are medians.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

YEAR, MONTH = 2026, 10          # the demo's last month (app/demo/ledgers.LAST_DAY)


def timed(work: Callable[[], object], runs: int) -> tuple[float, list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def fmt(median: float, times: list[float]) -> str:
    return f"{median:.2f} s (runs {', '.join(f'{t:.2f}' for t in times)})"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path,
                        default=Path(tempfile.gettempdir()) / "zhilian-submissions.db")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.db.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(args.db),
                        "--size", "large"], check=True, cwd=ROOT)
        print(f"built the large demo in {time.perf_counter() - started:.1f} s")

    from sqlalchemy import event, select

    from app.auth import Actor
    from app.db import open_database
    from app.forms.bulletin_pdf import render_bulletin_pdf
    from app.models import Team
    from app.services.bulletin import bulletin
    from app.services.submission_package import build_package

    db = open_database(args.db).act_as(Actor.program())
    work = Path(tempfile.mkdtemp(prefix="bench_submissions_"))
    lines = [f"database: {args.db} ({args.db.stat().st_size / 1048576:.0f} MB); "
             f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}"]

    # --- the package ---------------------------------------------------------------------
    with db.session() as s:
        team = s.scalars(select(Team).order_by(Team.id)).first()
        assert team is not None
        out = work / "package.zip"
        median, times, built = timed(lambda: build_package(s, team.id, YEAR, MONTH, out),
                                     args.runs)
    with zipfile.ZipFile(out) as archive:
        entries = [(name, archive.read(name)) for name in archive.namelist()]

    def bare_zip() -> None:
        with zipfile.ZipFile(work / "bare.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    bare, bare_times, _ = timed(bare_zip, args.runs)
    size = sum(len(d) for _n, d in entries)
    lines.append(f"package ({team.name}, {YEAR}-{MONTH:02d}; {len(entries)} files, "
                 f"{size / 1024:.0f} KB unpacked, {out.stat().st_size / 1024:.0f} KB zip): "
                 f"{fmt(median, times)} — target ≤ 3 s")
    lines.append(f"  baseline, zipfile writing the same {len(entries)} entries: "
                 f"{fmt(bare, bare_times)}")

    # --- the bulletin --------------------------------------------------------------------
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters,  # type: ignore[no-untyped-def]
             context, executemany):
        statements.append((statement, parameters))

    with db.session() as s:
        figures, figure_times, b = timed(lambda: bulletin(s, YEAR, MONTH), args.runs)
        pdf = work / "bulletin.pdf"
        render, render_times, _ = timed(lambda: render_bulletin_pdf(s, b, pdf), args.runs)

        def both() -> None:
            render_bulletin_pdf(s, bulletin(s, YEAR, MONTH), pdf)
        whole, whole_times, _ = timed(both, args.runs)
        engine = s.get_bind()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            bulletin(s, YEAR, MONTH)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    # SQLite does a query's work while its rows are fetched: each statement is timed raw,
    # executed and fetched, through the sqlite3 module.
    raw = sqlite3.connect(args.db)

    def run_raw(statement: str, parameters: object) -> list:  # type: ignore[type-arg]
        return raw.execute(statement, parameters).fetchall()
    each = []
    for statement, parameters in statements:
        started = time.perf_counter()
        run_raw(statement, parameters)
        each.append((time.perf_counter() - started, statement, parameters))
    slowest = max(each, key=lambda x: x[0])
    bare_sql, sql_times, _ = timed(lambda: run_raw(slowest[1], slowest[2]), args.runs)
    all_sql, all_times, _ = timed(lambda: [run_raw(st, pa) for st, pa in statements], args.runs)
    raw.close()
    lines.append(f"bulletin, figures + PDF ({len(b.teams)} teams): {fmt(whole, whole_times)} "
                 "— target ≤ 5 s")
    lines.append(f"  of which bulletin() {fmt(figures, figure_times)}; "
                 f"PDF {fmt(render, render_times)} ({pdf.stat().st_size / 1024:.0f} KB)")
    lines.append(f"  baseline, the slowest of its {len(statements)} statements as raw SQL: "
                 f"{fmt(bare_sql, sql_times)}; all {len(statements)} raw: "
                 f"{fmt(all_sql, all_times)}")
    lines.append("  that statement: " + " ".join(slowest[1].split())[:400])
    db.close()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
