"""The statistics registry: every figure the bureau reports (the annual summary's 全年共治理超店经营 xxxx 户,
流动摊贩 xxxx 人, xxx 个单元网格 ...) defined once, as a documented query.

A figure has a code, a name (Chinese source, English through the catalog), a unit, a definition in words and
a query: for a period (two dates, both included), an optional street and an optional user (whose work scope
narrows the rows), it returns its value and the queryset of exactly the rows it counts, so every number is
one click away from the rows behind it.

The platform knows no domain app: each app registers its own figures in `<app>/statistics.py`, which
`discover()` imports for every installed app (as the admin finds `admin.py`). Figures that depend on data
(one per configured patrol count, one per major category) come from a *family*: a function returning
figures, called when the registry is read.

Cached readings (the statistics API) are keyed by `data_version()`, a token republished whenever a row of a
model some figure counts is saved or deleted (and, for writes that send no signal, bounded by the cache's
lifetime).
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bureau.shared_version import publish_version, shared_version

VERSION_KEY = "statistics:data-version"
MAX_DAYS = 366 * 3  # a longer range is refused: three years side by side is the most a report compares


@dataclass(frozen=True)
class Period:
    """Two local dates, both included; `start_at`/`end_at` are the aware instants [start, end)."""

    first: date
    last: date

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))


class Query:
    """One reading: a period, an optional street, an optional user; with a memo that figures of one reading
    share for what several of them derive from (the case facts of the period, the patrol counts)."""

    def __init__(self, period: Period, street=None, user=None, memo: dict | None = None):
        self.period, self.street, self.user = period, street, user
        # may be shared by the readings of several streets: a key says what it depends on
        self._memo: dict = {} if memo is None else memo

    def memo(self, key, compute: Callable):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def base(self, model, street_path: str | None):
        """`model`'s rows as the user may see them (all of them for a command), in the street if one is asked."""
        rows = model.objects.visible_to(self.user) if self.user is not None else model.objects.all()
        if self.street is not None and street_path:
            rows = rows.filter(**{street_path: self.street})
        return rows


def in_period(field_name: str, query: Query, *, dates: bool = False) -> dict:
    """The filter keeping rows whose `field_name` (a datetime, or a date with `dates`) falls in the period."""
    if dates:
        return {f"{field_name}__gte": query.period.first, f"{field_name}__lte": query.period.last}
    return {f"{field_name}__gte": query.period.start_at, f"{field_name}__lt": query.period.end_at}


def local_date(value):
    """A row's date for the rows list: a datetime's local date, a date as it is, ISO text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def count_rows(rows, query):
    return rows.count()


def sum_of(field_name: str):
    def value(rows, query):
        return rows.aggregate(v=Sum(field_name))["v"] or Decimal(0)
    value.field_name = field_name  # lets a reading per street group the sum instead of asking per street
    return value


def count_distinct(field_name: str):
    def value(rows, query):
        return rows.aggregate(v=Count(field_name, distinct=True))["v"] or 0
    return value


@dataclass
class Figure:
    """One figure. `rows(query)` is the queryset of exactly the rows the figure counts; `value(rows, query)`
    the number (default: how many rows); `amount(row)` a row's share of the value (default 1), which the rows
    list shows so the drill-down adds up; `describe(row)` a row's label, street and date for the rows list."""

    code: str
    name: object  # a lazy translation (Chinese source)
    unit: object
    definition: object
    section: str  # the annex table it belongs to (a code of SECTIONS)
    rows: Callable
    value: Callable = count_rows
    amount: Callable | None = None
    describe: Callable | None = None
    select_related: tuple = ()
    order: int = 100
    models: tuple = ()  # what it counts: saving one of these publishes a new data version
    # the path from a row to its street, when the value is a plain count or sum of the rows: a reading per
    # street then groups one query by it (see `values_by_street`)
    street_path: str | None = None
    # figures that count subsets of the same rows (the period's cases by source, outcome, category) name
    # the rows' function as `batch` and their subset as `batch_filter`: a reading of many figures counts
    # them all in one aggregate over those rows (see `evaluate`)
    batch: Callable | None = None
    batch_filter: object = None

    def query(self, period: Period, street=None, user=None, *, query: Query | None = None):
        """(value, rows): the figure over the period (and street), as `user` may see it."""
        query = query or Query(period, street, user)
        rows = self.rows(query)
        return self.value(rows, query), rows

    @property
    def name_en(self) -> str:
        with translation.override("en"):
            return str(self.name)

    @property
    def name_zh(self) -> str:
        with translation.override("zh-hans"):
            return str(self.name)

    def row_amount(self, row):
        return self.amount(row) if self.amount else 1

    def row_text(self, row) -> dict:
        """`{text, street, date}` of one row for the rows list."""
        if self.describe:
            return self.describe(row)
        street = getattr(row, "street", None)
        return {"text": str(row), "street": street.name if street is not None else None, "date": None}


@dataclass(frozen=True)
class Section:
    code: str
    title: object
    order: int


_figures: dict[str, Figure] = {}
_families: list[tuple[int, Callable]] = []
_sections: dict[str, Section] = {}
_watched: set = set()
_discovered = False


def register_section(code: str, title, order: int):
    _sections[code] = Section(code, title, order)


def register(*figures: Figure):
    for figure in figures:
        if figure.code in _figures:
            raise ValueError(f"figure {figure.code} registered twice")
        _figures[figure.code] = figure
        watch(*figure.models)


def register_family(order: int, provider: Callable, models: tuple = ()):
    """`provider()` returns figures that depend on data (read at each reading of the registry)."""
    _families.append((order, provider))
    watch(*models)


def watch(*models):
    """Publish a new data version when a row of one of `models` is saved or deleted (after the commit)."""
    for model in models:
        if model in _watched:
            continue
        _watched.add(model)
        post_save.connect(_changed, sender=model, dispatch_uid=f"statistics-{model._meta.label}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"statistics-{model._meta.label}-delete")


def _changed(sender, **kwargs):
    connection = transaction.get_connection()
    # one publication per (sub)transaction, however many rows it writes
    here = {sid for sid in connection.savepoint_ids if sid is not None}
    if any(entry[1] is _publish and entry[0] == here for entry in connection.run_on_commit):
        return
    transaction.on_commit(_publish)


def _publish():
    publish_version(VERSION_KEY, "statistics")


def data_version() -> str | None:
    return shared_version(VERSION_KEY)


def discover():
    """Import every installed app's `statistics` module (once)."""
    global _discovered
    if _discovered:
        return
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("statistics")
    _discovered = True


def figures() -> list[Figure]:
    """Every figure, in annex order (section, then the figure's order, then code)."""
    discover()
    out = list(_figures.values())
    for _order, provider in sorted(_families, key=lambda f: f[0]):
        out.extend(provider())
    return sorted(out, key=lambda f: (sections_by_code().get(f.section, Section("", "", 999)).order, f.order, f.code))


def figure(code: str) -> Figure | None:
    return next((f for f in figures() if f.code == code), None)


def sections_by_code() -> dict[str, Section]:
    discover()
    return dict(_sections)


def values_by_street(fig: Figure, period: Period, streets, user=None, memo: dict | None = None) -> dict:
    """{street pk: value} of one figure for each of `streets`: one grouped query when the figure is a plain
    count or sum with a street path, else one reading per street (sharing `memo`)."""
    memo = {} if memo is None else memo
    field_name = getattr(fig.value, "field_name", None)
    if fig.street_path and (fig.value is count_rows or field_name):
        rows = fig.rows(Query(period, None, user, memo)).order_by()
        aggregate = Count("pk") if field_name is None else Sum(field_name)
        grouped = dict(rows.values_list(fig.street_path).annotate(v=aggregate))
        zero = 0 if field_name is None else Decimal(0)
        return {s.pk: grouped.get(s.pk) or zero for s in streets}
    return {s.pk: fig.query(period, s, user, query=Query(period, s, user, memo))[0] for s in streets}


def evaluate(period: Period, street=None, user=None, codes=None, memo: dict | None = None) -> list[tuple]:
    """(figure, value) of every figure (or those of `codes`) over one reading, sharing one memo."""
    query = Query(period, street, user, memo)
    chosen = [fig for fig in figures() if codes is None or fig.code in codes]
    batched: dict = {}
    for fig in chosen:
        if fig.batch is not None:
            batched.setdefault(fig.batch, []).append(fig)
    values = {}
    for batch, group in batched.items():
        values.update(batch(query).order_by().aggregate(
            **{fig.code: Count("pk", filter=fig.batch_filter) for fig in group}))
    return [(fig, values[fig.code] if fig.code in values else fig.query(period, street, user, query=query)[0])
            for fig in chosen]


# The sections of the annex, in order; apps put their figures in one of them.
register_section("cases", _("案件受理与办结"), 10)
register_section("categories", _("案件分类"), 20)
register_section("patrols", _("巡查与市容秩序"), 30)
register_section("commerce", _("摊点、门前五包与户外广告"), 40)
register_section("construction", _("工地扬尘与违建拆除"), 50)
register_section("enforcement", _("整改、处罚与罚没"), 60)
register_section("campaigns", _("专项整治"), 70)
register_section("grid", _("网格化管理"), 80)
