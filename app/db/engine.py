"""Engines and sessions. The only module that knows which database engine is underneath."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from app.audit import recorder
from app.auth.actor import Actor
from app.auth.guard import ACTOR_KEY
from app.db.errors import translate
from app.models import DataRevision

BUSY_TIMEOUT_MS = 5000

# PostgreSQL, several PCs on one server (docs/POSTGRESQL.md): a PC stuck inside a save (asleep,
# network lost) must not freeze the others' saves for long, and they must hear why.
PG_LOCK_TIMEOUT_MS = 10_000          # waiting for rows another PC holds: then "另一台电脑正在保存"
PG_STATEMENT_TIMEOUT_MS = 120_000    # any one statement
PG_IDLE_IN_TRANSACTION_MS = 60_000   # a transaction left open (a PC asleep mid-save) is ended
PG_CONNECT_TIMEOUT_S = 10
PG_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
                 "keepalives_count": 3, "tcp_user_timeout": 60_000}


def pg_connect_args(url: str) -> dict[str, Any]:
    """Timeouts and TCP keepalives for every server connection; settings already written in
    the URL's query (``?options=…``, ``?connect_timeout=…``) win."""
    query = make_url(url).query
    args: dict[str, Any] = {k: v for k, v in PG_KEEPALIVES.items() if k not in query}
    if "connect_timeout" not in query:
        args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    if "options" not in query:
        args["options"] = (f"-c lock_timeout={PG_LOCK_TIMEOUT_MS} "
                           f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS} "
                           f"-c idle_in_transaction_session_timeout={PG_IDLE_IN_TRANSACTION_MS}")
    return args


def sqlite_url(path: Path) -> str:
    return URL.create("sqlite", database=str(path)).render_as_string()


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str, *, foreign_keys: bool = True, read_only: bool = False) -> Engine:
    """An engine whose SQLite connections are safe: FKs, WAL, full sync, busy timeout.

    ``read_only`` (a reader without the writer lock) makes SQLite itself refuse any change.

    pysqlite opens transactions implicitly and not around DDL; we switch that off and emit
    BEGIN ourselves so every transaction, migrations included, is all-or-nothing.
    """
    if not is_sqlite(url):
        # pool_pre_ping: a connection the server dropped (restart, network) is replaced at the
        # next use, so the program reconnects by itself once the server is back.
        connect_args = pg_connect_args(url) if make_url(url).get_backend_name() == "postgresql" \
            else {}
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(engine, expire_on_commit=False)
    _track_changes(factory)
    return factory


def new_session(factory: sessionmaker[Session], actor: Actor | None) -> Session:
    """A session acting for ``actor``: services check their permissions against it."""
    session = factory()
    session.info[ACTOR_KEY] = actor
    return session


@contextmanager
def session_scope(factory: sessionmaker[Session], actor: Actor | None = None) -> Iterator[Session]:
    """One unit of work: commit at the end, roll back everything on any error."""
    session = new_session(factory, actor)
    try:
        yield session
        session.commit()
    except BaseException as exc:
        try:
            session.rollback()
        except Exception:  # noqa: BLE001 - the connection is gone; the first error is the one to tell
            pass
        known = translate(exc)
        if known is not None:
            raise known from exc
        raise
    finally:
        session.close()


def _track_changes(factory: sessionmaker[Session]) -> None:
    """Audit every change and raise the data revision, in the transaction that made it."""

    @event.listens_for(factory, "after_flush")
    def _flushed(session: Session, _ctx: Any) -> None:
        # ``dirty`` also lists objects whose attributes were set to the values they had.
        if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
            session.info["changed"] = True
        recorder.collect(session)

    @event.listens_for(factory, "after_transaction_end")
    def _ended(session: Session, transaction: Any) -> None:
        # A rolled-back change must not count (or be audited) at the next commit of a
        # long-lived session.
        if transaction.parent is None:
            session.info.pop("changed", None)
            recorder.discard(session)

    @event.listens_for(factory, "do_orm_execute")
    def _executed(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            if not state.execution_options.get("revision_bump"):
                state.session.info["changed"] = True

    @event.listens_for(factory, "before_commit")
    def _bump(session: Session) -> None:
        session.flush()
        recorder.write(session)
        if session.info.pop("changed", False):
            session.execute(update(DataRevision).values(revision=DataRevision.revision + 1),
                            execution_options={"revision_bump": True})
