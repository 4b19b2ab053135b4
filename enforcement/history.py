"""A case's history read back from its append-only events, as of any moment: the rules of what each event
means for the handling deadline, derived from the transition table (enforcement/workflow.py, its `deadline`
column), and the readings built on them.

The rules, as of a moment T (events recorded before T only, each with the deadline stored on it when set):
- the deadline-changing events are those whose action SETs, RESTOREs, PAUSEs or CLEARs the handling deadline;
  the last one before T decides the deadline in force: its `handling_due_at` for a SET action, or for a
  RESTORE action that led back into a status SET actions lead to (resume into dispatched); none otherwise
  (a pause or a clear: the clock is stopped, or the case is no longer the unit's);
- the standing handle is the first FREEZE event (handle) after that last deadline-changing event: a handle
  followed by a new deadline (a rework) no longer stands;
- a case is closed by an action leading to `closed`, and dismissed (counted nowhere) while it stands in a
  status that ends a case otherwise (rejected: not the bureau's business, or a duplicate);
- a case is paused while it stands in the status a PAUSE action leads to (suspended).

Whoever reads cases' history for a period (the rankings, the bulletins) asks this module, and so reads a new
action as soon as its row in the table says what it does to the deadline. Of the Case row only static facts
are read (street, source, self_handled), so a reading made today and again next year gives the same answer.

The public readings:
- `rules()`: the action and status sets above, from the table as it is now;
- `facts_as_of(windows, ...)`: per window (start, end), one `CaseFacts` per candidate case (closed within the
  window, or with a handling deadline falling in it set before its end), as of the window's end; one SQL
  statement for all windows;
- `closes_between(start, end, ...)`: the cases closed in a window and whether each was closed on time, for
  windows of any length (the statistics' closes and closes on time);
- `unmet_deadlines(start, end, ...)`: every handling deadline falling in [start, end) that no standing handle
  met, with when it was set and when the next deadline-changing event replaced it;
- `case_trails(end, ...)`, `trail_candidates(...)`, `judge_trail(...)`: the same rules over every case's
  events in one ordered pass, for readings of many periods at once (a history backfill).
"""
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from django.db import connections, transaction
from django.utils.dateparse import parse_datetime

from . import workflow
from .choices import OPEN_STATUSES, CaseAction, CaseStatus

REWORK, EXTENSION = CaseAction.REWORK.value, CaseAction.APPROVE_EXTENSION.value  # counted as the case's facts


def _plain(value) -> str:
    return getattr(value, "value", value)


@dataclass(frozen=True)
class Rules:
    """The history's action and status sets, each in the table's order."""

    setting: tuple[str, ...]  # a new handling deadline (dispatch, rework, approve_extension)
    restoring: tuple[str, ...]  # the deadline again if back into a handling status (resume)
    handling_statuses: tuple[str, ...]  # where SET actions lead (dispatched)
    freezing: tuple[str, ...]  # the unit's handle
    pausing: tuple[str, ...]  # suspend
    clearing: tuple[str, ...]  # return, refuse
    closing: tuple[str, ...]  # actions leading to closed (close)
    ending: tuple[str, ...]  # actions ending a case: closing it or dismissing it (close, reject, mark_duplicate)
    paused_statuses: tuple[str, ...]  # suspended
    dismissed_statuses: tuple[str, ...]  # rejected

    @property
    def deadline_changing(self) -> tuple[str, ...]:
        """The events whose last one before a moment decides the handling deadline in force then."""
        return self.setting + self.restoring + self.pausing + self.clearing

    @property
    def deadline_giving(self) -> tuple[str, ...]:
        """The events that may give a handling deadline (a candidate case's deadline is on one of these)."""
        return self.setting + self.restoring

    @cached_property
    def sets(self) -> tuple[frozenset, ...]:
        """(deadline changing, setting, restoring, handling statuses, freezing, closing, deadline giving) as
        sets, for the one-pass reading's inner loop (millions of events)."""
        return tuple(frozenset(t) for t in (self.deadline_changing, self.setting, self.restoring,
                                            self.handling_statuses, self.freezing, self.closing,
                                            self.deadline_giving))


def rules(table=None) -> Rules:
    """The rules derived from `table` (the transition table as it is now, by default)."""
    table = workflow.TRANSITIONS if table is None else table
    kinds = {_plain(action): row["deadline"] for action, row in table.items()}

    def of(kind):
        return tuple(a for a, k in kinds.items() if k == kind)

    def statuses(actions):
        out = []
        for action, row in table.items():
            if _plain(action) in actions:
                to = row["to"]
                targets = row["from"] if to is None else () if to == workflow.SUSPENDED_FROM else (to,)
                out.extend(_plain(s) for s in targets if _plain(s) not in out)
        return tuple(out)

    pausing = of(workflow.PAUSE)
    paused_statuses = statuses(pausing)
    settled = {_plain(s) for s in OPEN_STATUSES} | set(paused_statuses)
    ending = tuple(_plain(a) for a, row in table.items()
                   if row["to"] not in (None, workflow.SUSPENDED_FROM) and _plain(row["to"]) not in settled)
    closed = CaseStatus.CLOSED.value
    closing = tuple(_plain(a) for a, row in table.items() if _plain(a) in ending and _plain(row["to"]) == closed)
    return Rules(
        setting=of(workflow.SET), restoring=of(workflow.RESTORE), handling_statuses=statuses(of(workflow.SET)),
        freezing=of(workflow.FREEZE), pausing=pausing, clearing=of(workflow.CLEAR),
        closing=closing, ending=ending,
        paused_statuses=paused_statuses,
        dismissed_statuses=tuple(s for s in statuses(ending) if s != closed),
    )


_WORD = re.compile(r"[a-z][a-z0-9_]*")


def sql_in(column: str, values) -> str:
    """`column = 'v'` or `column IN ('v', 'w')` for choice values (written out, so the planner sees them)."""
    values = tuple(dict.fromkeys(_plain(v) for v in values))
    for value in values:
        if not _WORD.fullmatch(value):
            raise ValueError(f"not a choice value: {value!r}")
    if not values:
        return "FALSE"
    if len(values) == 1:
        return f"{column} = '{values[0]}'"
    listed = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({listed})"


def _gives_deadline(r: Rules, alias: str) -> str:
    """The condition on an event row that it put a handling deadline in force."""
    return (f"({sql_in(f'{alias}.action', r.setting)} OR ({sql_in(f'{alias}.action', r.restoring)}"
            f" AND {sql_in(f'{alias}.to_status', r.handling_statuses)}))")


def _tables():
    from .models import Case, CaseEvent

    return Case._meta.db_table, CaseEvent._meta.db_table


@dataclass
class CaseFacts:
    """One case as of a moment (a window's end), from its events recorded before it."""

    case_id: int
    street_id: int
    source: str
    status: str  # as of the moment
    deadline: datetime | None  # the handling deadline in force
    handle_at: datetime | None  # the standing handle's time
    reworks: int
    extensions: int
    closed_in_period: bool  # a close recorded within the window
    counted: bool = True  # False while dismissed (rejected, a duplicate): nobody's case
    paused: bool = False  # suspended: no deadline runs

    @property
    def handled_by_deadline(self) -> bool:
        return self.handle_at is not None and self.deadline is not None and self.handle_at <= self.deadline

    def deadline_within(self, start, end) -> bool:
        return self.deadline is not None and start <= self.deadline < end


def aware(value):
    """A datetime read from the database as an aware one (SQLite's raw cursor gives naive UTC text)."""
    if value is None or isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC)


# --- facts as of a window's end, in one statement -------------------------------------------------------

# One row per (window, candidate case): the cases closed within a window or with a handling deadline inside it,
# folded over their events recorded before that window's end. `windows` is a VALUES list (idx, start, end), so
# one statement serves one period (a compile) or many; `extra` narrows the candidates.
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
           MAX(CASE WHEN {deadline_changing} THEN seq END) AS dl_seq
    FROM ev GROUP BY idx, case_id
)
SELECT ev.idx, ev.case_id, MAX(ev.street_id), MAX(ev.source),
       MAX(CASE WHEN ev.seq = per.last_seq THEN ev.to_status END) AS status,
       MAX(CASE WHEN ev.seq = per.dl_seq AND {gives_deadline} THEN ev.handling_due_at END) AS deadline,
       MIN(CASE WHEN {freezing} AND ev.seq > per.dl_seq THEN ev.recorded_at END) AS handle_at,
       SUM(CASE WHEN {rework} THEN 1 ELSE 0 END) AS reworks,
       SUM(CASE WHEN {extension} THEN 1 ELSE 0 END) AS extensions,
       MAX(CASE WHEN {closing} AND ev.recorded_at >= ev.pstart THEN 1 ELSE 0 END) AS closed_in
FROM ev JOIN per ON per.idx = ev.idx AND per.case_id = ev.case_id
GROUP BY ev.idx, ev.case_id
"""

# A window's candidates: the cases with a close recorded in it (index caseevent_action_recorded), and those with
# a handling deadline falling in it, set by an event recorded before its end (caseevent_handling_due). One pair
# of index range scans per window, written out per window so the planner sees each range's size.
CANDIDATES_SQL = """SELECT {i} AS idx, e.case_id FROM {events} e
    WHERE {closing} AND e.recorded_at >= %(s{i})s AND e.recorded_at < %(e{i})s
    UNION
    SELECT {i} AS idx, e.case_id FROM {events} e
    WHERE e.handling_due_at >= %(s{i})s AND e.handling_due_at < %(e{i})s AND e.recorded_at < %(e{i})s
      AND {deadline_giving}"""

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


def case_facts_sql(vendor: str, count: int = 1, *, source=None, table=None, case_ids=None) -> str:
    """The statement for `count` windows (params s0/e0, s1/e1, ..., false); `source` keeps cases of one source,
    `case_ids` (integers, written out) only those cases."""
    r = rules(table)
    cases, events = _tables()
    ev_source = (EV_LATERAL if vendor == "postgresql" else EV_JOIN).format(events=events)
    extra = f"AND {sql_in('c.source', [source])}" if source is not None else ""
    if case_ids is not None:
        listed = ", ".join(str(int(pk)) for pk in case_ids) or "NULL"
        extra += f" AND c.id IN ({listed})"
    cc_source = (CC_LATERAL if vendor == "postgresql" else CC_JOIN).format(cases=cases, extra=extra)
    values = ", ".join(f"({i}, %(s{i})s, %(e{i})s)" for i in range(count))
    candidates = "\n    UNION\n    ".join(
        CANDIDATES_SQL.format(i=i, events=events, closing=sql_in("e.action", r.closing),
                              deadline_giving=sql_in("e.action", r.deadline_giving))
        for i in range(count))
    return CASE_FACTS_SQL.format(
        cc_source=cc_source, ev_source=ev_source, values=values, candidates=candidates,
        deadline_changing=sql_in("action", r.deadline_changing), gives_deadline=_gives_deadline(r, "ev"),
        freezing=sql_in("ev.action", r.freezing), rework=sql_in("ev.action", [REWORK]),
        extension=sql_in("ev.action", [EXTENSION]), closing=sql_in("ev.action", r.closing))


def facts_as_of(windows, *, using="default", source=None, case_ids=None) -> list[list[CaseFacts]]:
    """Per window (start, end), in order: the facts of every candidate case as of the window's end (cases
    self-handled on the spot left out; `source` keeps one source's). The windows are consecutive (their union
    is one range): one statement answers them all."""
    windows = list(windows)
    out: list[list[CaseFacts]] = [[] for _ in windows]
    if not windows:
        return out
    r = rules()
    dismissed, paused = set(r.dismissed_statuses), set(r.paused_statuses)
    connection = connections[using]
    adapt = connection.ops.adapt_datetimefield_value
    sql = case_facts_sql(connection.vendor, len(windows), source=source, case_ids=case_ids)
    params = {"false": False}
    for i, (start, end) in enumerate(windows):
        params[f"s{i}"], params[f"e{i}"] = adapt(start), adapt(end)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT compiling this short query costs more (50-90 ms) than it saves; with the default 4 MB of
            # work memory the planner sorts the per-case rows to group them instead of hashing them.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for r_ in rows:
        out[r_[0]].append(CaseFacts(
            case_id=r_[1], street_id=r_[2], source=r_[3], status=r_[4], deadline=aware(r_[5]),
            handle_at=aware(r_[6]), reworks=int(r_[7] or 0), extensions=int(r_[8] or 0),
            closed_in_period=bool(r_[9]), counted=r_[4] not in dismissed, paused=r_[4] in paused,
        ))
    return out


# --- closes of a period, on time or not ------------------------------------------------------------------

# Every case with a close recorded in [start, end) (self-handled cases left out), with whether it was closed on
# time: its standing handle (the first handle after the last deadline-changing event) came by the deadline in
# force. The same rules as `facts_as_of` for the closed candidates, without the rest of its facts: a close is
# final (no edge leaves closed), so a case closed in the window is counted, and only the deadline-changing and
# freezing events are read, in one hash join and one window pass, which a year's window needs (the per-case
# lookups of `facts_as_of` suit a week's few thousand candidates, not a year's hundreds of thousands).
CLOSES_SQL = """
WITH cand AS (
    SELECT DISTINCT e.case_id FROM {events} e
    WHERE {closing} AND e.recorded_at >= %(start)s AND e.recorded_at < %(end)s
),
ev AS (
    SELECT e.case_id, e.seq, e.action, e.to_status, e.recorded_at, e.handling_due_at,
           MAX(CASE WHEN {deadline_changing} THEN e.seq END) OVER (PARTITION BY e.case_id) AS dl_seq
    FROM {events} e JOIN cand ON cand.case_id = e.case_id
    WHERE e.recorded_at < %(end)s AND ({deadline_changing} OR {freezing_e})
),
judged AS (
    SELECT ev.case_id,
           MAX(CASE WHEN ev.seq = ev.dl_seq AND {gives_deadline} THEN ev.handling_due_at END) AS deadline,
           MIN(CASE WHEN {freezing_ev} AND ev.seq > ev.dl_seq THEN ev.recorded_at END) AS handle_at
    FROM ev GROUP BY ev.case_id
)
SELECT c.id, c.street_id,
       CASE WHEN j.handle_at IS NOT NULL AND j.deadline IS NOT NULL AND j.handle_at <= j.deadline
            THEN 1 ELSE 0 END AS on_time
FROM cand JOIN {cases} c ON c.id = cand.case_id LEFT JOIN judged j ON j.case_id = cand.case_id
WHERE c.self_handled = %(false)s
"""


def closes_sql(table=None) -> str:
    r = rules(table)
    cases, events = _tables()
    return CLOSES_SQL.format(
        cases=cases, events=events, closing=sql_in("e.action", r.closing),
        deadline_changing=sql_in("e.action", r.deadline_changing), freezing_e=sql_in("e.action", r.freezing),
        freezing_ev=sql_in("ev.action", r.freezing), gives_deadline=_gives_deadline(r, "ev"))


def closes_subquery(start, end, *, on_time_only=False, using="default") -> tuple[str, list]:
    """(sql, params) selecting the ids of the cases `closes_between` lists (only those closed on time with
    `on_time_only`), to filter a queryset with: `Case.objects.filter(pk__in=RawSQL(*closes_subquery(...)))`."""
    adapt = connections[using].ops.adapt_datetimefield_value
    sql = closes_sql().replace("%(start)s", "%s").replace("%(end)s", "%s").replace("%(false)s", "%s")
    # the placeholders in the order they appear: start, end (candidates), end (events), false
    params = [adapt(start), adapt(end), adapt(end), False]
    where = " WHERE closes.on_time = 1" if on_time_only else ""
    return f"SELECT closes.id FROM ({sql}) closes{where}", params  # noqa: S608 - the rules' choice values only


def closes_between(start, end, *, using="default") -> list[tuple[int, int, bool]]:
    """(case id, street id, closed on time) of every case closed in [start, end), as of `end`."""
    rows = _fetch_window(closes_sql(), start, end, using=using, work_mem="64MB")
    return [(case_id, street_id, bool(on_time)) for case_id, street_id, on_time in rows]


def _fetch_window(sql, start, end, *, using="default", work_mem=None) -> list[tuple]:
    """The rows of a statement over the window [start, end) (params `start`, `end`, `false`). On PostgreSQL
    without JIT (compiling these short statements costs more than it saves) and, for the statements that
    group many rows, with more work memory (hashing instead of sorting)."""
    connection = connections[using]
    adapt = connection.ops.adapt_datetimefield_value
    params = {"start": adapt(start), "end": adapt(end), "false": False}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
            if work_mem:
                cursor.execute(f"SET LOCAL work_mem = '{work_mem}'")
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- deadlines not met ----------------------------------------------------------------------------------

# Every deadline-giving event E whose deadline falls in [start, end) with no handle after E recorded by that
# deadline, with the time E was recorded and the time the next deadline-changing event was (so a reader can
# tell, as of any moment, whether E's deadline was the one in force then: E recorded before the moment and
# the next one not).
UNMET_DEADLINES_SQL = """
WITH cand AS (
    SELECT DISTINCT e.case_id FROM {events} e
    WHERE e.handling_due_at >= %(start)s AND e.handling_due_at < %(end)s
      AND {deadline_giving}
),
setting AS (
    SELECT e.case_id, e.seq, e.action, e.to_status, e.recorded_at, e.handling_due_at,
           LEAD(e.recorded_at) OVER (PARTITION BY e.case_id ORDER BY e.seq) AS next_recorded_at
    FROM {events} e JOIN cand ON cand.case_id = e.case_id
    WHERE {deadline_changing}
)
SELECT s.case_id, c.street_id, s.recorded_at, s.next_recorded_at, s.handling_due_at
FROM setting s JOIN {cases} c ON c.id = s.case_id
WHERE {source}c.self_handled = %(false)s
  AND {gives_deadline}
  AND s.handling_due_at >= %(start)s AND s.handling_due_at < %(end)s
  AND NOT EXISTS (SELECT 1 FROM {events} h WHERE h.case_id = s.case_id AND {freezing} AND h.seq > s.seq
                  AND h.recorded_at <= s.handling_due_at)
"""


def unmet_deadlines_sql(*, source=None, table=None) -> str:
    r = rules(table)
    cases, events = _tables()
    return UNMET_DEADLINES_SQL.format(
        cases=cases, events=events, deadline_giving=sql_in("e.action", r.deadline_giving),
        deadline_changing=sql_in("e.action", r.deadline_changing), gives_deadline=_gives_deadline(r, "s"),
        freezing=sql_in("h.action", r.freezing),
        source=f"{sql_in('c.source', [source])} AND " if source is not None else "")


def unmet_deadlines(start, end, *, using="default", source=None) -> list[tuple]:
    """(case id, street id, set at, replaced at or None, deadline) of every handling deadline falling in
    [start, end) that no standing handle met by it (cases self-handled on the spot left out; `source` keeps
    one source's)."""
    rows = _fetch_window(unmet_deadlines_sql(source=source), start, end, using=using)
    return [(case_id, street_id, aware(set_at), aware(replaced_at), aware(deadline))
            for case_id, street_id, set_at, replaced_at, deadline in rows]


# --- every case's trail in one ordered pass -------------------------------------------------------------
# A backfill (every week and month of years of history) reads each case's trail once, in (case, seq) order,
# and judges it as of the end of every window it is a candidate for, with the same rules as CASE_FACTS_SQL
# (tests/inspections/test_scoring.py checks the two agree). Times are epoch seconds here: millions of rows.

TRAILS_SQL = """
SELECT e.case_id, c.street_id, c.source, e.action, e.to_status, {recorded} AS recorded, {due} AS due
FROM {events} e JOIN {cases} c ON c.id = e.case_id
WHERE c.self_handled = %(false)s AND e.recorded_at < %(end)s
ORDER BY e.case_id, e.seq
"""


def _epoch(value) -> float:
    return value if isinstance(value, float) else aware(value).timestamp()


def case_trails(end, *, using="default"):
    """Yields (case id, street id, source, trail) for every case not self-handled on the spot, its trail the
    events recorded before `end` as (action, to status, recorded, handling deadline or None), times in epoch
    seconds, in order. Read through a server-side cursor on PostgreSQL: millions of rows, bounded memory."""
    cases, events = _tables()
    connection = connections[using]
    if connection.vendor == "postgresql":
        recorded, due = "EXTRACT(EPOCH FROM e.recorded_at)::float8", "EXTRACT(EPOCH FROM e.handling_due_at)::float8"
    else:  # SQLite (small databases): the stored UTC text, read exactly in Python
        recorded, due = "e.recorded_at", "e.handling_due_at"
    sql = TRAILS_SQL.format(cases=cases, events=events, recorded=recorded, due=due)
    params = {"false": False, "end": connection.ops.adapt_datetimefield_value(end)}
    current, trail, meta = None, [], None
    with transaction.atomic(using=using):
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(20_000):
                for case_id, street_id, source, action, to_status, rec, due_at in rows:
                    if case_id != current:
                        if trail:
                            yield current, *meta, trail
                        current, trail, meta = case_id, [], (street_id, source)
                    trail.append((action, to_status, _epoch(rec), None if due_at is None else _epoch(due_at)))
            if trail:
                yield current, *meta, trail
        finally:
            cursor.close()


def trail_candidates(trail, windows_at, ends, r: Rules) -> set:
    """The windows a trail is a candidate for: those in which it was closed, and those in which a handling
    deadline it was given falls, given before that window's end. `windows_at(t)`: the keys of the windows
    holding epoch time t (None for none); `ends`: key -> the window's end (epoch seconds)."""
    _changing, _setting, _restoring, _handling, _freezing, closing, giving = r.sets
    candidates = set()
    for action, _to, recorded, due in trail:
        if action in closing:
            candidates.update(windows_at(recorded))
        elif action in giving and due is not None:
            for key in windows_at(due):
                if key is not None and recorded < ends[key]:
                    candidates.add(key)
    candidates.discard(None)
    return candidates


def judge_trail(trail, start, end, r: Rules):
    """(status, deadline, handle at, reworks, extensions, closed within [start, end)) of one case as of `end`,
    from its trail (epoch seconds, as `case_trails` gives)."""
    changing, setting, restoring, handling, freezing, closing, _giving = r.sets
    rework, extension = REWORK, EXTENSION
    status = deadline = handle_at = None
    changed = closed_in = False
    reworks = extensions = 0
    for action, to_status, recorded, due in trail:
        if recorded >= end:
            continue
        status = to_status
        if action in changing:
            changed = True
            deadline = due if (action in setting or (action in restoring and to_status in handling)) else None
            handle_at = None
        elif action in freezing and changed:
            handle_at = recorded if handle_at is None else min(handle_at, recorded)
        if action == rework:
            reworks += 1
        elif action == extension:
            extensions += 1
        elif action in closing and recorded >= start:
            closed_in = True
    return status, deadline, handle_at, reworks, extensions, closed_in


# ---------------------------------------------------------------------------------------------- orders


def overdue_orders(start, end, *, using="default") -> dict[int, list]:
    """Per street id, the rectification orders whose deadline fell in [start, end) and that no follow-up had
    found complied with by that deadline, oldest deadline first. Only what was recorded before `end` decides
    (a follow-up after the deadline cannot make the order met), so a published period never moves."""
    from .models import RectificationOrder

    rows = (RectificationOrder.objects.using(using).unmet_between(start, end)
            .select_related("case", "party").order_by("deadline", "pk"))
    out: dict[int, list] = {}
    for order in rows:
        out.setdefault(order.case.street_id, []).append(order)
    return out


def orders_overdue_by_street(start, end, *, using="default") -> dict[int, int]:
    """Per street id, how many orders `overdue_orders` finds for [start, end) (the scoring indicator)."""
    from django.db.models import Count

    from .models import RectificationOrder

    rows = (RectificationOrder.objects.using(using).unmet_between(start, end)
            .values("case__street_id").annotate(n=Count("pk")).order_by())
    return {r["case__street_id"]: r["n"] for r in rows}


# ---------------------------------------------------------------------------------------------- referrals

UNIT_SETTING = (CaseAction.DISPATCH.value,)  # the actions that name the unit a case goes to (event data "unit")
BRIGADE_UNIT = "brigade"  # the unit of a case sent to its street's brigade (effects.BRIGADE)


@dataclass
class ReferralCounts:
    """One department's referrals over a window, as of its end."""

    received: int = 0  # cases dispatched to it within the window
    refused: int = 0  # of its referrals, given back within the window (refused or returned)
    due_count: int = 0  # its referrals whose handling deadline in force fell within the window
    on_time_count: int = 0  # of those, handled by that deadline

    @property
    def on_time_rate(self):
        from decimal import Decimal

        return None if not self.due_count else Decimal(self.on_time_count) / Decimal(self.due_count)


def referral_counts(start, end, *, using="default") -> dict[str, ReferralCounts]:
    """Per department code, its referrals in [start, end) as of `end`, by the same rules as the streets': the
    handling deadline in force and the standing handle (`facts_as_of`), the department being the unit the case
    was last dispatched to before `end` (a refusal or a return clears the deadline, so a referral given back
    counts as refused, not as due). Three statements."""
    from django.db.models import Count

    from .models import CaseEvent

    r = rules()
    out: dict[str, ReferralCounts] = {}
    moves = (CaseEvent.objects.using(using)
             .filter(action__in=UNIT_SETTING + r.clearing, recorded_at__gte=start, recorded_at__lt=end)
             .filter(data__has_key="unit").exclude(data__unit=BRIGADE_UNIT)
             .values_list("action", "data__unit").annotate(n=Count("pk")).order_by())
    for action, unit, n in moves:
        counts = out.setdefault(unit, ReferralCounts())
        if action in UNIT_SETTING:
            counts.received += n
        else:
            counts.refused += n
    for _case_id, unit, on_time in referrals_due(start, end, using=using):
        counts = out.setdefault(unit, ReferralCounts())
        counts.due_count += 1
        counts.on_time_count += on_time
    return out


def referrals_due(start, end, *, using="default") -> list[tuple[int, str, bool]]:
    """(case id, department code, handled by the deadline) of every referral whose handling deadline in force
    fell within [start, end), as of `end` (the `due_count` and `on_time_count` of `referral_counts`, case by
    case: the statistics list them). Two statements, one when no case was ever sent to a department."""
    from .models import CaseEvent

    # The dispatches before the end of the cases ever dispatched to another unit than the brigade: a case whose
    # last one named a department is a referral, and only the referrals' facts are read (a year of a district's
    # cases would otherwise be read whole, for the few it sends to departments).
    units: dict[int, str] = {}
    dispatches = CaseEvent.objects.using(using).filter(action__in=UNIT_SETTING, recorded_at__lt=end)
    sent_away = dispatches.filter(data__has_key="unit").exclude(data__unit=BRIGADE_UNIT).values("case_id")
    rows = dispatches.filter(case_id__in=sent_away).order_by("case_id", "seq").values_list("case_id", "data__unit")
    for case_id, unit in rows:
        units[case_id] = unit  # the last one before the end stands
    referred = [pk for pk, unit in units.items() if unit not in (None, BRIGADE_UNIT)]
    if not referred:
        return []
    facts = [f for f in facts_as_of([(start, end)], using=using, case_ids=referred)[0]
             if f.counted and f.deadline_within(start, end) and not (f.paused and f.handle_at is None)]
    return [(f.case_id, units[f.case_id], bool(f.handled_by_deadline)) for f in facts
            if units.get(f.case_id) not in (None, BRIGADE_UNIT)]
