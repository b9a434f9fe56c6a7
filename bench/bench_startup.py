"""Start-up time on the large demo (50,000 households), two figures from each run, beside an
empty PySide6 QMainWindow in a fresh process (the floor Qt itself sets). Target ≤ 1.5 s.

    .venv/bin/python bench/bench_startup.py [--db large.db] [--runs 5]

Each run is a new process; the parent starts the clock just before launching it and reads
the child's reports, as they come, from a pipe:

(a) 窗口显示 (window shown): the main window's first frame has been painted (the shell:
    navigation, page frames, status bar "正在打开数据库…") and the event loop has turned once
    after that paint. No database data yet; the writer lock is already held.
(b) 数据可见 (data visible): the data layer is imported, the database checked and opened, the
    demo administrator signed in (the argon2id check, ~0.17 s, included; the time a person
    takes to type is not), the
    团队与人员 page built with the 驻点团队 list filled (rows read, first team's page filled),
    the list's viewport painted, and the event loop has turned once after that paint. The
    child reports how many teams the list holds; a run with an empty list fails.

The baseline child reports when its empty window has been painted, measured the same way as
(a). Application and baseline runs alternate, so both see the same load on the machine; the
figures are medians over the runs. The start-up backup runs in a worker after (b) and is not
timed (the warm-up run takes it).

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

APP_MARKS = ("PAINTED", "FILLED")

BASELINE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
from ui.first_paint import after_next_paint
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1280, 800)
after_next_paint(w, lambda: (print("PAINTED", flush=True), app.quit()))
w.show()
app.exec()
"""

APP = """
import sys
from ui.app import run_gui  # first, in the order main.py imports it
import ui.main_window as mw
import ui.startup as startup
def sign_in(db, parent=None):  # the dialog, without the seconds a person takes to type
    from app.services.accounts import sign_in_to
    sign_in_to(db, "admin", "demo")
    return True
startup.sign_in_with_dialogs = sign_in
built = mw.MainWindow.__init__
def init(self, *args):
    built(self, *args)
    self.painted.connect(lambda: print("PAINTED", flush=True))
    self.data_shown.connect(lambda: (
        print("FILLED", self.directory.teams.model.rowCount(), flush=True), self.close()))
mw.MainWindow.__init__ = init
sys.exit(run_gui(sys.argv[1]))
"""


def one_run(code: str, *args: str, marks: tuple[str, ...]) -> list[float]:
    """Seconds from launch to each of ``marks`` (lines the child prints), in that order."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "zhilian-bench-pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    times: list[float] = []
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        words = line.split()
        if words and len(times) < len(marks) and words[0] == marks[len(times)]:
            times.append(time.perf_counter() - start)
            if words[1:] == ["0"]:
                raise SystemExit("数据显示时团队列表是空的：测量不成立")
    code_ = child.wait()
    if len(times) < len(marks):
        raise SystemExit(f"子进程没有报告 {marks[len(times)]}（退出码 {code_}）")
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "zhilian-large.db")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from bench.large_db import ensure_large_db

    db = ensure_large_db(args.db)
    # Warm-up: takes the start-up backup, writes the bytecode cache, warms the file cache.
    one_run(APP, str(db), marks=APP_MARKS)
    shown: list[float] = []
    filled: list[float] = []
    base: list[float] = []
    for _ in range(args.runs):
        a, b = one_run(APP, str(db), marks=APP_MARKS)
        shown.append(a)
        filled.append(b)
        base.append(one_run(BASELINE, marks=("PAINTED",))[0])
    print("各次（窗口显示 / 数据可见 / 基线）：" + "  ".join(
        f"{a:.2f}/{b:.2f}/{c:.2f}" for a, b, c in zip(shown, filled, base)))
    print(f"数据库：{db}（{args.runs} 次，取中位数）")
    print(f"(a) 启动 → 主窗口显示（首帧已绘制，尚无数据）：{statistics.median(shown):.2f} s"
          "（目标 ≤ 1.5 s）")
    print(f"(b) 启动 → 团队列表已填充并绘制（数据可见）：  {statistics.median(filled):.2f} s")
    print(f"    空白 PySide6 QMainWindow 首帧（基线）：     {statistics.median(base):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
