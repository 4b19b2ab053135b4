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
import time
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


# One row per (period, candidate case): the cases closed within a period or with a handling deadline inside it,
# folded over their events recorded before that period's end. `periods` is a VALUES list (idx, start, end), so
# one statement serves one period (a compile) or many (the history backfill); `extra` narrows the candidates.
CASE_FACTS_SQL = """
WITH periods(idx, pstart, pend) AS (VALUES {values}),
cand AS (
    {candidates}
),
cc AS (
    {cc_source}
),
ev AS (
    {ev_source}
),
per AS (
    SELECT idx, case_id,
           MAX(seq) AS last_seq,
           MAX(CASE WHEN action IN ('dispatch', 'rework', 'approve_extension', 'resume', 'suspend', 'return')
                    THEN seq END) AS dl_seq
    FROM ev GROUP BY idx, case_id
)
SELECT ev.idx, ev.case_id, MAX(ev.street_id), MAX(ev.source),
       MAX(CASE WHEN ev.seq = per.last_seq THEN ev.to_status END) AS status,
       MAX(CASE WHEN ev.seq = per.dl_seq AND (ev.action IN ('dispatch', 'rework', 'approve_extension')
                                             OR (ev.action = 'resume' AND ev.to_status = 'dispatched'))
                THEN ev.handling_due_at END) AS deadline,
       MIN(CASE WHEN ev.action = 'handle' AND ev.seq > per.dl_seq THEN ev.recorded_at END) AS handle_at,
       SUM(CASE WHEN ev.action = 'rework' THEN 1 ELSE 0 END) AS reworks,
       SUM(CASE WHEN ev.action = 'approve_extension' THEN 1 ELSE 0 END) AS extensions,
       MAX(CASE WHEN ev.action = 'close' AND ev.recorded_at >= ev.pstart THEN 1 ELSE 0 END) AS closed_in
FROM ev JOIN per ON per.idx = ev.idx AND per.case_id = ev.case_id
GROUP BY ev.idx, ev.case_id
"""

# A period's candidates: the cases with a close recorded in it (index caseevent_action_recorded), and those with
# a handling deadline falling in it, set by an event recorded before its end (inspections_caseevent_handling_due).
# One pair of index range scans per period, written out per period so the planner sees each range's size.
CANDIDATES_SQL = """SELECT {i} AS idx, e.case_id FROM {events} e
    WHERE e.action = 'close' AND e.recorded_at >= %(s{i})s AND e.recorded_at < %(e{i})s
    UNION
    SELECT {i} AS idx, e.case_id FROM {events} e
    WHERE e.handling_due_at >= %(s{i})s AND e.handling_due_at < %(e{i})s AND e.recorded_at < %(e{i})s
      AND e.action IN ('dispatch', 'rework', 'approve_extension', 'resume')"""

# The candidates' static case facts. On PostgreSQL a LATERAL primary-key lookup per candidate: left to itself the
# planner merge-joins the candidates with the whole case table (600 ms on 600,000 cases, against 20 ms).
CC_JOIN = """SELECT cand.idx, cand.case_id, c.street_id, c.source
    FROM cand JOIN {cases} c ON c.id = cand.case_id
    WHERE c.self_handled = %(false)s {extra}"""
CC_LATERAL = """SELECT cand.idx, cand.case_id, c.street_id, c.source
    FROM cand CROSS JOIN LATERAL (
        SELECT c.street_id, c.source FROM {cases} c
        WHERE c.id = cand.case_id AND c.self_handled = %(false)s {extra} OFFSET 0) c"""

# The candidates' events before the end. PostgreSQL's planner would rather scan every event and hash-join the
# candidates; a LATERAL lookup per candidate on the (case, seq) index reads only their few rows.
EV_JOIN = """SELECT cc.idx, cc.street_id, cc.source, p.pstart, e.case_id, e.seq, e.action, e.to_status,
           e.recorded_at, e.handling_due_at
    FROM {events} e JOIN cc ON cc.case_id = e.case_id JOIN periods p ON p.idx = cc.idx
    WHERE e.recorded_at < p.pend"""
EV_LATERAL = """SELECT cc.idx, cc.street_id, cc.source, p.pstart, x.*
    FROM cc JOIN periods p ON p.idx = cc.idx CROSS JOIN LATERAL (
        SELECT e.case_id, e.seq, e.action, e.to_status, e.recorded_at, e.handling_due_at
        FROM {events} e WHERE e.case_id = cc.case_id AND e.recorded_at < p.pend OFFSET 0) x"""


def case_facts_sql(vendor: str, count: int = 1, *, supervision_only=False) -> str:
    """The statement for `count` periods (params s0/e0, s1/e1, ..., first, last, false)."""
    cases, events = _tables()
    ev_source = (EV_LATERAL if vendor == "postgresql" else EV_JOIN).format(events=events)
    extra = "AND c.source = 'supervision'" if supervision_only else ""
    cc_source = (CC_LATERAL if vendor == "postgresql" else CC_JOIN).format(cases=cases, extra=extra)
    values = ", ".join(f"({i}, %(s{i})s, %(e{i})s)" for i in range(count))
    candidates = "\n    UNION\n    ".join(CANDIDATES_SQL.format(i=i, events=events) for i in range(count))
    return CASE_FACTS_SQL.format(cases=cases, events=events, cc_source=cc_source, ev_source=ev_source,
                                 values=values, candidates=candidates)


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


def case_facts_many(periods, *, using="default", supervision_only=False) -> dict[str, list[CaseFacts]]:
    """Per period code, the per-case facts of every candidate case, as of that period's end (not yet filtered).
    The periods are consecutive (their union is one range): one statement answers them all."""
    periods = list(periods)
    out: dict[str, list[CaseFacts]] = {p.code: [] for p in periods}
    if not periods:
        return out
    connection = connections[using]
    adapt = connection.ops.adapt_datetimefield_value
    sql = case_facts_sql(connection.vendor, len(periods), supervision_only=supervision_only)
    params = {"false": False}
    for i, period in enumerate(periods):
        params[f"s{i}"], params[f"e{i}"] = adapt(period.start), adapt(period.end)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT compiling this short query costs more (50-90 ms) than it saves; with the default 4 MB of
            # work memory the planner sorts the per-case rows to group them instead of hashing them.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for r in rows:
        out[periods[r[0]].code].append(CaseFacts(
            case_id=r[1], street_id=r[2], source=r[3], status=r[4], deadline=_aware(r[5]), handle_at=_aware(r[6]),
            reworks=int(r[7] or 0), extensions=int(r[8] or 0), closed_in_period=bool(r[9]),
        ))
    return out


def case_facts(period: Period, *, using="default", supervision_only=False) -> list[CaseFacts]:
    """The per-case facts of every candidate case of the period, as of its end (not yet filtered)."""
    return case_facts_many([period], using=using, supervision_only=supervision_only)[period.code]


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


def bulletin_item_counts_by_week(weeks, *, using="default") -> dict[str, dict[int, int]]:
    """Per week code, per street id: the bulletin items of each of the given consecutive ISO weeks, each as of
    its own end."""
    from .periods import WEEK, period_containing

    weeks = list(weeks)
    out: dict[str, dict[int, int]] = {w.code: defaultdict(int) for w in weeks}
    if not weeks:
        return out
    cases, events = _tables()
    connection = connections[using]
    adapt = connection.ops.adapt_datetimefield_value
    params = {"start": adapt(weeks[0].start), "end": adapt(weeks[-1].end), "false": False}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(BULLETIN_ITEMS_SQL.format(cases=cases, events=events), params)
        rows = cursor.fetchall()
    for _case_id, street_id, recorded_at, next_recorded_at, deadline in rows:
        recorded_at, next_recorded_at, deadline = _aware(recorded_at), _aware(next_recorded_at), _aware(deadline)
        week = period_containing(WEEK, deadline)
        if week.code in out and recorded_at < week.end and (next_recorded_at is None or next_recorded_at >= week.end):
            out[week.code][street_id] += 1
    return out


def bulletin_item_counts(weeks, *, using="default") -> dict[int, int]:
    """Per street id, the bulletin items of the given consecutive ISO weeks (a month: those ending in it)."""
    counts: dict[int, int] = defaultdict(int)
    for per_street in bulletin_item_counts_by_week(weeks, using=using).values():
        for street_id, n in per_street.items():
            counts[street_id] += n
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


def period_indicators(period: Period, street_ids, *, using="default", coverage=None, facts=None,
                      month_items=None) -> dict[int, StreetIndicators]:
    """Every street's indicators for the period, as of its end. `coverage`: street id -> fraction (patrols);
    `facts` and, for a month, `month_items` (street id -> bulletin items) when computed in bulk beforehand."""
    result = {street_id: StreetIndicators() for street_id in street_ids}
    facts = facts if facts is not None else case_facts(period, using=using)
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
        if month_items is None:
            month_items = bulletin_item_counts(period.weeks_ending_in(), using=using)
        for street_id, count in month_items.items():
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


# --- the history in one pass -----------------------------------------------------------------------------
# A backfill (every week and month of years of history) reads each case's trail once, in (case, seq) order,
# and judges it as of the end of every period it is a candidate for, with the same rules as CASE_FACTS_SQL
# (tests/inspections/test_scoring.py checks the two agree). Times are epoch seconds here: millions of rows.

HISTORY_EVENTS_SQL = """
SELECT e.case_id, c.street_id, c.source, e.action, e.to_status, {recorded} AS recorded, {due} AS due
FROM {events} e JOIN {cases} c ON c.id = e.case_id
WHERE c.self_handled = %(false)s AND e.recorded_at < %(end)s
ORDER BY e.case_id, e.seq
"""
_SETTING = frozenset(SETTING_ACTIONS)
_DEADLINE_SETTERS = frozenset(("dispatch", "rework", "approve_extension"))
_CANDIDATE_SETTERS = frozenset(("dispatch", "rework", "approve_extension", "resume"))


def _judge(trail, start, end):
    """(status, deadline, handle_at, reworks, extensions, closed_in) of one case as of `end` (epoch seconds)."""
    status = deadline = handle_at = None
    setting_seen = closed_in = False
    reworks = extensions = 0
    for action, to_status, recorded, due in trail:
        if recorded >= end:
            continue
        status = to_status
        if action in _SETTING:
            setting_seen = True
            deadline = due if (action in _DEADLINE_SETTERS or (action == "resume" and to_status == "dispatched")) \
                else None
            handle_at = None
        elif action == "handle" and setting_seen:
            handle_at = recorded if handle_at is None else min(handle_at, recorded)
        if action == "rework":
            reworks += 1
        elif action == "approve_extension":
            extensions += 1
        elif action == "close" and recorded >= start:
            closed_in = True
    return status, deadline, handle_at, reworks, extensions, closed_in


def _epoch(value) -> float:
    return value if isinstance(value, float) else _aware(value).timestamp()


def history_indicators(weeks, months, street_ids, *, using="default"):
    """({week code: {street id: StreetIndicators}}, {month code: {...}}) for consecutive finished weeks and
    months, from one ordered pass over the events. Weekly indicators carry their bulletin cases; a month's
    bulletin items are those of the weeks ending in it."""
    weeks, months = list(weeks), list(months)
    week_ind = {w.code: {s: StreetIndicators() for s in street_ids} for w in weeks}
    month_ind = {m.code: {s: StreetIndicators() for s in street_ids} for m in months}
    if not weeks and not months:
        return week_ind, month_ind
    bounds = {p.code: (p.start.timestamp(), p.end.timestamp()) for p in weeks + months}
    w0 = weeks[0].start.timestamp() if weeks else 0.0
    month_of = {(m.start.year, m.start.month): m.code for m in months}
    last_end = max(p.end for p in weeks + months)

    def week_code(ts):
        index = int((ts - w0) // 604800)
        return weeks[index].code if weeks and 0 <= index < len(weeks) else None

    def month_code(ts):
        t = time.gmtime(ts + 8 * 3600)  # Asia/Shanghai has kept UTC+8 without daylight saving since 1991
        return month_of.get((t.tm_year, t.tm_mon))

    def finish(case_id, street_id, source, trail):
        candidates = set()
        for action, _to, recorded, due in trail:
            if action == "close":
                candidates.add(week_code(recorded))
                candidates.add(month_code(recorded))
            elif action in _CANDIDATE_SETTERS and due is not None:
                for code in (week_code(due), month_code(due)):
                    if code is not None and recorded < bounds[code][1]:
                        candidates.add(code)
        candidates.discard(None)
        for code in candidates:
            start, end = bounds[code]
            status, deadline, handle_at, reworks, extensions, closed = _judge(trail, start, end)
            if status == "rejected":
                continue
            table = week_ind if code in week_ind else month_ind
            ind = table[code].get(street_id)
            if ind is None:
                continue
            overdue = (not closed and deadline is not None and start <= deadline < end and handle_at is None
                       and status != "suspended")
            if closed:
                ind.closed_count += 1
                ind.closed_on_time_count += handle_at is not None and deadline is not None and handle_at <= deadline
            elif overdue:
                ind.overdue_count += 1
            if closed or overdue:
                ind.due_count += 1
                ind.reworked_count += reworks > 0
                ind.extended_count += extensions > 0
            if (table is week_ind and source == "supervision" and deadline is not None and start <= deadline < end
                    and (handle_at is None or handle_at > deadline)):
                ind.bulletin_items += 1
                ind.bulletin_cases.append(CaseFacts(
                    case_id=case_id, street_id=street_id, source=source, status=status,
                    deadline=datetime.fromtimestamp(deadline, UTC),
                    handle_at=None if handle_at is None else datetime.fromtimestamp(handle_at, UTC),
                    reworks=reworks, extensions=extensions, closed_in_period=closed))

    cases, events = _tables()
    connection = connections[using]
    if connection.vendor == "postgresql":
        recorded, due = "EXTRACT(EPOCH FROM e.recorded_at)::float8", "EXTRACT(EPOCH FROM e.handling_due_at)::float8"
    else:  # SQLite (small databases): the stored UTC text, read exactly in Python
        recorded, due = "e.recorded_at", "e.handling_due_at"
    sql = HISTORY_EVENTS_SQL.format(cases=cases, events=events, recorded=recorded, due=due)
    params = {"false": False, "end": connection.ops.adapt_datetimefield_value(last_end)}
    current, trail, meta = None, [], None
    with transaction.atomic(using=using):
        cursor = connection.chunked_cursor()  # a server-side cursor on PostgreSQL: millions of rows, bounded memory
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(20_000):
                for case_id, street_id, source, action, to_status, rec, due_at in rows:
                    if case_id != current:
                        if trail:
                            finish(current, *meta, trail)
                        current, trail, meta = case_id, [], (street_id, source)
                    trail.append((action, to_status, _epoch(rec), None if due_at is None else _epoch(due_at)))
            if trail:
                finish(current, *meta, trail)
        finally:
            cursor.close()
    for week in weeks:
        for ind in week_ind[week.code].values():
            ind.bulletin_cases.sort(key=lambda f: (f.deadline, f.case_id))
    for month in months:
        for week in month.weeks_ending_in():
            for street_id, ind in week_ind.get(week.code, {}).items():
                if street_id in month_ind[month.code]:
                    month_ind[month.code][street_id].bulletin_items += ind.bulletin_items
    return week_ind, month_ind
