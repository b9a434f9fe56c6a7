"""Time from process start to the main window shown (target ≤ 1.5 s), on 50,000 households,
beside an empty PySide6 QMainWindow in a fresh process (the floor Qt itself sets).

    .venv/bin/python bench/bench_startup.py [--db large.db] [--runs 5]

Each run is a new process; the parent starts the clock just before launching it and stops it
when the child reports its window shown: ``MainWindow.show()`` has returned with the 驻点团队
list filled (rows read from the database, the first team's page filled) and the event loop has
turned once. The child reports how many teams the list holds, and a run with an empty list
fails. Application and baseline runs alternate, so both see the same load on the machine.

Bytecode is cached (in a temporary ``PYTHONPYCACHEPREFIX``, written by the warm-up run) as in
an installed copy, even where the shell sets ``PYTHONDONTWRITEBYTECODE``: otherwise every run
would compile the program's ~80 modules, which no user's start-up does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASELINE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1280, 800); w.show()
QTimer.singleShot(0, lambda: (print("SHOWN", flush=True), app.quit()))
app.exec()
"""

APP = """
import sys
from ui.app import run_gui  # first, in the order main.py imports it
from PySide6.QtCore import QTimer
import ui.main_window as mw
shown = mw.MainWindow.show
def show(self):
    shown(self)
    teams = self.directory.teams.model.rowCount()
    QTimer.singleShot(0, lambda: (print("SHOWN", teams, flush=True), self.close()))
mw.MainWindow.show = show
sys.exit(run_gui(sys.argv[1]))
"""


def one_run(code: str, *args: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "zhilian-bench-pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("SHOWN"):
            elapsed = time.perf_counter() - start
            if line.split()[1:] == ["0"]:
                raise SystemExit("主窗口显示时团队列表是空的：测量不成立")
            break
    else:
        raise SystemExit(f"子进程没有显示窗口（退出码 {child.wait()}）")
    child.wait()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "zhilian-large.db")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from bench.large_db import ensure_large_db

    db = ensure_large_db(args.db)
    one_run(APP, str(db))  # first run takes the start-up backup and warms the file cache
    app: list[float] = []
    base: list[float] = []
    for _ in range(args.runs):
        app.append(one_run(APP, str(db)))
        base.append(one_run(BASELINE))
    print("各次（程序 / 基线）：" + "  ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(app, base)))
    print(f"数据库：{db}（{args.runs} 次，取中位数）")
    print(f"驻点直联工作台 启动到主窗口显示：{statistics.median(app):.2f} s（目标 ≤ 1.5 s）")
    print(f"空白 PySide6 QMainWindow（基线）：{statistics.median(base):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
