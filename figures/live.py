"""The leadership dashboard's data, read now: what is open and late, the latest cases, the month per street, the
campaigns' progress, the ranking trend and where the cases of a period were (points binned for a heat map).
Everything is scoped by the reader's `visible_to`: a street leader sees their street."""
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from enforcement.choices import OPEN_STATUSES, WarningLevel
from enforcement.models import Case
from grids.models import Street
from inspections.choices import PeriodKind
from inspections.models import Campaign, Ranking, RankingRow

TREND_PERIODS = 12
LIST_LENGTH = 10
HEAT_BIN = 0.002  # degrees (about 200 m): cases are counted per bin, not drawn one by one
MAX_HEAT_BINS = 3000


def options_from(params) -> dict:
    """`days` (1-366, default 30) and `category` (a 2-digit major class or a 5-digit category, optional)."""
    raw = params.get("days") or "30"
    if not str(raw).isdigit() or not 1 <= int(raw) <= 366:
        raise ValidationError({"days": [_("天数应为 1 至 366 的整数。")]})
    category = (params.get("category") or "").strip()
    if category and not (category.isdigit() and len(category) in (2, 5)):
        raise ValidationError({"category": [_("类别应为 2 位大类代码或 5 位类别代码。")]})
    return {"days": int(raw), "category": category}


def _case_row(case):
    return {"id": case.pk, "number": case.number, "category": case.category.name, "street": case.street.name,
            "status": case.get_status_display(), "reported_at": timezone.localtime(case.reported_at).isoformat(),
            "due_at": timezone.localtime(case.due_at).isoformat() if case.due_at else None}


def _month_by_street(cases, streets, now):
    first = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    reported = dict(cases.filter(reported_at__gte=first).values_list("street_id").annotate(n=Count("pk")))
    closed = dict(cases.filter(closed_at__gte=first).values_list("street_id").annotate(n=Count("pk")))
    open_now = dict(cases.open().values_list("street_id").annotate(n=Count("pk")))
    return [{"code": s.code, "name": s.name, "reported": reported.get(s.pk, 0), "closed": closed.get(s.pk, 0),
             "open": open_now.get(s.pk, 0)} for s in streets]


def _campaigns(user, today):
    from inspections.services.campaigns import campaign_progress

    out = []
    for campaign in Campaign.objects.visible_to(user).running_on(today).order_by("ends_on", "pk"):
        progress = campaign_progress(campaign)
        out.append({"name": campaign.name, "ends_on": campaign.ends_on.isoformat(), "targets": [
            {"label": row["target"].label, "unit": row["target"].unit, "total": float(row["total"]),
             "target": float(row["target"].target), "percent": float(min(row["percent"], Decimal(999)))}
            for row in progress["targets"]]})
    return out


def _trend(user):
    """One trace per street: its weekly score over the last weeks compiled (the newest revision of each)."""
    latest: dict[str, Ranking] = {}
    for ranking in Ranking.objects.visible_to(user).filter(kind=PeriodKind.WEEK).order_by(
            "-start", "-published_at", "-pk")[: TREND_PERIODS * 4]:
        latest.setdefault(ranking.period, ranking)
        if len(latest) == TREND_PERIODS:
            break
    periods = sorted(latest, key=lambda p: latest[p].start)
    scores: dict[tuple, dict] = {}
    rows = RankingRow.objects.filter(ranking__in=list(latest.values())).values_list(
        "ranking__period", "street__code", "street__name", "score")
    for period, code, name, score in rows:
        scores.setdefault((code, name), {})[period] = float(score)
    return {"periods": periods, "series": [{"name": f"{code} {name}", "scores": [s.get(p) for p in periods]}
                                           for (code, name), s in sorted(scores.items())]}


def _heat(cases, now, days, category):
    since = now - timedelta(days=days)
    rows = cases.filter(reported_at__gte=since)
    if len(category) == 2:
        rows = rows.filter(category__major_code=category)
    elif category:
        rows = rows.filter(category__code=category)
    bins = Counter((round(lat / HEAT_BIN), round(lng / HEAT_BIN)) for lat, lng in rows.values_list("lat", "lng"))
    return [[round(y * HEAT_BIN, 5), round(x * HEAT_BIN, 5), n] for (y, x), n in bins.most_common(MAX_HEAT_BINS)]


def snapshot(user, *, days=30, category="") -> dict:
    now = clock.now()
    cases = Case.objects.visible_to(user)
    open_cases = cases.open()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    counts = open_cases.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(overdue=True)),
        red=Count("pk", filter=Q(warning_level=WarningLevel.RED)),
        yellow=Count("pk", filter=Q(warning_level=WarningLevel.YELLOW)))
    counts["reported_today"] = cases.filter(reported_at__gte=start_of_day).count()
    counts["closed_today"] = cases.filter(closed_at__gte=start_of_day).count()
    warnings = (open_cases.filter(Q(overdue=True) | Q(warning_level=WarningLevel.RED)).for_list()
                .order_by("due_at", "pk")[:LIST_LENGTH])
    latest = cases.for_list().order_by("-reported_at", "-pk")[:LIST_LENGTH]
    streets = list(Street.objects.visible_to(user).order_by("code"))
    return {
        "generated_at": timezone.localtime(now).isoformat(),
        "counts": counts,
        "warnings": [_case_row(c) for c in warnings],
        "latest": [_case_row(c) for c in latest],
        "streets": _month_by_street(cases, streets, now),
        "campaigns": _campaigns(user, timezone.localdate(now)),
        "trend": _trend(user),
        "heat": {"days": days, "category": category, "points": _heat(cases, now, days, category)},
        "open_statuses": list(OPEN_STATUSES),
    }
