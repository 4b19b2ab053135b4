"""Indicators, scores and grades of DOMAIN §6 ("This product's definitions"), computed as of a period's end.

Everything is read from the append-only CaseEvent trail: only events the server recorded before `end`
count, each with the deadline stored on it when it was set. Of the Case row only static facts are used
(street, source, self_handled), so a period computed today and again next year gives the same numbers.

One SQL statement per period does the heavy lifting: it picks the candidate cases (closed within the
period, or with a handling deadline inside it), folds each one's events before `end` into a handful of
per-case facts, and returns one row per case; Python then adds those rows up per street (a few thousand
rows a week on a district's volume).

Per case, as of `end`:
- the deadline-setting events are dispatch, rework and approve_extension (their `handling_due_at`),
  resume back into `dispatched` (now + the remaining time), and suspend / return, which
  leave no handling deadline in force (the clock is paused, or the case is no longer the street's);
- the standing handle is the `handle` recorded after the last deadline-setting event (a rework is one,
  so a handle followed by a rework no longer stands).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections, transaction
from django.utils.dateparse import parse_datetime

from .periods import Period

TWO_PLACES = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")

SETTING_ACTIONS = ("dispatch", "rework", "approve_extension", "resume", "suspend", "return")


def _tables():
    from enforcement.models import Case, CaseEvent

    return Case._meta.db_table, CaseEvent._meta.db_table


# One row per candidate case. %(start)s / %(end)s are the period's bounds; `extra` narrows the candidates.
CASE_FACTS_SQL = """
WITH cand AS (
    -- closes recorded in the period (index caseevent_action_recorded) ...
    SELECT e.case_id FROM {events} e
    WHERE e.action = 'close' AND e.recorded_at >= %(start)s AND e.recorded_at < %(end)s
    UNION
    -- ... and handling deadlines set before the end that fall in the period (inspections_caseevent_handling_due)
    SELECT e.case_id FROM {events} e
    WHERE e.handling_due_at >= %(start)s AND e.handling_due_at < %(end)s AND e.recorded_at < %(end)s
      AND e.action IN ('dispatch', 'rework', 'approve_extension', 'resume')
),
ev AS (
    {ev_source}
),
per AS (
    SELECT case_id,
           MAX(seq) AS last_seq,
           MAX(CASE WHEN action IN ('dispatch', 'rework', 'approve_extension', 'resume', 'suspend', 'return')
                    THEN seq END) AS dl_seq
    FROM ev GROUP BY case_id
)
SELECT ev.case_id, c.street_id, c.source,
       MAX(CASE WHEN ev.seq = per.last_seq THEN ev.to_status END) AS status,
       MAX(CASE WHEN ev.seq = per.dl_seq AND (ev.action IN ('dispatch', 'rework', 'approve_extension')
                                             OR (ev.action = 'resume' AND ev.to_status = 'dispatched'))
                THEN ev.handling_due_at END) AS deadline,
       MIN(CASE WHEN ev.action = 'handle' AND ev.seq > per.dl_seq THEN ev.recorded_at END) AS handle_at,
       SUM(CASE WHEN ev.action = 'rework' THEN 1 ELSE 0 END) AS reworks,
       SUM(CASE WHEN ev.action = 'approve_extension' THEN 1 ELSE 0 END) AS extensions,
       MAX(CASE WHEN ev.action = 'close' AND ev.recorded_at >= %(start)s THEN 1 ELSE 0 END) AS closed_in
FROM ev
JOIN per ON per.case_id = ev.case_id
JOIN {cases} c ON c.id = ev.case_id
WHERE c.self_handled = %(false)s {extra}
GROUP BY ev.case_id, c.street_id, c.source
"""


# The candidates' events before the end. PostgreSQL's planner would rather scan every event and hash-join the
# candidates; a LATERAL lookup per candidate on the (case, seq) index reads only their few rows.
EV_JOIN = """SELECT e.case_id, e.seq, e.action, e.to_status, e.recorded_at, e.handling_due_at
    FROM {events} e JOIN cand ON cand.case_id = e.case_id
    WHERE e.recorded_at < %(end)s"""
EV_LATERAL = """SELECT x.* FROM cand CROSS JOIN LATERAL (
        SELECT e.case_id, e.seq, e.action, e.to_status, e.recorded_at, e.handling_due_at
        FROM {events} e WHERE e.case_id = cand.case_id AND e.recorded_at < %(end)s OFFSET 0) x"""


def case_facts_sql(vendor: str, *, supervision_only=False) -> str:
    cases, events = _tables()
    ev_source = (EV_LATERAL if vendor == "postgresql" else EV_JOIN).format(events=events)
    extra = "AND c.source = 'supervision'" if supervision_only else ""
    return CASE_FACTS_SQL.format(cases=cases, events=events, extra=extra, ev_source=ev_source)


@dataclass
class CaseFacts:
    case_id: int
    street_id: int
    source: str
    status: str  # as of end
    deadline: datetime | None
    handle_at: datetime | None
    reworks: int
    extensions: int
    closed_in_period: bool

    @property
    def counted(self) -> bool:
        return self.status != "rejected"

    def closed_on_time(self) -> bool:
        return (self.closed_in_period and self.handle_at is not None and self.deadline is not None
                and self.handle_at <= self.deadline)

    def overdue(self, period: Period) -> bool:
        return (self.deadline is not None and period.start <= self.deadline < period.end
                and self.handle_at is None and self.status != "suspended")

    def bulletin_item(self, week: Period) -> bool:
        return (self.source == "supervision" and self.deadline is not None
                and week.start <= self.deadline < week.end
                and (self.handle_at is None or self.handle_at > self.deadline))


def _aware(value):
    if value is None or isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC)


def case_facts(period: Period, *, using="default", supervision_only=False) -> list[CaseFacts]:
    """The per-case facts of every candidate case of the period, as of its end (not yet filtered)."""
    connection = connections[using]
    adapt = connection.ops.adapt_datetimefield_value
    sql = case_facts_sql(connection.vendor, supervision_only=supervision_only)
    params = {"start": adapt(period.start), "end": adapt(period.end), "false": False}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT compiling this short query costs more (50-90 ms) than it saves.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        CaseFacts(
            case_id=r[0], street_id=r[1], source=r[2], status=r[3], deadline=_aware(r[4]), handle_at=_aware(r[5]),
            reworks=int(r[6] or 0), extensions=int(r[7] or 0), closed_in_period=bool(r[8]),
        )
        for r in rows
    ]


# Bulletin items of several weeks at once (a month counts those of the ISO weeks ending in it), each judged as
# of its own week's end: a supervision case's deadline-setting event E whose deadline falls in week W counts
# when E was recorded before W's end, no later deadline-setting event was recorded before W's end (so E's
# deadline was the one in force; a return or a rejection after it would be such an event), and no handle
# after E was recorded by the deadline. Week bounds are applied in Python.
BULLETIN_ITEMS_SQL = """
WITH cand AS (
    SELECT DISTINCT e.case_id FROM {events} e
    WHERE e.handling_due_at >= %(start)s AND e.handling_due_at < %(end)s
      AND e.action IN ('dispatch', 'rework', 'approve_extension', 'resume')
),
setting AS (
    SELECT e.case_id, e.seq, e.action, e.to_status, e.recorded_at, e.handling_due_at,
           LEAD(e.recorded_at) OVER (PARTITION BY e.case_id ORDER BY e.seq) AS next_recorded_at
    FROM {events} e JOIN cand ON cand.case_id = e.case_id
    WHERE e.action IN ('dispatch', 'rework', 'approve_extension', 'resume', 'suspend', 'return')
)
SELECT s.case_id, c.street_id, s.recorded_at, s.next_recorded_at, s.handling_due_at
FROM setting s JOIN {cases} c ON c.id = s.case_id
WHERE c.source = 'supervision' AND c.self_handled = %(false)s
  AND (s.action IN ('dispatch', 'rework', 'approve_extension') OR (s.action = 'resume' AND s.to_status = 'dispatched'))
  AND s.handling_due_at >= %(start)s AND s.handling_due_at < %(end)s
  AND NOT EXISTS (SELECT 1 FROM {events} h WHERE h.case_id = s.case_id AND h.action = 'handle' AND h.seq > s.seq
                  AND h.recorded_at <= s.handling_due_at)
"""


def bulletin_item_counts(weeks, *, using="default") -> dict[int, int]:
    """Per street id, the bulletin items of the given consecutive ISO weeks, each as of its own end."""
    if not weeks:
        return {}
    from .periods import WEEK, period_containing

    cases, events = _tables()
    connection = connections[using]
    adapt = connection.ops.adapt_datetimefield_value
    params = {"start": adapt(weeks[0].start), "end": adapt(weeks[-1].end), "false": False}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(BULLETIN_ITEMS_SQL.format(cases=cases, events=events), params)
        rows = cursor.fetchall()
    counts: dict[int, int] = defaultdict(int)
    for _case_id, street_id, recorded_at, next_recorded_at, deadline in rows:
        recorded_at, next_recorded_at, deadline = _aware(recorded_at), _aware(next_recorded_at), _aware(deadline)
        week_end = period_containing(WEEK, deadline).end
        if recorded_at < week_end and (next_recorded_at is None or next_recorded_at >= week_end):
            counts[street_id] += 1
    return counts


@dataclass
class StreetIndicators:
    """The indicators of one street for one period (DOMAIN §6)."""

    due_count: int = 0
    closed_count: int = 0
    closed_on_time_count: int = 0
    overdue_count: int = 0
    reworked_count: int = 0
    extended_count: int = 0
    bulletin_items: int = 0
    patrol_coverage: Decimal = Decimal(0)
    bulletin_cases: list = field(default_factory=list)  # weekly only: CaseFacts of the bulletin items

    def _rate(self, part: int, empty: int) -> Decimal:
        return Decimal(empty) if self.due_count == 0 else Decimal(part) / Decimal(self.due_count)

    @property
    def close_rate(self) -> Decimal:
        return self._rate(self.closed_count, 1)

    @property
    def on_time_close_rate(self) -> Decimal:
        return self._rate(self.closed_on_time_count, 1)

    @property
    def rework_rate(self) -> Decimal:
        return self._rate(self.reworked_count, 0)

    @property
    def extension_rate(self) -> Decimal:
        return self._rate(self.extended_count, 0)

    def value(self, name: str) -> Decimal:
        return Decimal(getattr(self, name))

    def as_json(self) -> dict:
        """The published form: counts as integers, rates as numbers rounded to four places."""

        def rate(value):
            return float(Decimal(value).quantize(RATE_PLACES, rounding=ROUND_HALF_UP))

        return {
            "due_count": self.due_count,
            "closed_count": self.closed_count,
            "closed_on_time_count": self.closed_on_time_count,
            "close_rate": rate(self.close_rate),
            "on_time_close_rate": rate(self.on_time_close_rate),
            "rework_rate": rate(self.rework_rate),
            "extension_rate": rate(self.extension_rate),
            "overdue_count": self.overdue_count,
            "bulletin_items": self.bulletin_items,
            "patrol_coverage": rate(self.patrol_coverage),
        }


def week_bulletin_cases(week: Period, *, using="default", facts=None) -> dict[int, list[CaseFacts]]:
    """Per street id, the week's bulletin items (supervision cases with no standing handle by their deadline)."""
    facts = facts if facts is not None else case_facts(week, using=using, supervision_only=True)
    items = defaultdict(list)
    for fact in facts:
        if fact.counted and fact.bulletin_item(week):
            items[fact.street_id].append(fact)
    return items


def period_indicators(period: Period, street_ids, *, using="default", coverage=None) -> dict[int, StreetIndicators]:
    """Every street's indicators for the period, as of its end. `coverage`: street id -> fraction (patrols)."""
    result = {street_id: StreetIndicators() for street_id in street_ids}
    facts = case_facts(period, using=using)
    for fact in facts:
        ind = result.get(fact.street_id)
        if ind is None or not fact.counted:
            continue
        closed, overdue = fact.closed_in_period, fact.overdue(period)
        if closed:
            ind.closed_count += 1
            ind.closed_on_time_count += fact.closed_on_time()
        elif overdue:
            ind.overdue_count += 1
        if closed or overdue:
            ind.due_count += 1
            ind.reworked_count += fact.reworks > 0
            ind.extended_count += fact.extensions > 0
    if period.kind == "week":
        for street_id, items in week_bulletin_cases(period, facts=facts).items():
            if street_id in result:
                result[street_id].bulletin_items = len(items)
                result[street_id].bulletin_cases = items
    else:
        for street_id, count in bulletin_item_counts(period.weeks_ending_in(), using=using).items():
            if street_id in result:
                result[street_id].bulletin_items = count
    for street_id, value in (coverage or {}).items():
        if street_id in result:
            result[street_id].patrol_coverage = Decimal(str(value))
    return result


# --- scores --------------------------------------------------------------------------------------------

def score(indicators: StreetIndicators, scheme) -> Decimal:
    """The street's score under a scheme, a Decimal rounded half-up to two places."""
    total = Decimal(0)
    for term in list(scheme.weights) + list(scheme.extra_indicators or []):
        value = indicators.value(term["indicator"])
        if term.get("complement"):
            value = 1 - value
        total += Decimal(str(term["weight"])) * value
    deductions = scheme.deductions or {}
    if deductions:
        remaining = Decimal(str(deductions.get("base", "0")))
        for name, per_item in (deductions.get("per_item") or {}).items():
            remaining -= Decimal(str(per_item)) * indicators.value(name)
        total += max(Decimal(str(deductions.get("floor", "0"))), remaining)
    return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def grade(value: Decimal, scheme) -> str:
    for band in scheme.grade_bands:
        if value >= Decimal(str(band["min"])):
            return band["grade"]
    return scheme.grade_bands[-1]["grade"]


def rank_key(score_value: Decimal, indicators: StreetIndicators, street_code: str):
    """Higher score first; ties by higher on-time close rate, then fewer overdue cases, then street code."""
    return (-score_value, -indicators.on_time_close_rate, indicators.overdue_count, street_code)
