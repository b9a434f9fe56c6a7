"""Issue 15: every window and dialog fits a 1366×768 screen with a 40 px task bar
(1366×728 available), at 100 %, 125 % and 150 % scaling.

QT_SCALE_FACTOR must be set before the QApplication exists, so each factor runs
tests/fit_probe.py in its own process, over a copy of the demo database, on an offscreen screen
of 1366×728 physical pixels. The probe prints, per window, its minimum size and the size it
opens at in physical pixels; both must fit with a title bar above them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREEN = (1366, 728)
TITLE_BAR = 30
FACTORS = ("1", "1.25", "1.5")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("demo")
    path = where / "demo.db"
    env = {**os.environ, "ZHILIAN_DATA_DIR": str(where / "data")}
    env.pop("ZHILIAN_DB_URL", None)
    subprocess.run([sys.executable, "main.py", "demo", "--db", str(path)], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=300)
    return path


def probe(demo_db: Path, factor: str, where: Path) -> dict[str, dict]:
    config = where / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "1366x768", "x": 0, "y": 0, "width": SCREEN[0], "height": SCREEN[1],
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    db = where / "demo.db"
    db.write_bytes(demo_db.read_bytes())
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "QT_SCALE_FACTOR": factor, "ZHILIAN_DATA_DIR": str(where / "data"),
           "FIT_PROBE_TMP": str(where)}
    env.pop("ZHILIAN_DB_URL", None)
    run = subprocess.run([sys.executable, "-m", "tests.fit_probe", str(db)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    return {line["name"]: line for line in lines}


@pytest.mark.parametrize("factor", FACTORS)
def test_every_window_and_dialog_fits_1366x728(demo_db: Path, tmp_path: Path,
                                                factor: str) -> None:
    found = probe(demo_db, factor, tmp_path)
    broken = {name: line["error"] for name, line in found.items() if "error" in line}
    assert not broken, broken
    # The main window on each area (signed in, 概览 expanded), and every dialog class in ui/.
    assert len([n for n in found if n.startswith("MainWindow[")]) == 9
    assert len(found) >= 9 + 49
    too_big = {}
    for name, line in found.items():
        for what in ("min", "size"):
            width, height = line[what]
            if width > SCREEN[0] or height + TITLE_BAR > SCREEN[1]:
                too_big[f"{name} {what}"] = (width, height)
    assert not too_big, f"at {factor}: {too_big}"
