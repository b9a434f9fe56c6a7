"""Writing files the user asked for, so that a failure never leaves half a file behind."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from app.errors import DomainError


class Saveable(Protocol):
    def save(self, filename: str | Path) -> None: ...


def save_whole(book: Saveable, out: Path) -> Path:
    """Save ``book`` (an openpyxl workbook, say) via a temporary file renamed into place."""
    partial = out.with_name(out.name + ".partial")
    try:
        book.save(partial)
        partial.replace(out)
    except OSError as exc:
        raise DomainError(f"无法写入“{out}”：{exc.strerror or exc}（文件可能正在 Excel 中打开）") from None
    finally:
        partial.unlink(missing_ok=True)
    return out
