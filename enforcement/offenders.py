"""Finding the same problem again, district-wide: duplicates where a case is made, repeat offenders across streets.

- Duplicates: the standing cases (neither closed nor rejected) of a category within DUPLICATE_DISTANCE_M of a
  point, reported within DUPLICATE_WINDOW_DAYS before it (`nearby_cases`), offered wherever a case is reported
  and proposed as `mark_duplicate` at registration (`duplicate_proposal`, `duplicate_proposals`).
- Repeat offenders (`repeat_offenders`): over the REPEAT_OFFENDER_WINDOW_DAYS before a moment, every case but
  the rejected ones counts;
  - a party is a repeat offender when its cases lie in two or more streets;
  - a spot is a case (the anchor) with the cases of its category within REPEAT_OFFENDER_DISTANCE_M of it, when
    they lie in two or more streets. Anchors are taken greedily, the one with most such neighbours first
    (then the earliest), and a case belongs to one spot at most, so a busy road does not chain into one
    district-long "spot" and each spot is at most twice the distance across.

"Within a distance" is measured by grids.geometry.distance_m: SQL narrows the rows to a box around the point
(the same on SQLite and PostgreSQL), Python measures the rest.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import shapely
from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bureau import clock
from grids.geometry import degree_box, distance_m, project_m

from .models import Case, Party

# ---------------------------------------------------------------------------------------------- duplicates


@dataclass(frozen=True)
class Nearby:
    case: Case
    distance_m: float


def _nearest_first(items: list[Nearby]) -> list[Nearby]:
    return sorted(items, key=lambda n: (n.distance_m, -n.case.reported_at.timestamp(), n.case.pk))


def nearby_cases(*, user, category, lat, lng, at=None, exclude=None, metres=None, days=None, before=None,
                 limit=None) -> list[Nearby]:
    """The standing cases of `category` (a Category or its pk) within `metres` of (lat, lng), reported within
    `days` before `at` (default now), nearest first (then the newest); in `user`'s scope (None: the whole
    district); only those reported before `before` (a (reported_at, pk) pair) when given; the nearest `limit`.

    The candidates in the box are measured on their bare columns, and only the nearest `limit` are read whole:
    a hot spot may hold thousands of reports in a week (two queries, one when none is near)."""
    metres = settings.DUPLICATE_DISTANCE_M if metres is None else metres
    days = settings.DUPLICATE_WINDOW_DAYS if days is None else days
    at = at or clock.now()
    qs = Case.objects.visible_to(user) if user is not None else Case.objects.all()
    qs = qs.standing().filter(category=category).reported_between(at - timedelta(days=days), at).in_box(lat, lng, metres)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    measured = []
    for pk, case_lat, case_lng, reported_at in qs.order_by().values_list("pk", "lat", "lng", "reported_at"):
        if before is not None and not (reported_at, pk) < before:
            continue
        distance = distance_m(lat, lng, case_lat, case_lng)
        if distance <= metres:
            measured.append((distance, -reported_at.timestamp(), pk))
    measured.sort()
    if limit is not None:
        measured = measured[:limit]
    if not measured:
        return []
    cases = Case.objects.for_list().in_bulk([pk for _d, _t, pk in measured])
    return [Nearby(cases[pk], distance) for distance, _t, pk in measured]


def earlier_nearby(case, *, user=None, limit=None) -> list[Nearby]:
    """The standing cases of `case`'s category near it, reported within the window before it, nearest first, in
    `user`'s scope (None: the whole district): what a case just reported may repeat."""
    return nearby_cases(user=user, category=case.category_id, lat=case.lat, lng=case.lng, at=case.reported_at,
                        exclude=case.pk, before=(case.reported_at, case.pk), limit=limit)


def duplicate_proposal(case) -> Nearby | None:
    """The case that `case` most likely repeats: the nearest of `earlier_nearby`, district-wide (registration is
    the bureau's, which sees every street)."""
    found = earlier_nearby(case, limit=1)
    return found[0] if found else None


def _before(other, case) -> bool:
    """`other` was reported before `case` (the one a duplicate repeats is the earlier; ties by creation)."""
    return (other.reported_at, other.pk) < (case.reported_at, case.pk)


def duplicate_proposals(cases) -> dict[int, Nearby]:
    """`duplicate_proposal` for each of `cases` (a page of the workbench), in one query whatever their number."""
    cases = list(cases)
    if not cases:
        return {}
    metres, days = settings.DUPLICATE_DISTANCE_M, settings.DUPLICATE_WINDOW_DAYS
    around = Q()
    for case in cases:
        min_lat, max_lat, min_lng, max_lng = degree_box(case.lat, case.lng, metres)
        around |= Q(category_id=case.category_id, lat__gte=min_lat, lat__lte=max_lat, lng__gte=min_lng,
                    lng__lte=max_lng, reported_at__gte=case.reported_at - timedelta(days=days),
                    reported_at__lte=case.reported_at)
    candidates = list(Case.objects.standing().filter(around).only(
        "id", "number", "category_id", "lat", "lng", "reported_at", "status"))
    out = {}
    for case in cases:
        found = [Nearby(c, distance_m(case.lat, case.lng, c.lat, c.lng)) for c in candidates
                 if c.category_id == case.category_id and _before(c, case)
                 and case.reported_at - timedelta(days=days) <= c.reported_at]
        found = _nearest_first([n for n in found if n.distance_m <= metres])
        if found:
            out[case.pk] = found[0]
    return out


# ---------------------------------------------------------------------------------------------- repeat offenders


@dataclass
class StreetCount:
    code: str
    name: str
    count: int


@dataclass
class PartyRow:
    party: Party
    streets: list[StreetCount]
    case_count: int
    first_reported_at: datetime
    last_reported_at: datetime
    monthly: list[tuple[str, int]] = field(default_factory=list)  # ("2026-10", n) for each month shown


@dataclass
class SpotCase:
    id: int
    number: str
    street_code: str
    reported_at: datetime
    distance_m: float


@dataclass
class SpotRow:
    category_code: str
    category_name: str
    lat: float
    lng: float
    streets: list[StreetCount]
    cases: list[SpotCase]


@dataclass
class RepeatReport:
    at: datetime
    start: datetime
    days: int
    distance_m: float
    months: list[str]
    parties: list[PartyRow]
    spots: list[SpotRow]


def _streets(rows) -> list[StreetCount]:
    counts: dict[str, StreetCount] = {}
    for r in rows:
        entry = counts.setdefault(r["street__code"], StreetCount(r["street__code"], r["street__name"], 0))
        entry.count += 1
    return sorted(counts.values(), key=lambda s: s.code)


def _month_codes(at: datetime, months: int) -> list[str]:
    local = timezone.localtime(at)
    year, month = local.year, local.month
    codes = []
    for _ in range(months):
        codes.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return codes[::-1]


def _party_rows(rows, at, months) -> list[PartyRow]:
    by_party = defaultdict(list)
    for r in rows:
        if r["party_id"] is not None:
            by_party[r["party_id"]].append(r)
    repeat = {pk: found for pk, found in by_party.items() if len({r["street_id"] for r in found}) >= 2}
    if not repeat:
        return []
    parties = Party.objects.in_bulk(list(repeat))
    codes = _month_codes(at, months)
    first_month = datetime(int(codes[0][:4]), int(codes[0][5:]), 1, tzinfo=timezone.get_current_timezone())
    per_month = defaultdict(int)
    monthly = (Case.objects.findings().filter(party__in=list(repeat), reported_at__gte=first_month, reported_at__lte=at)
               .annotate(month=TruncMonth("reported_at")).values("party_id", "month").annotate(n=Count("id"))
               .order_by())
    for m in monthly:
        month = m["month"]
        month = timezone.localtime(month) if isinstance(month, datetime) and timezone.is_aware(month) else month
        per_month[(m["party_id"], f"{month.year:04d}-{month.month:02d}")] += m["n"]
    out = [
        PartyRow(party=parties[pk], streets=_streets(found), case_count=len(found),
                 first_reported_at=min(r["reported_at"] for r in found),
                 last_reported_at=max(r["reported_at"] for r in found),
                 monthly=[(code, per_month.get((pk, code), 0)) for code in codes])
        for pk, found in repeat.items()
    ]
    return sorted(out, key=lambda p: (-len(p.streets), -p.case_count, p.party.name, p.party.pk))


def _spot_rows(rows, metres) -> list[SpotRow]:
    by_category = defaultdict(list)
    for r in rows:
        by_category[r["category_id"]].append(r)
    spots = []
    for found in by_category.values():
        if len(found) < 2 or len({r["street_id"] for r in found}) < 2:
            continue
        lat0 = sum(r["lat"] for r in found) / len(found)
        points = [shapely.Point(*project_m(r["lat"], r["lng"], lat0)) for r in found]
        tree = shapely.STRtree(points)
        # candidate pairs from the index (a little generous), decided by the one measure of distance
        left, right = tree.query(points, predicate="dwithin", distance=metres * 1.01)
        near = defaultdict(set)
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            if i != j and distance_m(found[i]["lat"], found[i]["lng"], found[j]["lat"], found[j]["lng"]) <= metres:
                near[i].add(j)
        order = sorted(near, key=lambda i: (-len(near[i]), found[i]["reported_at"], found[i]["id"]))
        taken = set()
        for anchor in order:
            if anchor in taken:
                continue
            members = [anchor] + sorted(j for j in near[anchor] if j not in taken)
            if len({found[i]["street_id"] for i in members}) < 2:
                continue
            taken.update(members)
            a = found[anchor]
            spots.append(SpotRow(
                category_code=a["category__code"], category_name=a["category__name"], lat=a["lat"], lng=a["lng"],
                streets=_streets(found[i] for i in members),
                cases=sorted((SpotCase(found[i]["id"], found[i]["number"], found[i]["street__code"],
                                       found[i]["reported_at"],
                                       round(distance_m(a["lat"], a["lng"], found[i]["lat"], found[i]["lng"]), 1))
                              for i in members), key=lambda c: (c.reported_at, c.id)),
            ))
    return sorted(spots, key=lambda s: (-len(s.streets), -len(s.cases), s.category_code, s.cases[0].reported_at))


def repeat_offenders(*, at=None, days=None, metres=None, months=12) -> RepeatReport:
    """Parties and spots met in two or more streets within `days` before `at` (see the module docstring), each
    party with its cases counted per month over the `months` months up to `at`'s. Three queries at most,
    whatever the number of rows."""
    at = at or clock.now()
    days = settings.REPEAT_OFFENDER_WINDOW_DAYS if days is None else days
    metres = settings.REPEAT_OFFENDER_DISTANCE_M if metres is None else metres
    start = at - timedelta(days=days)
    rows = list(Case.objects.findings().reported_between(start, at).order_by("reported_at", "id").values(
        "id", "number", "party_id", "street_id", "street__code", "street__name", "category_id", "category__code",
        "category__name", "lat", "lng", "reported_at"))
    return RepeatReport(at=at, start=start, days=days, distance_m=metres, months=_month_codes(at, months),
                        parties=_party_rows(rows, at, months), spots=_spot_rows(rows, metres))
