"""Hot-path statements run straight on the driver's cursor, inside SQLAlchemy's transaction.

SQLAlchemy spends about 60 µs of Python on each statement it runs (cache
key, execution context, result set-up, events) where SQLite itself needs
about 10, and a step runs seven to nine.  Here a Core statement is compiled once per dialect
and set of parameter names, with its bind and result processors (JSON,
booleans) taken from SQLAlchemy, and then run on the DBAPI cursor of the
same connection, in the same transaction.  What this path does not handle
(expanding IN lists, SQL functions as defaults, a connection not yet in a
transaction, statement listeners such as a benchmark's statement log) goes
through SQLAlchemy as before, with the same results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler

Params = Mapping[str, Any]
Processor = Callable[[Any], Any]


class DirectResult:
    """The rows of one statement (already fetched) and how many rows it changed."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: Sequence[Sequence[Any]], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Sequence[Any]]:
        return iter(self._rows)

    def all(self) -> list[Sequence[Any]]:
        """Return every row."""
        return list(self._rows)

    def first(self) -> Sequence[Any] | None:
        """Return the first row, or None."""
        return self._rows[0] if self._rows else None

    def scalar(self) -> Any:
        """Return the first column of the first row, or None."""
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        """Return the first column of the one row; raise unless there is exactly one."""
        if not self._rows:
            raise NoResultFound("No row was found when one was required")
        if len(self._rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self._rows[0][0]

    def scalar_one_or_none(self) -> Any:
        """Return the first column of the one row, or None; raise if there are several."""
        if len(self._rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return self._rows[0][0] if self._rows else None

    def scalars(self) -> Iterator[Any]:
        """Return the first column of every row."""
        return (row[0] for row in self._rows)


@dataclass(frozen=True)
class _Compiled:
    """A statement compiled for one dialect and one set of parameter names."""

    sql: str
    #: picks the values in placeholder order (positional paramstyles), else None
    pick: Callable[[dict[str, Any]], Sequence[Any]] | None
    defaults: dict[str, Any]
    required: frozenset[str]
    binders: tuple[tuple[str, Processor], ...]
    #: (column index, processor) of the result columns the driver's value is not right for;
    #: None if the statement returns no rows
    results: tuple[tuple[int, Processor], ...] | None


#: compiled statements by (statement, dialect, driver, parameter names); None: SQLAlchemy's path.
#: Meant for statements built once at import: a statement built per call is compiled per call.
_MAX_COMPILED = 512
_compiled: dict[tuple[int, str, str, frozenset[str]], tuple[Executable, _Compiled | None]] = {}


def _compile(statement: Executable, dialect: Dialect, keys: frozenset[str]) -> _Compiled | None:
    # As for an executemany: no RETURNING of the new primary key, which nobody reads here.
    compiled = statement.compile(  # type: ignore[attr-defined]
        dialect=dialect, column_keys=sorted(keys), for_executemany=True
    )
    if not isinstance(compiled, SQLCompiler) or "POSTCOMPILE" in compiled.string:
        return None
    prefetch = [
        *getattr(compiled, "insert_prefetch", ()),
        *getattr(compiled, "update_prefetch", ()),
    ]
    if getattr(compiled, "postfetch", None) or any(
        c.default is None or not c.default.is_scalar for c in prefetch
    ):
        return None  # defaults computed at execution time: SQLAlchemy's to do
    defaults = {c.key: c.default.arg for c in prefetch}
    required = set()
    binders = []
    for bind, name in compiled.bind_names.items():
        if bind.expanding or bind.literal_execute:
            return None
        if bind.required:
            required.add(name)
        elif name not in defaults:
            defaults[name] = bind.effective_value
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            binders.append((name, process))
    if compiled.escaped_bind_names:
        return None
    results = None
    if compiled._result_columns:  # what SQLAlchemy builds a result's columns from
        processors = [
            entry.type.dialect_impl(dialect).result_processor(dialect, None)
            for entry in compiled._result_columns
        ]
        results = tuple((i, p) for i, p in enumerate(processors) if p is not None)
    pick = _picker(compiled.positiontup) if compiled.positiontup is not None else None
    return _Compiled(compiled.string, pick, defaults, frozenset(required), tuple(binders), results)


def _picker(names: Sequence[str]) -> Callable[[dict[str, Any]], Sequence[Any]]:
    """Return what picks the values of ``names`` from parameters, in their order."""
    if len(names) == 1:
        (name,) = names
        return lambda values: (values[name],)
    return itemgetter(*names)


def _processed(row: Sequence[Any], processors: tuple[tuple[int, Processor], ...]) -> list[Any]:
    values = list(row)
    for i, process in processors:
        if values[i] is not None:
            values[i] = process(values[i])
    return values


def _prepared(c: _Compiled, params: Params) -> dict[str, Any] | Sequence[Any]:
    values = {**c.defaults, **params} if c.defaults else dict(params)
    missing = c.required - values.keys()
    if missing:
        raise KeyError(f"missing parameters: {sorted(missing)}")
    for name, process in c.binders:
        values[name] = process(values[name])
    return values if c.pick is None else c.pick(values)


def _listened(connection: Connection) -> bool:
    # The engine's listeners (and those of every engine): a connection's own dispatcher
    # is built anew for each connection, which costs more than the statements it saves.
    dispatch = connection.engine.dispatch
    return bool(
        dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
        or dispatch.before_execute
        or dispatch.after_execute
    )


class Runner:
    """Runs statements on one connection, on its driver while it is in a transaction."""

    __slots__ = ("_connection", "_dialect", "_driver", "_listened", "_open")

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._dialect = connection.dialect
        self._driver: Any = None
        self._listened: bool | None = None
        self._open = False

    def _in_transaction(self) -> bool:
        """Tell whether the connection is in a transaction, SQLAlchemy's or its driver's."""
        if not self._open:
            connection = self._connection
            # SQLite's kept writer begins on the driver (``Database.transaction``).
            driver = connection.connection.driver_connection
            self._open = connection.in_transaction() or getattr(driver, "in_transaction", False)
            if self._open:
                self._driver = driver  # the same until the transaction ends, with this runner
        return self._open

    def execute(
        self, statement: Executable, params: Params | Sequence[Params] | None = None
    ) -> DirectResult:
        """Run ``statement`` with ``params`` (a list of them: executemany)."""
        batch: Sequence[Params] | None = None
        if params is None:
            first: Params = {}
        elif type(params) is dict or isinstance(params, Mapping):
            first = params
        else:
            batch = params
            first = params[0] if params else {}
        many = batch is not None
        dialect = self._dialect
        key = (id(statement), dialect.name, dialect.driver, frozenset(first))
        entry = _compiled.get(key)
        if entry is None or entry[0] is not statement:
            entry = (statement, _compile(statement, dialect, key[3]))
            if len(_compiled) >= _MAX_COMPILED:
                _compiled.clear()
            _compiled[key] = entry
        compiled = entry[1]
        connection = self._connection
        if self._listened is None:
            # Statement listeners (a statement log, a plan printer) see every statement:
            # their connections take SQLAlchemy's path.  Looked at once per transaction.
            self._listened = _listened(connection)
        if (
            compiled is None
            or (many and compiled.results is not None)
            or self._listened
            or not self._in_transaction()
        ):
            return _through_sqlalchemy(connection, statement, params)
        values: Any = (
            [_prepared(compiled, p) for p in batch]
            if batch is not None
            else _prepared(compiled, first)
        )
        cursor = self._driver.cursor()
        try:
            if many:
                cursor.executemany(compiled.sql, values)
            else:
                cursor.execute(compiled.sql, values)
            rows: Sequence[Sequence[Any]] = ()
            if compiled.results is not None:
                rows = cursor.fetchall()
                if compiled.results:
                    rows = [_processed(row, compiled.results) for row in rows]
            return DirectResult(rows, cursor.rowcount)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, connection.connection.dbapi_connection, cursor):
                connection.invalidate(exc)
            raise DBAPIError.instance(
                compiled.sql, values, exc, dialect.loaded_dbapi.Error, dialect=dialect
            ) from exc
        finally:
            cursor.close()


def _through_sqlalchemy(
    connection: Connection, statement: Executable, params: Params | Sequence[Params] | None
) -> DirectResult:
    result = connection.execute(statement, params)
    rows = result.all() if result.returns_rows else ()
    return DirectResult(rows, result.rowcount)
