"""Indicators, scores and grades (the definitions in README's assessment section), computed as of a period's end.

What a case's events mean (which handling deadline stood at a moment, whether a handle stood against it,
whether the case was closed, dismissed or suspended) is enforcement's rule: this module asks
`enforcement.history` for each candidate case's facts as of the period's end (one SQL statement per period:
the cases closed within the period or with a handling deadline inside it) and adds them up per street (a few
thousand rows a week on a district's volume). It names no case action.

Per street and period, of the cases counted as of the end (not rejected or marked a duplicate):
- closed: a close recorded within the period; on time when the standing handle came by the deadline in force;
- overdue: not closed, the deadline in force falls in the period, no standing handle, not suspended;
- due: closed or overdue; of those, reworked and extended ones count towards those rates;
- bulletin items (a week): supervision cases whose deadline in force falls in the week with no standing handle
  by it; a month counts those of the weeks ending in it, each judged as of its own week's end.
"""
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from enforcement import history
from enforcement.choices import CaseSource
from enforcement.history import CaseFacts

from .periods import Period

TWO_PLACES = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
BULLETIN_SOURCE = CaseSource.SUPERVISION.value  # bulletins name the cases the supervisors found


def is_closed_on_time(fact: CaseFacts) -> bool:
    return fact.closed_in_period and fact.handled_by_deadline


def is_overdue(fact: CaseFacts, period: Period) -> bool:
    return fact.deadline_within(period.start, period.end) and fact.handle_at is None and not fact.paused


def is_bulletin_item(fact: CaseFacts, week: Period) -> bool:
    return fact.source == BULLETIN_SOURCE and fact.deadline_within(week.start, week.end) \
        and not fact.handled_by_deadline


def case_facts_many(periods, *, using="default", supervision_only=False) -> dict[str, list[CaseFacts]]:
    """Per period code, the per-case facts of every candidate case, as of that period's end (not yet filtered).
    The periods are consecutive (their union is one range): one statement answers them all."""
    periods = list(periods)
    facts = history.facts_as_of([(p.start, p.end) for p in periods], using=using,
                                source=BULLETIN_SOURCE if supervision_only else None)
    return {p.code: f for p, f in zip(periods, facts, strict=True)}


def case_facts(period: Period, *, using="default", supervision_only=False) -> list[CaseFacts]:
    """The per-case facts of every candidate case of the period, as of its end (not yet filtered)."""
    return case_facts_many([period], using=using, supervision_only=supervision_only)[period.code]


def bulletin_item_counts_by_week(weeks, *, using="default") -> dict[str, dict[int, int]]:
    """Per week code, per street id: the bulletin items of each of the given consecutive ISO weeks, each as of
    its own end: a deadline falling in week W counts when it was set before W's end and not replaced before
    W's end (so it was the one in force then), and no standing handle met it."""
    from .periods import WEEK, period_containing

    weeks = list(weeks)
    out: dict[str, dict[int, int]] = {w.code: defaultdict(int) for w in weeks}
    if not weeks:
        return out
    rows = history.unmet_deadlines(weeks[0].start, weeks[-1].end, using=using, source=BULLETIN_SOURCE)
    for _case_id, street_id, set_at, replaced_at, deadline in rows:
        week = period_containing(WEEK, deadline)
        if week.code in out and set_at < week.end and (replaced_at is None or replaced_at >= week.end):
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
    """The indicators of one street for one period."""

    due_count: int = 0
    closed_count: int = 0
    closed_on_time_count: int = 0
    overdue_count: int = 0
    reworked_count: int = 0
    extended_count: int = 0
    bulletin_items: int = 0
    orders_overdue: int = 0  # rectification orders unmet by their deadline in the period
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
        """The published form: counts as integers, rates as numbers rounded to four places. `orders_overdue`
        appears only when there are some, so periods published before orders existed read the same."""

        def rate(value):
            return float(Decimal(value).quantize(RATE_PLACES, rounding=ROUND_HALF_UP))

        extra = {"orders_overdue": self.orders_overdue} if self.orders_overdue else {}
        return extra | {
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
        if fact.counted and is_bulletin_item(fact, week):
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
        closed, overdue = fact.closed_in_period, is_overdue(fact, period)
        if closed:
            ind.closed_count += 1
            ind.closed_on_time_count += is_closed_on_time(fact)
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
    _add_orders_overdue(result, period, using=using)
    return result


def _add_orders_overdue(result, period, *, using="default"):
    for street_id, n in history.orders_overdue_by_street(period.start, period.end, using=using).items():
        if street_id in result:
            result[street_id].orders_overdue = n


# --- departments (联动机制) ------------------------------------------------------------------------------


def department_ranking(period: Period, *, using="default") -> list[dict]:
    """The departments ranked on their referrals of the period, like the streets: the on-time handling rate
    (referrals handled by the handling deadline in force / referrals whose deadline fell in the period), higher
    first; a department with none due after those with some; ties by more due, then code. Each row:
    {rank, department {code, name}, counts {received, refused, due_count, on_time_count, on_time_rate}}.
    Empty when no department had a referral in the period (received, given back or due)."""
    from enforcement.models import Department

    counts = history.referral_counts(period.start, period.end, using=using)
    if not counts:
        return []
    departments = {d.code: d for d in Department.objects.using(using).filter(code__in=list(counts))}
    keyed = []
    for code, c in counts.items():
        rate = c.on_time_rate
        keyed.append(((rate is None, -(rate or 0), -c.due_count, code), code, c))
    keyed.sort(key=lambda item: item[0])
    rows = []
    for rank, (_key, code, c) in enumerate(keyed, start=1):
        department = departments.get(code)
        rate = c.on_time_rate
        rows.append({"rank": rank, "department": {"code": code, "name": department.name if department else code},
                     "counts": {"received": c.received, "refused": c.refused, "due_count": c.due_count,
                                "on_time_count": c.on_time_count,
                                "on_time_rate": None if rate is None else float(
                                    rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP))}})
    return rows


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
# A backfill (every week and month of years of history) has enforcement.history read each case's trail once and
# judge it as of the end of every period it is a candidate for, with the same rules as the per-period statement
# (tests/inspections/test_scoring.py checks the two agree). Times are epoch seconds here: millions of rows.


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

    def windows_at(ts):
        return week_code(ts), month_code(ts)

    rules = history.rules()
    dismissed, paused = frozenset(rules.dismissed_statuses), frozenset(rules.paused_statuses)
    ends = {code: end for code, (_start, end) in bounds.items()}
    for case_id, street_id, source, trail in history.case_trails(last_end, using=using):
        for code in history.trail_candidates(trail, windows_at, ends, rules):
            start, end = bounds[code]
            status, deadline, handle_at, reworks, extensions, closed = history.judge_trail(trail, start, end, rules)
            if status in dismissed:
                continue
            table = week_ind if code in week_ind else month_ind
            ind = table[code].get(street_id)
            if ind is None:
                continue
            overdue = (not closed and deadline is not None and start <= deadline < end and handle_at is None
                       and status not in paused)
            if closed:
                ind.closed_count += 1
                ind.closed_on_time_count += handle_at is not None and deadline is not None and handle_at <= deadline
            elif overdue:
                ind.overdue_count += 1
            if closed or overdue:
                ind.due_count += 1
                ind.reworked_count += reworks > 0
                ind.extended_count += extensions > 0
            if (table is week_ind and source == BULLETIN_SOURCE and deadline is not None and start <= deadline < end
                    and (handle_at is None or handle_at > deadline)):
                ind.bulletin_items += 1
                ind.bulletin_cases.append(CaseFacts(
                    case_id=case_id, street_id=street_id, source=source, status=status,
                    deadline=datetime.fromtimestamp(deadline, UTC),
                    handle_at=None if handle_at is None else datetime.fromtimestamp(handle_at, UTC),
                    reworks=reworks, extensions=extensions, closed_in_period=closed, paused=status in paused))
    for week in weeks:
        for ind in week_ind[week.code].values():
            ind.bulletin_cases.sort(key=lambda f: (f.deadline, f.case_id))
    for month in months:
        for week in month.weeks_ending_in():
            for street_id, ind in week_ind.get(week.code, {}).items():
                if street_id in month_ind[month.code]:
                    month_ind[month.code][street_id].bulletin_items += ind.bulletin_items
    for period in weeks + months:
        _add_orders_overdue((week_ind if period in weeks else month_ind)[period.code], period, using=using)
    return week_ind, month_ind
