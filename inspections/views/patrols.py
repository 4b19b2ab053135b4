"""Pages: the phone forms (patrol report, grid officer's problem report), their service worker, coverage, the list.

The forms keep working without a connection: the service worker caches them and their static files, and
static/inspections/offline-queue.js keeps drafts and unsent reports in IndexedDB until the server answers.
"""
import json
from datetime import date as date_cls
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from bureau import clock
from enforcement.models import Category
from grids.models import GridCell, Street

from ..choices import SHIFT_USUAL_TIMES, PatrolShift
from ..models import PatrolCountField, PatrolReport, Squad
from ..permissions import may_patrol, may_report_problem
from ..services.patrols import patrol_coverage_detail

# Static files the offline forms need; the service worker caches them at install.
FORM_ASSETS = (
    "css/bureau.css", "leaflet/leaflet.css", "leaflet/leaflet.js", "inspections/offline-queue.js",
    "inspections/field-map.js", "inspections/patrol-form.js", "inspections/report-problem.js",
    "inspections/field.css", "inspections/site-form.js", "enforcement/nearby.js", "inspections/approval-check.js",
)


_sw_version_cache: dict[str, str] = {}


def sw_version() -> str:
    """A name for the worker's cache that changes whenever a cached file changes, so phones fetch the new ones."""
    if "v" not in _sw_version_cache:
        import hashlib

        from django.contrib.staticfiles import finders
        from django.template.loader import get_template

        digest = hashlib.sha256()
        for asset in FORM_ASSETS:
            path = finders.find(asset)
            if path:
                with open(path, "rb") as fh:
                    digest.update(fh.read())
        digest.update(get_template("inspections/patrol_sw.js").template.source.encode())
        _sw_version_cache["v"] = "bureau-field-" + digest.hexdigest()[:12]
    return _sw_version_cache["v"]


def _cells_for(user, *, with_geometry):
    if user.is_bureau_staff:
        cells = GridCell.objects.all()
    elif user.is_street_leader:
        cells = GridCell.objects.led_by(user)
    elif user.is_grid_officer:
        cells = GridCell.objects.held_by(user)
    else:
        cells = GridCell.objects.none()
    cells = cells.select_related("street", "community").order_by("code")
    out = []
    for cell in cells:
        row = {"code": cell.code, "street": cell.street.code, "street_name": cell.street.name,
               "community": cell.community.name}
        if with_geometry:
            row["geometry"] = cell.geometry
        out.append(row)
    return out


def _utc_offset():
    text = timezone.localtime(clock.now()).strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def _field_config(request, api_url, kind):
    """What the form's script needs: where to send, whose queue it is, and its messages in the page's language."""
    return {
        "apiUrl": api_url,
        "nearbyUrl": reverse("case-nearby"),
        "kind": kind,
        "serviceWorker": reverse("inspections:service-worker"),
        "owner": request.user.get_username(),
        "offset": _utc_offset(),
        "messages": {
            "online": _("已联网"), "offline": _("无网络：提交的内容保存在手机上，联网后自动发送"),
            "queued": _("待发送"), "sent": _("已发送"), "rejected": _("被退回"), "auth": _("等待重新登录"),
            "remove": _("删除"), "report": _("日报"), "case": _("案件"), "cells": _("已选 %(n)s 个网格"),
            "needCells": _("请至少选择一个巡查网格"), "needTimes": _("请填写开始和结束时间"),
            "endAfterStart": _("结束时间须晚于开始时间"), "needPoint": _("请先确定位置（当前位置或地图点选）"),
            "needDescription": _("请填写问题描述"), "handled": _("已当场处置"), "notHandled": _("未处置，转为案件"),
            "noLocation": _("无法获取当前位置，请在地图上点选"), "tooManyPhotos": _("每条发现最多 4 张照片"),
            "queuedNote": _("已保存，等待发送"), "attempts": _("尝试次数"), "noFindings": _("暂无巡查发现"),
            "photoFailed": _("照片无法读取"), "needCategory": _("请选择问题类别"),
            "stuck": _("无法发送"), "retry": _("重试"),
            "stuckNote": _("服务器不接受此项（%(status)s），其余内容照常发送；可重试或删除"),
            "nearbyTitle": _("附近已有 %(n)s 件同类未结案件（%(m)s 米、%(d)s 天内），请确认是否重复上报："),
            "metres": _("米"),
            "checkNeedPoint": _("确定位置后自动查询摊点区域"), "checking": _("正在查询…"),
            "checkOffline": _("无网络，暂时无法查询摊点区域"), "noZone": _("不在任何摊点区域内"), "zone": _("摊点区域"),
            "zoneOpen": _("营业时段内"), "zoneClosed": _("不在营业时段内"), "permit": _("摊位许可"),
            "permitted": _("有效"), "notPermitted": _("无"), "vendor": _("摊贩"),
        },
    }


def _categories():
    return [{"code": c.code, "name": c.name, "major": c.major_name}
            for c in Category.objects.filter(is_active=True).order_by("code")]


@login_required
@ensure_csrf_cookie
@never_cache
def patrol_new(request):
    """The phone form for a patrol report (leaders) or a supervision patrol (bureau staff)."""
    user = request.user
    if not may_patrol(user):
        raise PermissionDenied
    # Bureau staff may patrol any of the district's cells: drawing all their shapes would weigh the page down.
    with_geometry = not user.is_bureau_staff
    context = {
        "cells": _cells_for(user, with_geometry=with_geometry),
        "streets": [{"code": s.code, "name": s.name} for s in Street.objects.order_by("code")]
        if user.is_bureau_staff else [{"code": s.code, "name": s.name} for s in Street.objects.led_by(user)],
        "categories": _categories(),
        "count_fields": [{"code": f.code, "name": f.name, "unit": f.unit} for f in PatrolCountField.objects.active()],
        "shifts": [{"value": v, "label": str(label), "usual": SHIFT_USUAL_TIMES[v]} for v, label in PatrolShift.choices],
        "is_supervision": user.is_bureau_staff,
        "duty_squads": [{"id": s.pk, "name": s.name} for s in Squad.objects.visible_to(user).active()],
        "config": {**_field_config(request, reverse("patrol-report-list"), "patrol"), **_zone_check_config()},
        "today": timezone.localtime(clock.now()).date().isoformat(),
    }
    return render(request, "inspections/patrol_form.html", context)


# Findings of street commerce: the form asks the zones' check for the point and time, and may name a vendor.
STREET_COMMERCE_CATEGORIES = ("09001", "09002", "09006")


def _zone_check_config() -> dict:
    """Where the street-commerce check and the vendor list are, if the markets API offers them (resolved by
    name: inspections does not import the markets app); nothing when it does not."""
    try:
        check_url, vendors_url = reverse("vendor-zone-check"), reverse("vendor-list")
    except NoReverseMatch:
        return {}
    return {"zoneCheck": {"url": check_url, "vendorsUrl": vendors_url + "?page_size=200",
                          "categories": list(STREET_COMMERCE_CATEGORIES)}}


@login_required
@ensure_csrf_cookie
@never_cache
def report_problem(request):
    """The grid officer's phone form: one problem in their cells, filed as a case (source grid_officer)."""
    user = request.user
    if not may_report_problem(user):
        raise PermissionDenied
    context = {
        "cells": _cells_for(user, with_geometry=True),
        "categories": _categories(),
        "config": _field_config(request, reverse("case-list"), "problem"),
        "today": timezone.localtime(clock.now()).date().isoformat(),
    }
    return render(request, "inspections/patrol_report_problem.html", context)


@never_cache
def service_worker(request):
    """The service worker, served from /inspections/ so its scope covers both forms."""
    # JSON-encoded (our own URLs; "<" is escaped so nothing can close a tag if this is ever inlined).
    def js(value):
        return json.dumps(value).replace("<", "\\u003c")

    body = render_to_string("inspections/patrol_sw.js", {
        "pages_json": js([reverse("inspections:patrol-new"), reverse("inspections:report-problem"),
                          reverse("inspections:site-inspect")]),
        "assets_json": js([static(a) for a in FORM_ASSETS]),
        "static_prefix_json": js(static("")),
        "version_json": js(sw_version()),
        "version": sw_version(),
    })
    return HttpResponse(body, content_type="application/javascript; charset=utf-8")


def _coverage_streets(user):
    if user.is_bureau_staff:
        return Street.objects.order_by("code")
    if user.is_street_leader:
        return Street.objects.led_by(user).order_by("code")
    return Street.objects.none()


def _day_after(day, n) -> str:
    """The neighbouring day's ISO date for the page's links; none past 0001-01-01 or 9999-12-31 (no 500)."""
    try:
        return (day + timedelta(days=n)).isoformat()
    except OverflowError:
        return day.isoformat()


@login_required
def coverage(request):
    """Per street and day (or ISO week): which cells were patrolled and which were not."""
    from inspections.periods import WEEK, parse_period

    user = request.user
    if not may_patrol(user):
        raise PermissionDenied
    streets = list(_coverage_streets(user))
    today = timezone.localtime(clock.now()).date()
    error = ""
    week = (request.GET.get("week") or "").strip()
    first = last = today
    if week:
        try:
            period = parse_period(WEEK, week)
            first, last = period.first_day, period.last_day
        except Exception:  # noqa: BLE001 - a bad period shows a message, never an error page
            error, week = "week", ""
    else:
        try:
            first = last = date_cls.fromisoformat(request.GET.get("date") or today.isoformat())
        except ValueError:
            error = "date"
    code = request.GET.get("street") or (streets[0].code if len(streets) == 1 else "")
    selected = None
    if code:
        selected = next((s for s in streets if s.code == code), None)
        if selected is None:
            raise Http404
    rows = []
    for street in streets:
        detail = patrol_coverage_detail(street, first, last)
        rows.append({"street": street, **detail, "percent": round(detail["rate"] * 100)})
    detail = next((r for r in rows if selected and r["street"].pk == selected.pk), None)
    cell_map = []
    if detail is not None:
        patrolled = set(detail["cells_patrolled"])
        cell_map = [{"code": c.code, "geometry": c.geometry, "patrolled": c.code in patrolled}
                    for c in GridCell.objects.filter(code__in=patrolled | set(detail["cells_missed"])).only(
                        "code", "geometry")]
    context = {
        "cell_map": cell_map,
        "rows": rows, "detail": detail, "selected": selected, "first": first, "last": last, "week": week,
        "date": first.isoformat() if not week else "", "error": error,
        "previous_day": _day_after(first, -1), "next_day": _day_after(first, 1),
    }
    return render(request, "inspections/patrol_coverage.html", context)


@login_required
def patrol_list(request):
    """Reports filed (scoped like the API), newest first, with each finding's case."""
    user = request.user
    if not may_patrol(user):
        raise PermissionDenied
    reports = PatrolReport.objects.visible_to(user).for_list()
    day = request.GET.get("date") or ""
    if day:
        try:
            reports = reports.filter(date=date_cls.fromisoformat(day))
        except ValueError:
            day = ""
    page = Paginator(reports, 30).get_page(request.GET.get("page"))
    return render(request, "inspections/patrol_list.html", {"page": page, "date": day})


@login_required
def patrol_detail(request, pk):
    """One report as filed, its findings with their cases, and every earlier version (scoped: else 404)."""
    user = request.user
    if not may_patrol(user):
        raise PermissionDenied
    report = PatrolReport.objects.visible_to(user).for_list().filter(pk=pk).first()
    if report is None:
        raise Http404
    names = dict(PatrolCountField.objects.values_list("code", "name"))
    counts = [(names.get(code, code), n) for code, n in report.counts.items()]
    revisions = report.revisions.select_related("amended_by").order_by("-number")
    return render(request, "inspections/patrol_detail.html", {
        "report": report, "counts": counts, "revisions": revisions,
        "cells": [c.code for c in report.grid_cells.all()],
    })


def patrol_tiles(request):
    """Dashboard: today's patrol reports (a leader: their street's; bureau staff: streets not reported yet)."""
    user = request.user
    if not may_patrol(user):
        return []
    today = timezone.localtime(clock.now()).date()
    reports = PatrolReport.objects.visible_to(user).brigade().filter(date=today)
    url = reverse("inspections:coverage")
    if user.is_bureau_staff:
        reported = set(reports.values_list("street_id", flat=True))
        missing = Street.objects.exclude(pk__in=reported).count()
        return [{"key": "patrols-missing", "label": _("今日未报巡查日报的街道"), "value": missing, "note": "",
                 "url": url, "tone": "yellow" if missing else "green"}]
    count = reports.count()
    return [{"key": "patrols-today", "label": _("今日巡查日报"), "value": count, "note": "",
             "url": reverse("inspections:patrol-new"), "tone": "green" if count else "yellow"}]
