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
from sqlalchemy.sql import Executable, sqltypes
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
    pick: Callable[[Params], Sequence[Any]] | None
    defaults: dict[str, Any]
    required: frozenset[str]
    binders: tuple[tuple[str, Processor], ...]
    #: (column index, processor) of the result columns the driver's value is not right for;
    #: None if the statement returns no rows
    results: tuple[tuple[int, Processor], ...] | None
    #: (placeholder index, processor) of the picked values a binder converts (positional)
    positions: tuple[tuple[int, Processor], ...] = ()


#: compiled statements by (statement, (dialect, driver), parameter names in their order); None:
#: SQLAlchemy's path.  Meant for statements built once at import: a statement built per call
#: is compiled per call.
_MAX_COMPILED = 512
_Key = tuple[int, tuple[str, str], tuple[str, ...]]
_compiled: dict[_Key, tuple[Executable, _Compiled | None]] = {}


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
        impl = bind.type.dialect_impl(dialect)
        process = impl.bind_processor(dialect)
        if process is not None:
            binders.append((name, _folded_binder(process, impl)))
    if compiled.escaped_bind_names:
        return None
    results = None
    if compiled._result_columns:  # what SQLAlchemy builds a result's columns from
        processors = [
            _folded_result(impl.result_processor(dialect, None), impl)
            for impl in (entry.type.dialect_impl(dialect) for entry in compiled._result_columns)
        ]
        results = tuple((i, p) for i, p in enumerate(processors) if p is not None)
    pick = positions = None
    if compiled.positiontup is not None:
        pick = _picker(compiled.positiontup)
        converted = dict(binders)
        positions = tuple(
            (i, converted[name]) for i, name in enumerate(compiled.positiontup) if name in converted
        )
    return _Compiled(
        compiled.string,
        pick,
        defaults,
        frozenset(required),
        tuple(binders),
        results,
        positions or (),
    )


#: what a boolean or JSON binder gives for each of these, worked out once per statement
_FOLDED = (None, True, False)


def _folded_binder(process: Processor, impl: Any) -> Processor:
    """Return ``process`` with its values for None, True and False worked out once.

    Only for SQLAlchemy's boolean and JSON types, whose binders give the same
    text or number for the same one of these every time: most work items bind
    a handful of them (no named users, no labels, not overdue).
    """
    if not isinstance(impl, sqltypes.Boolean | sqltypes.JSON):
        return process
    try:
        none, true, false = (process(value) for value in _FOLDED)
    except Exception:
        return process
    if not all(v is None or type(v) in (str, int) for v in (none, true, false)):
        return process  # a driver's wrapper object (psycopg's Json): made anew each time

    def bind(value: Any) -> Any:
        if value is None:
            return none
        if value is True:
            return true
        if value is False:
            return false
        return process(value)

    return bind


def _folded_result(process: Processor | None, impl: Any) -> Processor | None:
    """Return a JSON column's result processor reading the text ``null`` without parsing it.

    SQLAlchemy's JSON type stores None as that text; a work item holds three.
    """
    if process is None or not isinstance(impl, sqltypes.JSON):
        return process
    none = process("null")
    if none is not None:
        return process

    def result(value: Any) -> Any:
        return None if value == "null" else process(value)

    return result


def _picker(names: Sequence[str]) -> Callable[[Params], Sequence[Any]]:
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
    values = {**c.defaults, **params} if c.defaults else params
    if not values.keys() >= c.required:
        raise KeyError(f"missing parameters: {sorted(c.required - values.keys())}")
    pick = c.pick
    if pick is None:  # the driver reads the values by name: a dict of their own
        values = dict(values)
        for name, process in c.binders:
            values[name] = process(values[name])
        return values
    if not c.positions:
        return pick(values)
    picked = list(pick(values))
    for i, process in c.positions:
        picked[i] = process(picked[i])
    return tuple(picked)  # as the picker gives them: an error names them so


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

    __slots__ = ("_connection", "_dialect", "_driver", "_kind", "_listened", "_open")

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._dialect = dialect = connection.dialect
        self._kind = (dialect.name, dialect.driver)
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
        kind = type(params)
        if kind is dict:
            first: Params = params  # type: ignore[assignment]
        elif kind is list:
            batch = params  # type: ignore[assignment]
            first = params[0] if params else {}  # type: ignore[index]
        elif params is None:
            first = {}
        elif isinstance(params, Mapping):
            first = params
        else:
            batch = params
            first = params[0] if params else {}
        many = batch is not None
        dialect = self._dialect
        key = (id(statement), self._kind, tuple(first))
        entry = _compiled.get(key)
        if entry is None or entry[0] is not statement:
            entry = (statement, _compile(statement, dialect, frozenset(first)))
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
