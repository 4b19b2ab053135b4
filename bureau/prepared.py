"""Querysets compiled once and run many times: the ORM's SQL for the hottest reads, without its compilation
cost on every request.

Compiling a queryset (its joins, scope subqueries, annotations) costs more CPU than PostgreSQL spends running
it, and the hottest reads (a case, a page of cases) run the same SQL shape for every caller of a role with
only a few values changed: the caller's id, the case's id, the current time of the scope's assignments. A
`Prepared` builds the queryset once per shape with stand-in values, keeps the compiled SQL, and runs it with
the request's values put where the stand-ins were; rows come back through the compiler's own converters, as
`.values()` gives them.

On PostgreSQL, with connections kept between requests and no pooler in transaction mode, the statement is
also prepared on the server (PREPARE once per connection, then EXECUTE): planning a case's many joins costs
PostgreSQL more than running them.

It checks itself when it compiles: the queryset is compiled twice, with two different sets of stand-ins and
two different moments for `clock.now()`, and must give the same SQL text with parameters that differ exactly
where a stand-in or the moment stands. A queryset whose SQL depends on a value in any other way (a date
computed from now, a lookup run while building it) is refused with ImproperlyConfigured instead of being
served stale.
"""
import itertools
import re
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections

from . import clock

# Two sets of stand-ins, unlikely to be met as real values of any column.
_INT_STAND_INS = (-7_310_000_000_011, -7_310_000_000_097)
_MOMENTS = (datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC), datetime(1902, 3, 4, 5, 6, 7, 890123, tzinfo=UTC))
_NOW = object()
_names = itertools.count(1)
# PostgreSQL's type for a parameter, by the Python type of the value Django hands the driver.
_PG_TYPES = ((bool, "boolean"), (int, "bigint"), (float, "double precision"), (Decimal, "numeric"),
             (str, "text"), (datetime, "timestamptz"), (date, "date"), (timedelta, "interval"))
_PLACEHOLDER = re.compile(r"%s|%%")


def _pg_type(value):
    for kind, name in _PG_TYPES:
        if isinstance(value, kind):
            return name
    return None


def server_side(connection) -> bool:
    """Whether statements may be prepared on the PostgreSQL server: a connection kept between requests
    (CONN_MAX_AGE) and not behind a pooler in transaction mode (DISABLE_SERVER_SIDE_CURSORS, which such a
    deployment sets: docs/deployment.md), where a prepared statement would not follow the session."""
    settings = connection.settings_dict
    return (connection.vendor == "postgresql" and settings.get("CONN_MAX_AGE") != 0
            and not settings.get("DISABLE_SERVER_SIDE_CURSORS"))


class Prepared:
    """`build(**stand_ins)` returns a `.values()` queryset whose varying values are the named integers
    (`params`); `rows(shape, **values)` runs the shape's SQL with `values` (and `clock.now()`) put in."""

    def __init__(self, build, params: tuple[str, ...], texts: tuple[str, ...] = (), max_shapes: int = 256,
                 paged: bool = False):
        self.build = build
        # `paged`: the rows are a page, `limit` and `offset` given at each call as parameters of the one statement
        # (Django writes a slice's bounds into the SQL: a statement per page would be a shape per page)
        self.paged = paged
        self.max_shapes = max_shapes  # beyond it (deep pages in every size) a shape is compiled for its call only
        self.params = params
        self.texts = texts  # the named values that are strings (the others are integers)
        self._shapes = {}
        self._lock = threading.Lock()

    def _compile(self, shape, stand_ins, moment, build_args):
        with clock.frozen(moment):
            queryset = self.build(shape, *build_args, **stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, list(params)

    def _prepare(self, shape, build_args):
        compiled = []
        for n in (0, 1):
            stand_ins = {name: f"\x01stand-in-{n}-{name}" if name in self.texts else _INT_STAND_INS[n] - i
                         for i, name in enumerate(self.params)}
            compiled.append((stand_ins, _MOMENTS[n], *self._compile(shape, stand_ins, _MOMENTS[n], build_args)))
        (ins_a, moment_a, queryset, compiler, sql, params), (ins_b, moment_b, _q, _c, sql_b, params_b) = compiled
        if sql != sql_b or len(params) != len(params_b):
            raise ImproperlyConfigured(f"{shape!r}: the SQL depends on the values, it cannot be prepared")
        ops = connections[queryset.db].ops
        names = {value: name for name, value in ins_a.items()}
        names[ops.adapt_datetimefield_value(moment_a)] = _NOW
        slots = []
        for i, (a, b) in enumerate(zip(params, params_b, strict=True)):
            if a == b:
                continue
            name = names.get(a) if isinstance(a, (int, str, datetime)) else None
            if name is None or (name is _NOW and b != ops.adapt_datetimefield_value(moment_b)) or (
                    name is not _NOW and b != ins_b[name]):
                raise ImproperlyConfigured(f"{shape!r}: parameter {i} depends on a value it was not told of")
            slots.append((i, name))
        if self.paged:
            sql = f"{sql} LIMIT %s OFFSET %s"
            slots += [(len(params), "limit"), (len(params) + 1, "offset")]
            params = [*params, 0, 0]
        query = queryset.query
        # as ValuesIterable names them (`selected`: the order values() was given, Django 5.2)
        columns = list(query.selected) if query.selected else [
            *query.extra_select, *query.values_select, *query.annotation_select]
        statement = None
        types = [_pg_type(value) for value in params]
        # A page is not prepared on the server: its generic plan would be made without knowing LIMIT and OFFSET
        # (PostgreSQL then assumes a tenth of the table and sorts it: a page of cases took 0.17 of /healthz's
        # time instead of 0.26). Sent as text, each page is planned with its bounds.
        if None not in types and not self.paged:
            numbers = itertools.count(1)
            text = _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m.group() == "%s" else "%", sql)
            statement = (f"bureau_prepared_{next(_names)}", ", ".join(types), text)
        return queryset.db, compiler, sql, params, tuple(slots), columns, statement

    def _entry(self, shape, build_args):
        entry = self._shapes.get(shape)
        if entry is None:
            with self._lock:
                entry = self._shapes.get(shape)
                if entry is None:
                    entry = self._prepare(shape, build_args)
                    if len(self._shapes) >= self.max_shapes:
                        return (*entry[:-1], None)  # not kept, so not prepared on the server either
                    self._shapes[shape] = entry
        return entry

    @staticmethod
    def _params(entry, values) -> list:
        alias, _compiler, _sql, params, slots, _columns, _statement = entry
        params = list(params)
        now = None
        for i, name in slots:
            if name is _NOW:
                if now is None:
                    now = connections[alias].ops.adapt_datetimefield_value(clock.now())
                params[i] = now
            else:
                params[i] = values[name]
        return params

    def rows(self, shape, *build_args, **values) -> list[dict]:
        """The rows of `shape` for `values`. `shape` must name everything the SQL's form depends on (the
        caller's role, the filters present, the page); `build_args` are handed to `build` with it."""
        entry = self._entry(shape, build_args)
        alias, compiler, sql, _params, _slots, columns, statement = entry
        connection = connections[alias]
        params = self._params(entry, values)
        with connection.cursor() as cursor:
            # Outside a transaction only: a failed EXECUTE (a statement gone with a schema change or a
            # pooler) then spoils nothing, and the statement is run as text instead.
            if statement is not None and not connection.in_atomic_block and server_side(connection):
                try:
                    _execute_prepared(connection, cursor, statement, params)
                except DatabaseError as error:
                    # only a statement gone (26000) or made stale by a schema change (0A000) is run again, as text
                    if getattr(getattr(error, "__cause__", None), "pgcode", None) not in ("26000", "0A000"):
                        raise
                    connection._bureau_prepared = None
                    cursor.execute("DEALLOCATE ALL")
                    cursor.execute(sql, params)
            else:
                cursor.execute(sql, params)
            raw = cursor.fetchall()
        return [dict(zip(columns, row, strict=False)) for row in compiler.results_iter(results=[raw])]

    def count(self, shape, *build_args, **values) -> int:
        """How many rows `shape` has for `values` (its SQL counted as a subquery, as `QuerySet.count()` does
        for a sliced or distinct query)."""
        entry = self._entry(shape, build_args)
        alias, _compiler, sql = entry[:3]
        counted = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608 - the ORM's SQL, its values as parameters
        with connections[alias].cursor() as cursor:
            cursor.execute(counted, self._params(entry, values))
            return cursor.fetchone()[0]

    def forget(self):
        """Drop every compiled shape (tests that change settings the SQL depends on)."""
        with self._lock:
            self._shapes.clear()


def _execute_prepared(connection, cursor, statement, params):
    """EXECUTE the statement prepared on this server connection, preparing it first if this connection has
    not: the planning of a many-join statement costs PostgreSQL more than running it (about 1 ms against
    0.3 for a case with its category, street, cell, department, party and flags)."""
    name, types, text = statement
    raw = connection.connection
    kept = getattr(connection, "_bureau_prepared", None)
    if kept is None or kept[0] is not raw:
        kept = connection._bureau_prepared = (raw, set())
    if name not in kept[1]:
        cursor.execute(f"PREPARE {name} ({types}) AS {text}" if types else f"PREPARE {name} AS {text}")
        kept[1].add(name)
    if params:
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"EXECUTE {name}")
