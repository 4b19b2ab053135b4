"""Pages of the assessment: the rankings (table, grades, each street's trend as a plotly chart), the weekly
bulletin as a printable A4 通报, and the dashboard tiles. They read only published snapshots."""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from bureau import clock

from ..choices import OffRotaReason, PeriodKind
from ..models import Bulletin, Ranking, RankingRow
from ..periods import MONTH, WEEK, parse_period, period_containing
from ..permissions import may_read_assessment

TREND_PERIODS = 12


def _require_field_staff(user):
    if not may_read_assessment(user):
        raise PermissionDenied


def _latest_per_period(kind, user, limit):
    """The newest publication of each of the last `limit` compiled periods of a kind, newest first."""
    seen, out = set(), []
    rankings = (Ranking.objects.visible_to(user).filter(kind=kind).select_related("scheme")
                .order_by("-start", "-published_at", "-id"))
    for ranking in rankings[: limit * 4]:
        if ranking.period in seen:
            continue
        seen.add(ranking.period)
        out.append(ranking)
        if len(out) == limit:
            break
    return out


def _trend(rankings):
    """plotly traces: one line per street, its score over the periods (oldest first)."""
    ordered = list(reversed(rankings))
    periods = [r.period for r in ordered]
    rows = (RankingRow.objects.filter(ranking__in=ordered).select_related("street")
            .order_by("street__code").values_list("ranking__period", "street__code", "street__name", "score"))
    by_street: dict[tuple, dict] = {}
    for period, code, name, score in rows:
        by_street.setdefault((code, name), {})[period] = float(score)
    return [
        {"type": "scatter", "mode": "lines+markers", "name": f"{code} {name}", "x": periods,
         "y": [scores.get(p) for p in periods]}
        for (code, name), scores in sorted(by_street.items())
    ]


@login_required
def ranking_page(request):
    _require_field_staff(request.user)
    kind = request.GET.get("kind", WEEK)
    if kind not in (WEEK, MONTH):
        kind = WEEK
    recent = _latest_per_period(kind, request.user, TREND_PERIODS)
    ranking = None
    code = request.GET.get("period", "").strip()
    if code:
        try:
            code = parse_period(kind, code).code
        except ValidationError:
            raise Http404 from None
        ranking = Ranking.objects.visible_to(request.user).of_period(kind, code).select_related("scheme").first()
        if ranking is None:
            raise Http404
    elif recent:
        ranking = recent[0]
    rows = list(ranking.rows.select_related("street").order_by("rank")) if ranking else []
    api_name = "ranking-weekly" if kind == WEEK else "ranking-monthly"
    context = {
        "kind": kind, "kinds": PeriodKind.choices, "ranking": ranking, "rows": rows, "recent": recent,
        "off_rota_reasons": OffRotaReason.choices,
        "trend": _trend(recent) if recent else [],
        "xlsx_url": (reverse(api_name, kwargs={"period": ranking.period}) + "?format=xlsx") if ranking else "",
        "bulletin_url": reverse("inspections:bulletin", kwargs={"period": ranking.period})
        if ranking and kind == WEEK else "",
    }
    return render(request, "inspections/ranking_page.html", context)


def _week_number(code):
    return int(code.split("-W")[1])


@login_required
def bulletin_latest(request):
    _require_field_staff(request.user)
    bulletin = Bulletin.objects.filter(end__lte=clock.now()).order_by("-start", "-revision").first()
    if bulletin is None:
        return render(request, "inspections/bulletin_page.html", {"bulletin": None})
    return redirect("inspections:bulletin", period=bulletin.period)


@login_required
def bulletin_page(request, period):
    _require_field_staff(request.user)
    try:
        code = parse_period(WEEK, period).code
    except ValidationError:
        raise Http404 from None
    bulletin = Bulletin.objects.filter(period=code).order_by("-revision").first()
    if bulletin is None:
        raise Http404
    ranking = Ranking.objects.visible_to(request.user).of_period(WEEK, code).first()
    rows = list(ranking.rows.select_related("street").order_by("rank")) if ranking else []
    streets = []
    for entry in bulletin.content["streets"]:
        # due times are ISO strings in the snapshot; shown as local date and time
        items = [{**item, "due": parse_datetime(item["due_at"]) if item.get("due_at") else None}
                 for item in entry["items"]]
        streets.append({**entry, "items": items})
    total_items = sum(len(s["items"]) for s in streets)
    year = code.split("-W")[0]
    context = {
        "bulletin": bulletin, "ranking": rows and ranking, "rows": rows, "streets": streets,
        "total_items": total_items,
        "top": rows[:3], "bottom": list(reversed(rows[-3:])) if len(rows) > 3 else [],
        "document_number": _("%(district)s城管通〔%(year)s〕%(week)s号") % {
            "district": settings.DISTRICT_NAME.removesuffix("区"), "year": year, "week": _week_number(code)},
        "title": _("%(year)s年第%(week)s周城市管理工作通报") % {"year": year, "week": _week_number(code)},
        "xlsx_url": reverse("bulletin-weekly", kwargs={"period": code}) + "?format=xlsx",
    }
    return render(request, "inspections/bulletin_page.html", context)


def dashboard_tiles(request):
    """Open and overdue cases of this week (in the user's scope), and the last ranking's top and bottom streets."""
    user = request.user
    if not may_read_assessment(user):
        return []
    from enforcement.choices import CaseStatus
    from enforcement.models import Case

    now = clock.now()
    week = period_containing(WEEK, now)
    cases = Case.objects.visible_to(user)
    # the enforcement tiles count every open case; these two are this week's
    open_count = cases.open().filter(reported_at__gte=week.start).count()
    overdue = cases.filter(status=CaseStatus.DISPATCHED, handling_due_at__gte=week.start,
                           handling_due_at__lt=now).count()
    tiles = [
        {"key": "reports-open", "label": _("本周新增未结案件"), "value": open_count, "note": _("本周 %(code)s") % {
            "code": week.code}, "url": reverse("enforcement:workbench") if _has_url("enforcement:workbench") else "",
         "tone": "green"},
        {"key": "reports-overdue", "label": _("本周超时未处置"), "value": overdue,
         "note": _("处置时限在本周且已过"), "url": "", "tone": "red" if overdue else "green"},
    ]
    ranking = Ranking.objects.filter(kind=WEEK, end__lte=now).order_by("-start", "-published_at", "-id").first()
    if ranking is not None:
        rows = list(ranking.rows.select_related("street").order_by("rank"))
        if rows:
            url = reverse("inspections:rankings")
            top, bottom = rows[0], rows[-1]
            tiles.append({"key": "reports-top", "label": _("%(code)s 排名第一") % {"code": ranking.period},
                          "value": top.street.name, "note": f"{top.score} · {top.grade}", "url": url, "tone": "green"})
            tiles.append({"key": "reports-bottom", "label": _("%(code)s 排名末位") % {"code": ranking.period},
                          "value": bottom.street.name, "note": f"{bottom.score} · {bottom.grade}", "url": url,
                          "tone": "red" if bottom.grade in ("D", "E") else "yellow"})
    return tiles


def _has_url(name):
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True
