"""Pages of the figures: the period's figures (each linked to its rows), a figure's rows, the annual annex (A4,
and as xlsx), and the leadership dashboard with its wall mode. Bureau staff see the district, a street leader
their street; the API (figures/api.py) answers the same readings."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bureau.statistics import Query, figure, sections_by_code
from bureau.statistics import evaluate as evaluate_figures

from .annex import annex_xlsx, build_annex
from .permissions import may_read_statistics
from .readings import number, reading_from

ROWS_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_reader(user):
    if not may_read_statistics(user):
        raise PermissionDenied


def _streets(user):
    from grids.models import Street

    return list(Street.objects.visible_to(user).order_by("code"))


def _errors(exc: ValidationError) -> list[str]:
    return [m for ms in exc.message_dict.values() for m in ms] if hasattr(exc, "message_dict") else exc.messages


@require_GET
@login_required
def statistics_page(request):
    _require_reader(request.user)
    try:
        reading = reading_from(request.GET, request.user)
    except ValidationError as exc:
        return render(request, "figures/statistics.html", {"errors": _errors(exc), "streets": _streets(request.user),
                                                           "params": request.GET}, status=400)
    sections = sections_by_code()
    groups: dict[str, dict] = {}
    for fig, value in evaluate_figures(reading.period, reading.street, reading.user):
        section = sections.get(fig.section)
        group = groups.setdefault(fig.section, {"title": section.title if section else fig.section, "rows": []})
        group["rows"].append({"figure": fig, "value": number(value),
                              "url": reverse("figures:rows", kwargs={"code": fig.code}) + "?" + reading.query_string()})
    return render(request, "figures/statistics.html", {
        "reading": reading, "groups": list(groups.values()), "streets": _streets(request.user),
        "params": reading.params(), "api_url": reverse("statistics") + "?" + reading.query_string()})


@require_GET
@login_required
def rows_page(request, code):
    _require_reader(request.user)
    fig = figure(code)
    if fig is None:
        raise Http404
    try:
        reading = reading_from(request.GET, request.user)
    except ValidationError as exc:
        return render(request, "figures/statistics.html", {"errors": _errors(exc), "streets": _streets(request.user),
                                                           "params": request.GET}, status=400)
    query = Query(reading.period, reading.street, reading.user)
    value, rows = fig.query(reading.period, reading.street, reading.user, query=query)
    rows = rows.select_related(*fig.select_related).order_by("pk") if fig.select_related else rows.order_by("pk")
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    items = [{"row": row, **fig.row_text(row), "amount": number(fig.row_amount(row))} for row in page]
    return render(request, "figures/rows.html", {
        "figure": fig, "value": number(value), "reading": reading, "page": page, "items": items,
        "back_url": reverse("figures:statistics") + "?" + reading.query_string(),
        "api_url": reverse("statistics-rows", kwargs={"code": code}) + "?" + reading.query_string()})


def _annex_params(request):
    """The year (default: last year until the end of January, else this year) and the street asked for."""
    from grids.models import Street

    today = timezone.localdate()
    raw = request.GET.get("year") or str(today.year if today.month > 1 else today.year - 1)
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise ValidationError({"year": [_("年份应为 2000 至 2100 的整数。")]})
    street = None
    code = request.GET.get("street")
    if code:
        street = Street.objects.visible_to(request.user).filter(code=code).first()
        if street is None:
            raise ValidationError({"street": [_("没有这个街道，或不在您的工作范围内：%(code)s") % {"code": code[:20]}]})
    elif not request.user.is_bureau_staff:
        streets = _streets(request.user)
        street = streets[0] if len(streets) == 1 else None
    return int(raw), street


@require_GET
@login_required
def annex_page(request):
    _require_reader(request.user)
    try:
        year, street = _annex_params(request)
    except ValidationError as exc:
        return render(request, "figures/annex.html", {"errors": _errors(exc), "streets": _streets(request.user)},
                      status=400)
    annex = build_annex(year, street=street, user=request.user)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(annex_xlsx(annex), content_type=XLSX)
        suffix = f"-{street.code}" if street is not None else ""
        response["Content-Disposition"] = f'attachment; filename="annex-{year}{suffix}.xlsx"'
        return response
    query = f"year={year}" + (f"&street={street.code}" if street is not None else "")
    return render(request, "figures/annex.html", {
        "annex": annex, "streets": _streets(request.user), "xlsx_url": reverse("figures:annex") + "?" + query
        + "&format=xlsx", "years": [year - 1, year]})


@require_GET
@login_required
def leadership_page(request, wall=False):
    _require_reader(request.user)
    from enforcement.models import Category

    majors = Category.objects.order_by("major_code").values_list("major_code", "major_name").distinct()
    interval = request.GET.get("interval", "")
    return render(request, "figures/leadership.html", {
        "wall": wall, "majors": list(majors), "live_url": reverse("statistics-live"),
        # seconds between refreshes (the wall's test asks for a short one)
        "interval": int(interval) if interval.isdigit() and 2 <= int(interval) <= 3600 else 60,
        "wall_url": reverse("figures:wall"), "dashboard_url": reverse("figures:leadership"),
        # a case's page, with 0 standing for its id
        "case_url": reverse("enforcement:case", kwargs={"pk": 0}),
    })

