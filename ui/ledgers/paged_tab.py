"""What a ledger tab over a PagedModel does with its filters (the problem ledger, the visits).

- The filters and the order are the database's: a worker returns the matching ids in order
  (``Listing``); the newest answer wins, older ones arriving late are dropped.
- Typing in the search box would cost a query per pause (50–150 ms on the large town). So after
  a list of up to KEYS_LIMIT rows is read, a worker also reads the search text of every row of
  the period once (``SearchKeys``); from then on typing narrows the ids already listed, in
  memory, on the UI thread (3–16 ms for 10,000–20,000 rows), as fast as the small lists. Until
  the keys are there, after every reload (records may have changed) and for longer periods,
  the search is a query.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.normalize import clean_text
from ui import tasks
from ui.ledgers.paged import Listing
from ui.widgets.messages import error

log = logging.getLogger(__name__)

SearchKeys = dict[int, str]   # record id → its lower-cased search text
# Periods longer than this keep searching by query: narrowing 200,000 keys took ~0.18 s on the UI
# thread (a query takes as long, but in a worker), and reading them ~3 s of a worker holding the
# interpreter while the window wants it. A year of the large town's visits is 96,000.
KEYS_LIMIT = 50_000


def needle_of(text: str) -> str:
    """The search box's text as the database search takes it (app.db.text.contains_text)."""
    return clean_text(text).lower()


def search_key(*parts: str) -> str:
    return "\x1f".join(parts).lower()


class PagedQueries:
    """Mixed into a QWidget tab that has ``ctx``, ``model`` (PagedModel), ``table``, ``search``,
    ``timer`` (single-shot, the typing pause), ``month`` (combo), ``count`` and ``WHAT``; it gives the hooks below
    and calls ``init_queries`` once its widgets exist."""

    WHAT = ""

    # -- hooks -----------------------------------------------------------------------------
    def listing_work(self, text: str, fresh: bool) -> Callable[[], Listing]:
        """The worker's job for the current filters and order, with ``text`` as the search."""
        raise NotImplementedError

    def keys_work(self) -> Callable[[], SearchKeys]:
        """The worker's job reading the search keys of the current period."""
        raise NotImplementedError

    def took_listing(self, listing: Listing, fresh: bool) -> bool:
        """Refill the combos from a fresh answer; True when the answer no longer fits them
        (a chosen month gone) and the list must be asked for again."""
        return False

    def update_count(self) -> None:
        raise NotImplementedError

    def listed(self) -> None:
        """After the rows changed (buttons follow the selection)."""

    def current_id(self) -> int | None:
        raise NotImplementedError

    def select_id(self, record_id: int) -> bool:
        raise NotImplementedError

    # -- the machinery ---------------------------------------------------------------------
    def init_queries(self) -> None:
        self.loaded = False
        self._generation = 0
        self._answered = 0
        self._select_id: int | None = None
        self._keys: SearchKeys | None = None
        self._keys_generation = 0
        self._base: Listing | None = None   # the last answer asked without a search text
        self.search.textChanged.connect(self._text_changed)
        self.timer.timeout.connect(self.apply_filter)
        self.model.sort_requested.connect(self.apply_filter)

    @property
    def pending(self) -> bool:
        """A query asked for and not answered yet (tests wait on it)."""
        return self._answered != self._generation

    @property
    def searching_in_memory(self) -> bool:
        return self._keys is not None

    def reload(self, select_id: int | None = None) -> None:
        """Read again from the database (after a save, or when shown after changes)."""
        self._stale = False
        self._query(fresh=True, select_id=select_id)

    def period_changed(self) -> None:
        """Another year or period: its months differ, so the month filter starts again."""
        self.month.blockSignals(True)
        self.month.setCurrentIndex(0)
        self.month.blockSignals(False)
        self.reload()

    def apply_filter(self) -> None:
        """The filters or the order changed: ask the database for the matching ids."""
        self.timer.stop()
        if self.loaded or self.pending:
            self._query(fresh=False)

    def _text_changed(self, _text: str = "") -> None:
        if self._keys is not None and self._base is not None and not self.pending:
            self._narrow()
        else:
            self.timer.start()

    def _query(self, fresh: bool, select_id: int | None = None) -> None:
        self.timer.stop()
        # The row to select in the answer: the one asked for, else the one selected now, else
        # (a query still out) the one the previous query was to select.
        was_pending = self.pending
        selected = select_id if select_id is not None else self.current_id()
        if selected is not None or not was_pending:
            self._select_id = selected
        self._generation += 1
        generation = self._generation
        if fresh:   # records may have changed: the keys are read again after this answer
            self._keys = None
            self._keys_generation += 1
        text = "" if self._keys is not None else self.search.text()
        work = self.listing_work(text, fresh)
        if self.loaded:
            self.count.setText(self.count.text().split("　")[0] + "　正在查找…")
        tasks.start(lambda _p, _c: work(),
                    lambda listing: self._listed(generation, listing, fresh, text),
                    lambda exc: self._query_failed(generation, exc), owner=self)

    def _listed(self, generation: int, listing: Listing, fresh: bool, text: str) -> None:
        if generation != self._generation:
            return   # an older answer arriving late
        self._answered = generation
        if fresh and listing.total <= KEYS_LIMIT:
            self._read_keys()
        self._base = None if needle_of(text) else listing
        ids = self._narrowed(listing.ids)
        self.model.set_ids(ids, listing.total, listing.rows, fresh)
        if self.took_listing(listing, fresh):
            self._query(fresh=False)
            return
        self.loaded = True
        self._show()

    def _narrowed(self, ids: list[int]) -> list[int]:
        """``ids`` (listed without a search) narrowed by the search box, in memory."""
        needle = needle_of(self.search.text())
        if not needle or self._base is None or self._keys is None:
            return ids
        keys = self._keys
        return [i for i in ids if needle in keys.get(i, "")]

    def _narrow(self) -> None:
        assert self._base is not None
        current = self.current_id()
        if current is not None:
            self._select_id = current
        self.model.set_ids(self._narrowed(self._base.ids), self._base.total)
        self._show()

    def _show(self) -> None:
        self.update_count()
        if self._select_id is not None:
            self.select_id(self._select_id)
        self.listed()

    def _query_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._answered = generation
        self.count.setText(f"读取{self.WHAT}失败")
        error(self, self.WHAT, f"读取{self.WHAT}失败：{exc}")  # type: ignore[arg-type]

    def _read_keys(self) -> None:
        generation = self._keys_generation
        work = self.keys_work()
        tasks.start(lambda _p, _c: work(), lambda keys: self._keys_read(generation, keys),
                    lambda exc: log.warning("search keys not read: %s", exc), owner=self)

    def _keys_read(self, generation: int, keys: SearchKeys) -> None:
        if generation == self._keys_generation:
            self._keys = keys
