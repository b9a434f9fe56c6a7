"""Database failures a user can act on, told in Chinese; anything else stays a bug.

(The split follows qutebrowser's KnownError/BugError: a locked or full disk is not a crash.)
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.errors import DatabaseError, DomainError

_KNOWN = (
    ("database is locked", "数据库正忙（另一个程序正在写入）。您的修改没有保存，请稍后再试。"),
    ("disk is full", "磁盘已满，您的修改没有保存。请清理磁盘空间后再试。"),
    ("readonly database", "数据库文件是只读的，您的修改没有保存。请检查文件权限或是否在只读的 U 盘上。"),
    ("disk i/o error", "读写数据库文件时出错（磁盘或 U 盘故障？）。您的修改没有保存；请先备份数据。"),
    ("unable to open database", "无法打开数据库文件：文件夹可能已被移动或没有权限。"),
    ("server closed the connection", "与数据库服务器的连接中断，您的修改没有保存。请检查网络后再试。"),
    ("connection refused", "连不上数据库服务器，您的修改没有保存。请检查服务器是否开启、网络是否正常。"),
)


def translate(exc: BaseException) -> DomainError | None:
    """A DomainError for failures the user can do something about, else None."""
    if isinstance(exc, StaleDataError):
        return DomainError("这条记录在您打开之后已被其他人修改，您的修改没有保存。请刷新后再改。")
    if isinstance(exc, (OperationalError, DBAPIError)):
        text = str(exc.orig if getattr(exc, "orig", None) is not None else exc).lower()
        for needle, message in _KNOWN:
            if needle in text:
                return DatabaseError(message)
    return None
