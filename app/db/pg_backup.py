"""Backups of a PostgreSQL server database with pg_dump (custom format, ``-Fc``).

The dump goes into the backup folder in the user's data directory and is read back with
``pg_restore --list`` when that is installed. The password travels in the PGPASSWORD
environment variable, never on the command line (where other users could see it).
Restoring is done by hand with pg_restore: see docs/POSTGRESQL.md.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from app.errors import DatabaseError
from app.paths import data_dir

DOC = "docs/POSTGRESQL.md"
TIMEOUT_SECONDS = 3600
# libpq settings that may ride in the URL's query string, passed on as environment variables.
_QUERY_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
              "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
              "application_name": "PGAPPNAME"}


def backup_dir() -> Path:
    return data_dir() / "server-backups"


def find_tool(name: str) -> str | None:
    """``pg_dump`` / ``pg_restore`` on PATH, or in the usual Windows install folder."""
    found = shutil.which(name)
    if found:
        return found
    if os.name == "nt":  # pragma: no cover - Windows only
        for base in (os.environ.get("ProgramFiles", r"C:\Program Files"),
                     os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")):
            hits = sorted(glob.glob(os.path.join(base, "PostgreSQL", "*", "bin", name + ".exe")),
                          key=_version_key)
            if hits:
                return hits[-1]
    return None


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path))


def missing_tool_message(name: str) -> str:
    return (f"找不到 {name}，无法备份服务器数据库（PostgreSQL）。请在这台电脑上安装 PostgreSQL "
            "客户端工具：Windows 用 PostgreSQL 安装程序并勾选 Command Line Tools，"
            "Debian/Ubuntu 执行 apt install postgresql-client；"
            f"装好后确认 {name} 在 PATH 中。详见 {DOC}。")


def connection_args(url: str | URL) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for libpq tools; the password only in the latter."""
    parsed = make_url(url) if isinstance(url, str) else url
    args: list[str] = ["--no-password"]
    if parsed.host:
        args += ["--host", parsed.host]
    if parsed.port:
        args += ["--port", str(parsed.port)]
    if parsed.username:
        args += ["--username", parsed.username]
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    for key, value in parsed.query.items():
        var = _QUERY_ENV.get(key)
        if var and isinstance(value, str):
            env[var] = value
        elif key == "host" and isinstance(value, str):  # a Unix socket directory
            args += ["--host", value]
    return args, env


def take_backup(url: str | URL, reason: str = "manual", *, now: datetime | None = None,
                folder: Path | None = None) -> Path:
    """Dump the server database into the backup folder; the path of the checked dump."""
    pg_dump = find_tool("pg_dump")
    if pg_dump is None:
        raise DatabaseError(missing_tool_message("pg_dump"))
    parsed = make_url(url) if isinstance(url, str) else url
    name = parsed.database or "postgres"
    folder = folder or backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{_prefix(parsed)}{stamp}-{reason}.dump"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{_prefix(parsed)}{stamp}-{n}-{reason}.dump"
    partial = target.with_suffix(".partial")
    args, env = connection_args(parsed)
    command = [pg_dump, "--format=custom", "--file", str(partial), *args, "--dbname", name]
    try:
        _run(command, env, f"pg_dump 备份数据库 {name} 失败")
        _check_dump(partial, env)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _check_dump(path: Path, env: dict[str, str]) -> None:
    if not path.is_file() or path.stat().st_size == 0:
        raise DatabaseError(f"pg_dump 没有写出备份文件 {path}。")
    pg_restore = find_tool("pg_restore")
    if pg_restore is not None:
        _run([pg_restore, "--list", str(path)], env, f"备份文件 {path} 无法读取（校验失败）")


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=TIMEOUT_SECONDS,
                              check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise DatabaseError(f"{what}：{exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise DatabaseError(f"{what}：{detail[-1] if detail else '退出码 ' + str(done.returncode)}")


def _prefix(parsed: URL) -> str:
    """Dumps are named after the server and the database: ``host-db-time-reason.dump``."""
    def clean(text: str) -> str:
        return re.sub(r"[^\w.]", "_", text)
    return f"{clean(parsed.host or 'local')}-{clean(parsed.database or 'postgres')}-"


def list_backups(url: str | URL, folder: Path | None = None) -> list[Path]:
    """This database's dumps in the backup folder, newest first."""
    parsed = make_url(url) if isinstance(url, str) else url
    folder = folder or backup_dir()
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{glob.escape(_prefix(parsed))}*.dump"),
                  key=lambda p: p.stat().st_mtime, reverse=True)
