"""Writing files the user asked for, so that a failure never leaves half a file behind."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from app.errors import DomainError


class Saveable(Protocol):
    def save(self, filename: str | Path) -> None: ...


@contextmanager
def replacing(out: Path, held_by: str = "别的程序") -> Iterator[Path]:
    """Yield a temporary name beside ``out`` to write to; once the block ends without an
    error, rename it into place. A failure leaves neither half a file nor the temporary one,
    and an OS error becomes a Chinese message naming the file."""
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    try:
        yield partial
        os.replace(partial, out)
    except OSError as exc:
        raise DomainError(f"无法写入“{out}”：{exc.strerror or exc}（文件可能正在{held_by}中打开）") \
            from None
    finally:
        partial.unlink(missing_ok=True)


def save_whole(book: Saveable, out: Path) -> Path:
    """Save ``book`` (an openpyxl workbook, say) via a temporary file renamed into place."""
    with replacing(out, "Excel") as partial:
        book.save(partial)
    return out
