"""Core statements compiled once per dialect and run on the driver's cursor of a Core connection.

The card look-up runs four or five statements per call (and every gateway call reads its token);
through SQLAlchemy's execution and result machinery each cost ≈ 0.3 ms of CPU on this kind of
machine, on the driver ≈ 0.12 ms.  A ``Prepared`` keeps
what SQLAlchemy would decide per call — the SQL text, the order of the values, each value's bind
processor and each column's result processor (SQLite's DateTime and JSON as text, psycopg's own
types) — and applies exactly those, so rows read the same as through ``Connection.execute``.

Only for the connections of ``Database.lookup`` and ``Database.intake`` (each statement its own
transaction): on a connection in a transaction, SQLAlchemy would not know of what the driver began.

A driver error is not interpreted here: the statement is run once more through ``conn.execute``,
which raises SQLAlchemy's wrapped error as for any statement — for a connection the server dropped,
with the pool invalidated, so ``Database.lookup`` retries on a fresh connection.  (A transient
error that does not recur is thereby retried once.)
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any, Callable

from sqlalchemy.engine import Connection
from sqlalchemy.sql import ClauseElement


Record = tuple   # what a Prepared select gives: a named tuple of its columns (by name and by index)


class _Compiled:
    def __init__(self, statement: ClauseElement, dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        named = compiled.bind_names.items()          # BindParameter → its name in the SQL
        self.defaults = {name: bind.effective_value for bind, name in named if not bind.required}
        self.names = list(compiled.positiontup) if compiled.positional else None
        processors = {name: bind.type.dialect_impl(dialect).bind_processor(dialect) for bind, name in named}
        self.binds = {name: process for name, process in processors.items() if process is not None}
        columns = list(getattr(statement, "selected_columns", ()))
        results = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
        self.results = [(i, process) for i, process in enumerate(results) if process is not None]
        self.row = namedtuple("Row", [c.key for c in columns], rename=True) if columns else None

    def parameters(self, values: dict) -> Any:
        given = {**self.defaults, **values}
        for name, process in self.binds.items():
            if given.get(name) is not None:
                given[name] = process(given[name])
        return [given[n] for n in self.names] if self.names is not None else given

    def read(self, raw: list[tuple]) -> list[Record]:
        if not self.results:
            return [self.row._make(values) for values in raw]
        rows = []
        for values in raw:
            values = list(values)
            for i, process in self.results:
                values[i] = process(values[i])
            rows.append(self.row._make(values))
        return rows


class Prepared:
    """``statement`` (a Core select or insert with bindparams), ready to run on any dialect."""

    def __init__(self, statement: ClauseElement):
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, conn: Connection) -> _Compiled:
        dialect = conn.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self.statement, dialect)
        return compiled

    def _run(self, conn: Connection, values: dict, fetch: Callable | None):
        compiled = self._for(conn)
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, compiled.parameters(values))
            raw = fetch(cursor) if fetch is not None else None
        except conn.dialect.loaded_dbapi.Error:
            cursor.close()
            result = conn.execute(self.statement, values)   # SQLAlchemy's own error (and invalidation)
            # rows of the same type either way (already processed by SQLAlchemy)
            return [compiled.row._make(r) for r in result] if fetch is not None else None
        cursor.close()
        return compiled.read(raw) if fetch is not None else None

    def all(self, conn: Connection, values: dict) -> list[Record]:
        return self._run(conn, values, lambda cursor: cursor.fetchall())

    def first(self, conn: Connection, values: dict) -> Record | None:
        rows = self._run(conn, values, lambda cursor: cursor.fetchmany(1))
        return rows[0] if rows else None

    def scalar(self, conn: Connection, values: dict) -> Any:
        row = self.first(conn, values)
        return row[0] if row is not None else None

    def execute(self, conn: Connection, values: dict) -> None:
        self._run(conn, values, None)
