"""Engine and session factory: SQLite in WAL mode with BEGIN IMMEDIATE by default, PostgreSQL by URL."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, lookup: bool = False, server_prepare: bool = True, durable: bool = False) -> Engine:
    """The engine of the database.  ``lookup``: autocommit, each statement its own transaction and
    committed without waiting for the disk (SQLite ``synchronous=NORMAL`` in WAL mode, PostgreSQL
    ``synchronous_commit=off``) — survives a crash of the sandbox, may lose its last fraction of a
    second in a crash of the machine.  For look-ups and their log lines, never acknowledged data.
    ``lookup`` and ``durable``: the same, but each statement committed to disk before it returns
    (SQLite ``synchronous=FULL``, PostgreSQL's default) — for an acknowledgement stored in one statement."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised on every connect
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (lookup: none at all)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # an acknowledged commit survives a crash of the machine (lookup: of the process)
            cur.execute("PRAGMA synchronous=NORMAL" if lookup and not durable else "PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        if lookup:
            return engine          # no BEGIN: each statement is its own transaction

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # pragma: no cover
            # Several writers: take the write lock up front, or read-then-write fails "database is
            # locked".  Read-only units of work start deferred so WAL readers never wait.
            readonly = conn.get_execution_options().get("readonly", False)
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        return engine
    # hide_parameters: a database error never writes personal IDs or card numbers into the logs.
    # server_prepare False: no server-side prepared statements (psycopg prepares a statement run 5 times),
    # which PgBouncer before 1.21 cannot carry in transaction mode (Debian 12 ships 1.18)
    prepare = {} if server_prepare else {"prepare_threshold": None}
    if lookup:   # no ping per checkout (a round trip and ≈ 0.4 ms of CPU): Database.lookup retries instead
        return create_engine(url, pool_size=16, max_overflow=8, hide_parameters=True, isolation_level="AUTOCOMMIT",
                             connect_args={**({} if durable else {"options": "-c synchronous_commit=off"}), **prepare})
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True,
                         connect_args=prepare)


T = TypeVar("T")


class Database:
    def __init__(self, url: str, server_prepare: bool = True):
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, server_prepare=server_prepare)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        self._read_factory = sessionmaker(self.engine.execution_options(readonly=True),
                                          expire_on_commit=False)
        self._lookup_engine = make_engine(self.url, lookup=True, server_prepare=server_prepare)   # on first use
        self._intake_engine = make_engine(self.url, lookup=True, durable=True, server_prepare=server_prepare)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any exception."""
        session = self._factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (never takes SQLite's write lock).  close() ends the
        transaction without expiring what was loaded, so returned objects stay readable."""
        session = self._read_factory()
        try:
            yield session
        finally:
            session.close()

    def lookup(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` on a Core connection (no ORM, rows as tuples) of the lookup engine
        (make_engine): the hot paths' reads — a call's token, the card check — and the card check's
        log line.  No transaction is held: every statement stands on its own.  The pool does not
        ping a connection before handing it out; a connection the server has dropped (a restart of
        PostgreSQL) fails its first statement, SQLAlchemy invalidates the pool, and ``work`` is run
        once more on a fresh connection.  (A drop during the card check's log line may leave that
        line written twice; the answer is still given once.)"""
        return _once_more_if_dropped(self._lookup_engine, work)

    def intake(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` as ``lookup`` does, but each statement is committed to disk before it returns:
        an acknowledgement stored in one statement (no BEGIN, no ping, no COMMIT: one round trip).  Run once
        more on a fresh connection when the first failed on a connection the server had dropped (a restart):
        ``work`` must be one statement with its own key, so that if the first attempt had committed after
        all, the second fails on the key — nothing is stored twice, and the call is answered as failed, as
        a COMMIT lost with its connection always was."""
        return _once_more_if_dropped(self._intake_engine, work)

    def dispose(self) -> None:
        self.engine.dispose()
        self._lookup_engine.dispose()
        self._intake_engine.dispose()


def _once_more_if_dropped(engine: Engine, work: Callable[[Connection], T]) -> T:
    try:
        with engine.connect() as conn:
            return work(conn)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    with engine.connect() as conn:
        return work(conn)
