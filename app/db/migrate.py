"""Schema upgrades through Alembic, all in one transaction, checked before commit."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from app.db import schema
from app.errors import DatabaseError, DatabaseTooNewError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def check_known(revision: str | None, where: str) -> None:
    if revision is not None and revision not in schema.KNOWN_REVISIONS:
        raise DatabaseTooNewError(
            f"{where} 由更新版本的驻点直联工作台写入（数据版本 {revision}），"
            "本程序无法读取。请安装最新版本后再打开；文件没有任何改动。")


def needs_upgrade(revision: str | None) -> bool:
    return revision != schema.HEAD


def upgrade(engine: Engine, *, script_location: Path | None = None, target: str = "head") -> None:
    """Bring the schema to ``target``; on any error nothing of the upgrade remains.

    SQLite rebuilds tables to alter them, which trips foreign keys midway, so the caller's
    engine has them off here and ``foreign_key_check`` runs before the commit instead.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    # Looked up at call time, not bound as a default, so tests can point it at other scripts.
    config.set_main_option("script_location", str(script_location or MIGRATIONS))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
            if engine.dialect.name == "sqlite":
                broken = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
                if broken:
                    raise DatabaseError(f"升级后有 {len(broken)} 条记录的关联失效，已撤销升级。")
    except DatabaseError:
        raise
    except Exception as exc:
        raise DatabaseError(f"数据库升级失败，已撤销，文件保持原样：{exc}") from exc


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        tables = engine.dialect.get_table_names(conn)
        if "alembic_version" not in tables:
            if tables:
                raise DatabaseError("这个数据库不是驻点直联工作台的数据库（缺少版本信息），程序没有改动它。")
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
