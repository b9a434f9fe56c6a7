"""Searching text in queries the same way on SQLite and PostgreSQL.

``contains_text(column, needle)``: the column holds the needle, ignoring the case of Latin
letters, with ``%`` and ``_`` in the needle taken literally. SQLite's LIKE already ignores ASCII
case, so it is used as it is (``lower()`` on both sides made a 20,000-row search twice as slow);
PostgreSQL has ILIKE; anything else gets ``lower() LIKE lower()``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

ESCAPE = "/"


class ContainsText(ColumnElement[bool]):
    type = Boolean()
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("pattern", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any, pattern: str) -> None:
        self.column = column
        self.pattern = bindparam(None, pattern, type_=String(), unique=True)


def _escaped(needle: str) -> str:
    for char in (ESCAPE, "%", "_"):
        needle = needle.replace(char, ESCAPE + char)
    return f"%{needle}%"


def contains_text(column: Any, needle: str) -> ContainsText:
    return ContainsText(column, _escaped(needle))


def _parts(element: ContainsText, compiler: Any, **kw: Any) -> tuple[str, str]:
    return compiler.process(element.column, **kw), compiler.process(element.pattern, **kw)


@compiles(ContainsText)
def _generic(element: ContainsText, compiler: Any, **kw: Any) -> str:
    column, pattern = _parts(element, compiler, **kw)
    return f"lower({column}) LIKE lower({pattern}) ESCAPE '{ESCAPE}'"


@compiles(ContainsText, "sqlite")
def _sqlite(element: ContainsText, compiler: Any, **kw: Any) -> str:
    column, pattern = _parts(element, compiler, **kw)
    return f"{column} LIKE {pattern} ESCAPE '{ESCAPE}'"


@compiles(ContainsText, "postgresql")
def _postgresql(element: ContainsText, compiler: Any, **kw: Any) -> str:
    column, pattern = _parts(element, compiler, **kw)
    return f"{column} ILIKE {pattern} ESCAPE '{ESCAPE}'"
