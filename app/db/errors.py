"""Database failures a user can act on, told in Chinese; anything else stays a bug.

(The split follows qutebrowser's KnownError/BugError: a locked or full disk is not a crash.)

Every message says the change was not saved: a form that shows it keeps what the user typed,
so trying again later is all it takes.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.errors import DatabaseError, DomainError

BUSY_ELSEWHERE = "另一台电脑正在保存，请稍后再试。您的修改没有保存，填写的内容仍在。"
DISK_FULL = "磁盘已满，您的修改没有保存。请清理磁盘空间后再试。"
READ_ONLY = "数据库文件是只读的，您的修改没有保存。请检查文件权限或是否在只读的 U 盘上。"
SERVER_GONE = ("与数据库服务器的连接中断（服务器正在重启、尚未就绪或网络断开），您的修改没有保存。"
               "服务器恢复后程序会自动重新连接，请稍后再试。")

_KNOWN = (
    ("database is locked", "数据库正忙（另一个程序正在写入）。您的修改没有保存，请稍后再试。"),
    ("disk is full", DISK_FULL),
    ("no space left", DISK_FULL),
    ("could not extend file", "数据库服务器的磁盘已满，您的修改没有保存。请联系管理员清理服务器磁盘。"),
    ("readonly database", READ_ONLY),
    ("read-only file system", READ_ONLY),
    ("disk i/o error", "读写数据库文件时出错（磁盘或 U 盘故障？）。您的修改没有保存；请先备份数据。"),
    ("unable to open database", "无法打开数据库文件：文件夹可能已被移动或没有权限。"),
    # PostgreSQL: another PC holds the rows (lock_timeout, statement_timeout), or this PC's
    # transaction sat idle too long (idle_in_transaction_session_timeout).
    ("lock timeout", BUSY_ELSEWHERE),
    ("statement timeout", BUSY_ELSEWHERE),
    ("could not obtain lock", BUSY_ELSEWHERE),
    ("deadlock detected", BUSY_ELSEWHERE),
    ("could not serialize access", BUSY_ELSEWHERE),
    ("idle-in-transaction timeout", "这次保存等待太久，已被服务器取消，您的修改没有保存。请再试一次。"),
    # PostgreSQL: the server is restarting, starting, shutting down, or the database is gone.
    ("administrator command", SERVER_GONE),
    ("not yet accepting connections", SERVER_GONE),
    ("the database system is starting up", SERVER_GONE),
    ("the database system is shutting down", SERVER_GONE),
    ("the database system is in recovery mode", SERVER_GONE),
    ("server closed the connection", SERVER_GONE),
    ("connection is closed", SERVER_GONE),
    ("connection already closed", SERVER_GONE),
    ("consuming input failed", SERVER_GONE),
    ("ssl connection has been closed", SERVER_GONE),
    ("connection timed out", SERVER_GONE),
    ("connection refused", "连不上数据库服务器，您的修改没有保存。请检查服务器是否开启、网络是否正常。"),
    (("database \"", "does not exist"),
     "服务器上的数据库已不存在（可能被删除或改名），您的修改没有保存。请联系管理员。"),
)

_OS_ERRORS = {
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EROFS: "所在的磁盘或 U 盘是只读的",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
}


def translate(exc: BaseException) -> DomainError | None:
    """A DomainError for failures the user can do something about, else None."""
    if isinstance(exc, StaleDataError):
        return DomainError("这条记录在您打开之后已被其他人修改，您的修改没有保存。请刷新后再改。")
    if isinstance(exc, (OperationalError, DBAPIError, sqlite3.OperationalError)):
        orig = getattr(exc, "orig", None)
        text = str(orig if orig is not None else exc).lower()
        for needle, message in _KNOWN:
            if all(n in text for n in ((needle,) if isinstance(needle, str) else needle)):
                return DatabaseError(message)
    if isinstance(exc, OSError):
        what = os_problem(exc)
        if what is not None:
            where = f"（{exc.filename}）" if exc.filename else ""
            return DatabaseError(f"无法写入文件{where}：{what}，没有保存。" + _advice(exc.errno))
    return None


def os_problem(exc: BaseException) -> str | None:
    """A short Chinese name for a full or read-only disk, or None for any other failure."""
    return _OS_ERRORS.get(exc.errno) if isinstance(exc, OSError) else None  # type: ignore[arg-type]


def _advice(code: int | None) -> str:
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "请清理磁盘空间后再试。"
    return "请换一个可以写入的文件夹（只读的 U 盘或受限的文件夹不行），或请管理员开放写入权限。"


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "disk is full" in text or "no space left" in text


def is_read_only(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "readonly database" in text or "read-only file system" in text \
        or "unable to open database" in text
