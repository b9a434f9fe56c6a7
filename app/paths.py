"""Where the program keeps its files: the user's data directory, by platformdirs."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from app import APP_ID

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
FONT_FILE = RESOURCES / "fonts" / "wqy-microhei.ttc"
FALLBACK_FONT_FILE = RESOURCES / "fonts" / "DroidSansFallbackFull.ttf"  # CJK Ext-A: 䶮
# The user guide the 帮助 menu shows, with its screenshots beside it: read offline.
GUIDE_FILE = RESOURCES.parent / "docs" / "USER_GUIDE.md"


def data_dir() -> Path:
    """The folder for the database and backups; ``ZHILIAN_DATA_DIR`` overrides (tests, portable use)."""
    override = os.environ.get("ZHILIAN_DATA_DIR")
    path = Path(override) if override else Path(user_data_dir(APP_ID, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "zhilian.db"


def backup_dir_for(db_path: Path) -> Path:
    """Backups live beside the database, in a folder named after it."""
    return db_path.parent / f"{db_path.stem}-backups"
