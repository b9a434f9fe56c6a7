"""Unexpected errors: written to a log file and told to the user, never lost in a console.

A slot that raises in PySide only prints a traceback, so without this hook a failed action
would look to a clerk as if the button did nothing.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from app.errors import DomainError
from app.paths import data_dir
from ui.widgets.messages import error

log = logging.getLogger("zhilian")


def log_file() -> Path:
    return data_dir() / "zhilian.log"


def install() -> Callable[[], None]:
    """Route unexpected errors to the log and a dialog; returns what undoes it (at exit)."""
    handler = logging.FileHandler(log_file(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    previous, sys.excepthook = sys.excepthook, report

    def uninstall() -> None:
        sys.excepthook = previous
        log.removeHandler(handler)
        handler.close()
    return uninstall


def report(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if isinstance(exc, DomainError):  # a rule the user can act on: show it as it is
        error(None, "无法完成", str(exc))
        return
    known = _known(exc)
    if known is not None:  # a full disk, a read-only folder, a server away: not a crash
        log.warning("无法完成：%s（%s: %s）", known, kind.__name__, exc)
        error(None, "无法完成", known.message)
        return
    log.error("未处理的错误\n%s", "".join(traceback.format_exception(kind, exc, tb)))
    error(None, "程序出错",
          f"程序遇到了意外错误，这一步操作没有完成（已保存的数据不受影响）。\n\n{kind.__name__}: {exc}\n\n"
          f"详细信息已记录在 {log_file()}，请把这个文件发给技术支持。")


def _known(exc: BaseException) -> DomainError | None:
    try:
        from app.db.errors import translate
    except ImportError:  # pragma: no cover - the data layer failed to load at all
        return None
    return translate(exc)
