"""Pages of construction sites: the list (the site file), one site with its inspections and open follow-ups,
the phone form a leader inspects a site with (offline like the patrol form: static/inspections/site-form.js
queues it in the same outbox), and the monthly census of sites inspected and not."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from bureau import clock
from grids.models import Street

from ..models import ConstructionSite, DustCheckItem, SiteInspection, SiteInspectionItem
from ..permissions import may_inspect_sites, may_read_sites
from ..services.sites import month_bounds, site_census
from .patrols import _field_config


def _today():
    return timezone.localtime(clock.now()).date()


@login_required
def site_list(request):
    """The site file of the user's scope, with each site's period and 责任书."""
    if not may_read_sites(request.user):
        raise PermissionDenied
    sites = ConstructionSite.objects.visible_to(request.user).select_related("street", "grid")
    active = request.GET.get("active") != "0"
    if active:
        today = _today()
        sites = sites.active_between(today, today)
    page = Paginator(sites, 50).get_page(request.GET.get("page"))
    return render(request, "inspections/site_list.html", {
        "page": page, "active": active, "may_inspect": may_inspect_sites(request.user)})


@login_required
def site_detail(request, pk):
    """One site's file, its inspections (newest first) and the failures still awaiting their follow-up."""
    if not may_read_sites(request.user):
        raise PermissionDenied
    site = ConstructionSite.objects.visible_to(request.user).select_related("street", "grid").filter(pk=pk).first()
    if site is None:
        raise Http404
    inspections = SiteInspection.objects.visible_to(request.user).filter(site=site).for_list()[:30]
    follow_ups = (SiteInspectionItem.objects.awaiting_follow_up().filter(inspection__site=site)
                  .select_related("item", "case", "order", "inspection").order_by("rectify_by"))
    return render(request, "inspections/site_detail.html", {
        "site": site, "inspections": inspections, "follow_ups": follow_ups, "now": clock.now(),
        "may_inspect": may_inspect_sites(request.user)})


@login_required
@ensure_csrf_cookie
@never_cache
def site_inspect(request):
    """The phone form: pick a site, tick the checklist, photograph each failure; queued offline, sent once."""
    user = request.user
    if not may_inspect_sites(user):
        raise PermissionDenied
    today = _today()
    sites = ConstructionSite.objects.visible_to(user).active_between(today, today).select_related("street")
    config = _field_config(request, reverse("site-inspection-list"), "site")
    config["messages"].update({
        "needSite": _("请选择工地"), "needPhoto": _("不合格项须拍摄现场照片"), "needAll": _("请逐项选择合格或不合格"),
        "inspection": _("检查记录"), "cases": _("案件"), "orders": _("整改通知书"),
    })
    return render(request, "inspections/site_inspect.html", {
        "sites": [{"id": s.pk, "name": s.name, "street": s.street.name} for s in sites],
        "items": [{"code": i.code, "name": i.name, "standard": i.standard} for i in DustCheckItem.objects.active()],
        "config": config, "selected": request.GET.get("site", ""),
    })


@login_required
def site_census_page(request):
    """Every site under construction in a month: inspected (when last) or not, per street."""
    user = request.user
    if not may_read_sites(user):
        raise PermissionDenied
    month = (request.GET.get("month") or "").strip() or _today().strftime("%Y-%m")
    error = ""
    try:
        first, last = month_bounds(month)
    except DjangoValidationError:
        error, month = _("月份格式应为 YYYY-MM"), _today().strftime("%Y-%m")
        first, last = month_bounds(month)
    streets = list(Street.objects.visible_to(user).order_by("code"))
    code = request.GET.get("street") or ""
    sites = ConstructionSite.objects.visible_to(user)
    selected = None
    if code:
        selected = next((s for s in streets if s.code == code), None)
        if selected is None:
            raise Http404
        sites = sites.in_street(selected)
    census = site_census(sites, first, last)
    return render(request, "inspections/site_census.html", {
        "census": census, "month": month, "streets": streets, "selected": selected, "error": error,
        "percent": round(census["rate"] * 100)})


def site_tiles(request):
    """Dashboard: sites under construction not yet inspected this month (in the user's scope)."""
    user = request.user
    if not may_inspect_sites(user):
        return []
    today = _today()
    first = today.replace(day=1)
    sites = ConstructionSite.objects.visible_to(user).active_between(first, today)
    missing = sites.exclude(pk__in=SiteInspection.objects.on_days(first, today).values("site_id")).count()
    return [{"key": "sites-uninspected", "label": _("本月未检查的在建工地"), "value": missing, "note": "",
             "url": reverse("inspections:site-census"), "tone": "yellow" if missing else "green"}]
