"""Declarative base, naming conventions and the columns most records share."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Enum, Integer, MetaData, String, Text, event, func, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column

from app.normalize import strip_controls

# Named constraints let Alembic alter them on every database, SQLite batch mode included.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def enum_column(enum_cls: type[enum.Enum], length: int = 24) -> Enum:
    """Store an enum by its value as portable VARCHAR plus a CHECK constraint."""
    return Enum(enum_cls, native_enum=False, length=length, validate_strings=True,
                values_callable=lambda cls: [m.value for m in cls],
                name=f"{enum_cls.__name__.lower()}")


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp())


class Versioned:
    """Optimistic concurrency: a save against a stale version fails instead of overwriting."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


def was_set_in_database(session: Any, obj: Any, attribute: str) -> bool:
    """``obj.<attribute>`` was already set in the database before this flush: the change that
    sets it (finalising, reporting) is not yet a change to a locked record."""
    history = inspect(obj).attrs[attribute].history
    if history.deleted:
        return history.deleted[0] is not None
    return getattr(obj, attribute) is not None and obj not in session.new


_TEXT_KEYS: dict[Mapper[Any], tuple[str, ...]] = {}


def _text_keys(mapper: Mapper[Any]) -> tuple[str, ...]:
    keys = _TEXT_KEYS.get(mapper)
    if keys is None:
        keys = tuple(attr.key for attr in mapper.column_attrs
                     if isinstance(attr.columns[0].type, (String, Text))
                     and not isinstance(attr.columns[0].type, Enum))
        _TEXT_KEYS[mapper] = keys
    return keys


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _no_control_characters(mapper: Mapper[Any], connection: Any, target: Any) -> None:
    """The last door for text: whatever a form, an import or a package brings, no control
    character is stored (they cannot be printed, and xlsx refuses them). The audit trail is
    written as given: its rows are hashed, and its JSON escapes such characters anyway."""
    if getattr(target, "__text_door_exempt__", False):
        return
    state = target.__dict__
    for key in _text_keys(mapper):
        value = state.get(key)
        if isinstance(value, str):
            cleaned = strip_controls(value)
            if cleaned != value:
                setattr(target, key, cleaned)
