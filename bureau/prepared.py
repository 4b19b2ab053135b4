"""Querysets compiled once and run many times: the ORM's SQL for the hottest reads, without its compilation
cost on every request.

Compiling a queryset (its joins, scope subqueries, annotations) costs more CPU than PostgreSQL spends running
it, and the hottest reads (a case, a page of cases) run the same SQL shape for every caller of a role with
only a few values changed: the caller's id, the case's id, the current time of the scope's assignments. A
`Prepared` builds the queryset once per shape with stand-in values, keeps the compiled SQL, and runs it with
the request's values put where the stand-ins were; rows come back through the compiler's own converters, as
`.values()` gives them.

It checks itself when it compiles: the queryset is compiled twice, with two different sets of stand-ins and
two different moments for `clock.now()`, and must give the same SQL text with parameters that differ exactly
where a stand-in or the moment stands. A queryset whose SQL depends on a value in any other way (a date
computed from now, a lookup run while building it) is refused with ImproperlyConfigured instead of being
served stale.
"""
import threading
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from . import clock

# Two sets of stand-ins, unlikely to be met as real values of any column.
_INT_STAND_INS = (-7_310_000_000_011, -7_310_000_000_097)
_MOMENTS = (datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC), datetime(1902, 3, 4, 5, 6, 7, 890123, tzinfo=UTC))
_NOW = object()


class Prepared:
    """`build(**stand_ins)` returns a `.values()` queryset whose varying values are the named integers
    (`params`); `rows(shape, **values)` runs the shape's SQL with `values` (and `clock.now()`) put in."""

    def __init__(self, build, params: tuple[str, ...], texts: tuple[str, ...] = ()):
        self.build = build
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
        query = queryset.query
        # as ValuesIterable names them (`selected`: the order values() was given, Django 5.2)
        columns = list(query.selected) if query.selected else [
            *query.extra_select, *query.values_select, *query.annotation_select]
        return queryset.db, compiler, sql, params, tuple(slots), columns

    def _entry(self, shape, build_args):
        entry = self._shapes.get(shape)
        if entry is None:
            with self._lock:
                entry = self._shapes.get(shape)
                if entry is None:
                    entry = self._shapes[shape] = self._prepare(shape, build_args)
        return entry

    def _params(self, shape, build_args, values) -> list:
        alias, _compiler, _sql, params, slots, _columns = self._entry(shape, build_args)
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
        alias, compiler, sql, _params, _slots, columns = self._entry(shape, build_args)
        connection = connections[alias]
        params = self._params(shape, build_args, values)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            raw = cursor.fetchall()
        return [dict(zip(columns, row, strict=False)) for row in compiler.results_iter(results=[raw])]

    def count(self, shape, *build_args, **values) -> int:
        """How many rows `shape` has for `values` (its SQL counted as a subquery, as `QuerySet.count()` does
        for a sliced or distinct query)."""
        alias, _compiler, sql = self._entry(shape, build_args)[:3]
        counted = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608 - the ORM's SQL, its values as parameters
        with connections[alias].cursor() as cursor:
            cursor.execute(counted, self._params(shape, build_args, values))
            return cursor.fetchone()[0]

    def forget(self):
        """Drop every compiled shape (tests that change settings the SQL depends on)."""
        with self._lock:
            self._shapes.clear()
