"""Small checks every service uses."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from app.errors import DomainError, NotFoundError, ValidationError

T = TypeVar("T")


def get_or_fail(session: Session, model: type[T], id_: int, what: str) -> T:
    obj = session.get(model, id_)
    if obj is None:
        raise NotFoundError(f"找不到这个{what}（编号 {id_}），可能已被删除。")
    return obj


def check_version(obj: object, expected: int | None, what: str) -> None:
    """Refuse to save over a change someone else made since the form was opened."""
    if expected is not None and getattr(obj, "version") != expected:
        raise DomainError(f"这个{what}在您打开之后已被其他人修改。请关闭表单、刷新后再改。")


def required(value: str, field: str, label: str, max_len: int) -> str:
    if not value:
        raise ValidationError(f"请填写{label}", field)
    if len(value) > max_len:
        raise ValidationError(f"{label}最多 {max_len} 个字（现在 {len(value)} 个）", field)
    return value


def optional(value: str, field: str, label: str, max_len: int) -> str:
    if len(value) > max_len:
        raise ValidationError(f"{label}最多 {max_len} 个字（现在 {len(value)} 个）", field)
    return value
