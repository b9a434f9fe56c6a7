"""Printing any PDF the program makes (minutes, sign-in sheets, the bulletin, the check report)
through the system print dialog — the same path the contact cards use: each page rendered
with pypdfium2 and drawn at 100 % on the PDF's own paper (see ``ui.cards.print``).

``print_pdf`` prints a file that exists; ``generate_and_print`` first writes the PDF to a
temporary file in a worker (as the “PDF” buttons do), prints it, then removes it. A cancelled
print dialog prints nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from app.errors import DomainError
from ui import tasks
from ui.cards import print as printing
from ui.cards.pdf_pages import page_sizes
from ui.widgets.messages import error

Finished = Callable[[printing.Printed | None], None]


def print_pdf(parent: QWidget, pdf_path: Path, title: str, *, duplex: bool = False,
              printer: QPrinter | None = None, on_finished: Finished | None = None
              ) -> tasks.Task | None:
    """The print dialog for ``pdf_path``, then its pages at 100 % in a worker.

    ``on_finished`` gets the ``Printed`` result, or None when nothing was printed (the dialog
    was cancelled or printing failed). Returns the printing task (None when cancelled)."""
    def finished(result: printing.Printed | None) -> None:
        if on_finished is not None:
            on_finished(result)

    sizes = page_sizes(Path(pdf_path))
    if not sizes:
        error(parent, title, "这份 PDF 没有页面，无法打印。")
        finished(None)
        return None
    printer = printer or printing.new_printer()
    printing.prepare_printer(printer, sizes[0], duplex)
    if not printing.ask_printer(parent, printer, len(sizes), title):
        finished(None)
        return None
    # The dialog may have changed the paper; the pages must stay at their own size.
    printing.prepare_printer(printer, sizes[0],
                             printer.duplex() != QPrinter.DuplexMode.DuplexNone)

    def failed(exc: BaseException) -> None:
        error(parent, title, f"打印失败：{exc}")
        finished(None)

    task = tasks.run_with_progress(
        parent, "正在打印…",
        lambda progress, cancelled: printing.print_pdf(printer, Path(pdf_path), progress,
                                                       cancelled),
        finished, failed)
    return task


def generate_and_print(parent: QWidget, title: str, make: Callable[[Path], Any],
                       file_name: str = "打印.pdf", *,
                       on_finished: Finished | None = None) -> tasks.Task:
    """Write the PDF with ``make(path)`` in a worker (it opens its own session), then print it.

    The temporary file is removed once printing is over (or was not started)."""
    folder = Path(tempfile.mkdtemp(prefix="zhilian-print-"))
    pdf = folder / file_name

    def cleanup(result: printing.Printed | None = None) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        if on_finished is not None:
            on_finished(result)

    def work(_p: tasks.Progress, _c: tasks.Cancelled) -> Path:
        make(pdf)
        return pdf

    def made(path: Path) -> None:
        try:
            print_pdf(parent, path, title, on_finished=cleanup)
        except Exception:
            cleanup()
            raise

    def failed(exc: BaseException) -> None:
        cleanup()
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        error(parent, title, f"没有生成要打印的 PDF：{message}")

    return tasks.run_with_progress(parent, f"正在准备{title}…", work, made, failed,
                                   cancellable=False)
