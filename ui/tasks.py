"""Long work off the UI thread: a QRunnable that reports by signals, and a progress dialog.

The work function gets ``progress(done, total)`` and ``cancelled() -> bool`` and must open its
own ``db.session()``: sessions and ORM objects never cross threads, only plain results do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], Any]

_running: set["Task"] = set()  # Python must keep each task alive until it reports


class TaskSignals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    def __init__(self, work: Work) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.work = work
        self.signals = TaskSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.work(self.signals.progress.emit, self.cancelled)
        except BaseException as exc:  # reported to the UI thread, which decides what to show
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def start(work: Work, on_done: Callable[[Any], None],
          on_error: Callable[[BaseException], None],
          on_progress: Callable[[int, int], None] | None = None,
          owner: QObject | None = None) -> Task:
    """Run ``work`` on the global pool; the callbacks run on the UI thread — and not at all
    once ``owner`` (the widget they fill) has been deleted, as a window closed while its
    worker was still reading is."""
    task = Task(work)
    _running.add(task)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _running.discard(task)
        if owner is not None and not shiboken6.isValid(owner):
            return
        callback(value)

    task.signals.done.connect(lambda result: finish(on_done, result))
    task.signals.failed.connect(lambda exc: finish(on_error, exc))
    if on_progress is not None:
        task.signals.progress.connect(on_progress)
    QThreadPool.globalInstance().start(task)
    return task


def wait_all(msecs: int = 30000) -> bool:
    """Used on exit and in tests: let running work finish before the database closes."""
    return QThreadPool.globalInstance().waitForDone(msecs)


def run_with_progress(parent: QWidget, label: str, work: Work,
                      on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None],
                      cancellable: bool = True) -> Task:
    """Work with a modal progress dialog; 取消 asks the work to stop at its next check."""
    dialog = QProgressDialog(label, "取消" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle("请稍候")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)

    def close_then(callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def handler(value: Any) -> None:
            # QProgressDialog emits canceled() when closed, even when hidden: left connected,
            # every finished task would read as cancelled and its result would be dropped.
            dialog.canceled.disconnect(cancel)
            dialog.close()
            dialog.deleteLater()
            callback(value)
        return handler

    def cancel() -> None:
        task.cancel()
        dialog.setLabelText("正在取消…")

    task = start(work, close_then(on_done), close_then(on_error), progress)
    dialog.canceled.connect(cancel)
    return task
