"""The town's problem categories (问题类别) and their default deadlines (限时办结天数).

Rules this module settles:

- The categories are rows of ``ProblemCategory``, seeded by migration 0006 with
  ``SEED_CATEGORIES`` (the list the program had in code before). The settings page saves the
  whole list at once (``save_categories``): add, rename, change the days, reorder, retire
  (停用) or bring back, all in one transaction; needs EDIT_SETTINGS. Reading needs only a
  signed-in account.
- Names are trimmed, non-empty, at most 20 characters and unique (ignoring case and width);
  days are 1..365. Every refusal names the row (第 N 行) and the category.
- A category is removed only when asked by id (``deleted_ids``) and only if no problem uses it;
  otherwise it can be retired. Rows the page did not send are kept as they are (placed after
  the ones it sent), so a category someone else added meanwhile is never lost.
- ``Problem.category`` stays plain text: renaming or retiring a category does not touch the
  problems registered under the old name.
- ``deadline_days_for`` gives the default deadline of a category by name (retired ones still
  count, so a problem edited later keeps its category's days); unknown names (typed by hand)
  get ``FALLBACK_DEADLINE_DAYS``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import Permission, actor_of, can, require
from app.errors import ValidationError
from app.models import Problem, ProblemCategory
from app.models.problem_categories import MAX_DEADLINE_DAYS, NAME_LENGTH
from app.normalize import clean_text
from app.services.common import check_version

# The categories and days the program used before they became a setting (migration 0006 has
# its own frozen copy); the demo and tests may use them as the usual list.
SEED_CATEGORIES: tuple[tuple[str, int], ...] = (
    ("矛盾纠纷", 7), ("治安消防", 7), ("环境卫生", 15), ("民生救助", 15), ("政策咨询", 7),
    ("基础设施", 30), ("村务管理", 30), ("其他", 15))
FALLBACK_DEADLINE_DAYS = 15


@dataclass(frozen=True)
class CategoryRow:
    """A category as the settings page shows it (plain values)."""

    id: int
    name: str
    deadline_days: int
    active: bool
    version: int
    problems: int        # problems registered under this name


@dataclass
class CategoryInput:
    """One row of the page's list, in the order shown. ``id`` None: a new category."""

    name: str
    deadline_days: int
    active: bool = True
    id: int | None = None
    version: int | None = None   # the version the page read; None: do not check


def _key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def list_categories(session: Session, include_retired: bool = False) -> list[ProblemCategory]:
    """Active categories by position, then (on request) the retired ones by position."""
    actor_of(session)
    query = select(ProblemCategory).order_by(ProblemCategory.active.desc(),
                                             ProblemCategory.position, ProblemCategory.id)
    if not include_retired:
        query = query.where(ProblemCategory.active.is_(True))
    return list(session.scalars(query))


def active_names(session: Session) -> list[str]:
    """The names offered for a new problem, in the town's order."""
    return [c.name for c in list_categories(session)]


def check_category(session: Session, name: str, keep: str = "") -> str:
    """The category a problem is registered under, as the town's list spells it.

    It must be one of the active categories (matched ignoring case and width, so "ｑ" and "Q"
    are one), or ``keep`` (the category a problem already has, perhaps retired since): a typo
    ("基础施") is refused rather than becoming a category of its own. With no categories at
    all (a database set up by hand) any name is taken.
    """
    name = clean_text(name)
    if keep and _key(name) == _key(clean_text(keep)):
        return clean_text(keep)
    names = active_names(session)
    if not names:
        return name
    for known in names:
        if _key(known) == _key(name):
            return known
    raise ValidationError(f"问题类别“{name}”不在本镇的类别清单中。请从清单中选择（"
                          + "、".join(names) + "）；要新增类别，请到“设置”页添加。",
                          "category")


def category_rows(session: Session) -> list[CategoryRow]:
    """All categories (active first) with how many problems use each name; the counts (of the
    whole town's problems) only for those who may change the categories, else 0."""
    categories = list_categories(session, include_retired=True)
    used = dict(session.execute(
        select(Problem.category, func.count(Problem.id))
        .where(Problem.category.in_([c.name for c in categories]))
        .group_by(Problem.category)).all()) if categories and can(
            session, Permission.EDIT_SETTINGS) else {}
    return [CategoryRow(c.id, c.name, c.deadline_days, c.active, c.version, used.get(c.name, 0))
            for c in categories]


def deadline_days_for(session: Session, category: str) -> int:
    """Default days to the deadline for a category name (retired ones included)."""
    days = session.scalar(select(ProblemCategory.deadline_days)
                          .where(ProblemCategory.name == clean_text(category)))
    return days if days is not None else FALLBACK_DEADLINE_DAYS


def save_categories(session: Session, rows: Sequence[CategoryInput],
                    deleted_ids: Iterable[int] = ()) -> list[ProblemCategory]:
    """Save the page's list in one go: its order becomes the categories' order.

    Returns every category (active first). Nothing is saved if any row is refused.
    """
    require(session, Permission.EDIT_SETTINGS)
    existing = {c.id: c for c in session.scalars(select(ProblemCategory))}
    deleted = set(deleted_ids)
    problems: dict[str, str] = {}
    cleaned: list[tuple[CategoryInput, str]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        field = f"row{number}"
        name = clean_text(row.name)
        where = f"第 {number} 行" + (f"（{name}）" if name else "")
        if row.id is not None and row.id not in existing:
            problems[field] = f"{where}：这个类别已被其他人删除，请刷新后再改。"
        elif row.id is not None and row.id in deleted:
            problems[field] = f"{where}：同一个类别不能既保留又删除。"
        elif not name:
            problems[field] = f"第 {number} 行：请填写类别名称。"
        elif len(name) > NAME_LENGTH:
            problems[field] = f"{where}：类别名称最多 {NAME_LENGTH} 个字（现在 {len(name)} 个）。"
        elif _key(name) in seen:
            problems[field] = f"{where}：类别名称与第 {seen[_key(name)]} 行重复。"
        elif not isinstance(row.deadline_days, int) or not (
                1 <= row.deadline_days <= MAX_DEADLINE_DAYS):
            problems[field] = f"{where}：默认办结时限应在 1 到 {MAX_DEADLINE_DAYS} 天之间。"
        if name:
            seen.setdefault(_key(name), number)
        cleaned.append((row, name))
    sent = {row.id for row in rows if row.id is not None}
    kept = [c for c in existing.values() if c.id not in sent and c.id not in deleted]
    for category in kept:  # rows the page did not send (added by someone else meanwhile)
        if _key(category.name) in seen:
            problems.setdefault(f"row{seen[_key(category.name)]}",
                                f"第 {seen[_key(category.name)]} 行（{category.name}）：已有同名类别"
                                "（可能是其他人刚添加的），请刷新后再改。")
    for category_id in sorted(deleted):
        category = existing.get(category_id)
        if category is None:
            continue
        used = session.scalar(select(func.count(Problem.id))
                              .where(Problem.category == category.name)) or 0
        if used:
            problems[f"deleted{category_id}"] = (
                f"类别“{category.name}”已有 {used} 个问题使用，不能删除；可以勾选“停用”，"
                "以后登记问题时不再列出，已登记的问题保留原类别。")
    if problems:
        lines = list(problems.values())
        message = "\n".join(lines[:5]) + (f"\n……另有 {len(lines) - 5} 处" if len(lines) > 5 else "")
        raise ValidationError(message, "categories", problems=problems)
    for row, _name in cleaned:
        if row.id is not None:
            check_version(existing[row.id], row.version, f"问题类别“{existing[row.id].name}”")

    for category_id in deleted:
        if category_id in existing:
            session.delete(existing.pop(category_id))
    session.flush()
    # A rename onto a name another row still holds (a swap, or taking a retired name) would
    # trip the unique constraint mid-flush: park those rows under temporary names first.
    holders = {_key(c.name): c.id for c in existing.values()}
    renamed = [(existing[row.id], name) for row, name in cleaned
               if row.id is not None and existing[row.id].name != name]
    if any(holders.get(_key(name), category.id) != category.id for category, name in renamed):
        parked = [category for category, _name in renamed]
        for category in parked:
            category.name = f"（改名中{category.id}）"
        session.flush()
    for position, (row, name) in enumerate(cleaned):
        category = existing[row.id] if row.id is not None else ProblemCategory()
        category.name = name
        category.deadline_days = row.deadline_days
        category.active = bool(row.active)
        category.position = position
        if row.id is None:
            session.add(category)
    for offset, category in enumerate(sorted(kept, key=lambda c: (c.position, c.id))):
        category.position = len(cleaned) + offset
    session.flush()
    return list_categories(session, include_retired=True)
