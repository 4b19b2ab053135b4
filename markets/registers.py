"""Pages of the street-commerce registers: zones, vendors and stall permits, each a filtered list (also as
xlsx) and a detail page, every row through `visible_to(user)`; the permit page carries the lifecycle actions
the user may take as forms, which call the workflow's services. Vendors' phones and ID numbers are shown and
exported only masked (the register stores nothing else)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import APIException

from bureau import clock
from grids.models import Street

from . import services, workflow
from .choices import NightSnackRule, PermitStatus, VendorKind, ZoneKind
from .exports import XLSX, permits_xlsx, vendors_xlsx, zones_xlsx
from .filtersets import StallPermitFilterSet, VendorZoneFilterSet
from .forms import PAGE_ACTIONS, PermitActionForm
from .hours import hours_lines
from .models import StallPermit, StallPermitEvent, Vendor, VendorCaseLink, VendorSlot, VendorZone
from .permissions import can_read_markets

PAGE_SIZE = 50
EXPORT_LIMIT = 5000


def _require_reader(user):
    if not can_read_markets(user):
        raise PermissionDenied


def _params(request):
    """The filters given, without paging and format; NUL removed (PostgreSQL refuses it in a query: a 500)."""
    params = request.GET.copy()
    for key in list(params):
        value = (params.get(key) or "").replace("\x00", "")
        if value == "" or key in ("page", "format"):
            del params[key]
        else:
            params[key] = value
    return params


def _filtered(request, filterset_class, base):
    """The filterset's rows; bad filter values are a message on the page and no rows, never a 500."""
    filterset = filterset_class(_params(request), queryset=base)
    try:
        if filterset.is_valid():
            return filterset.qs
        messages.error(request, "; ".join(str(m) for errors in filterset.errors.values() for m in errors))
    except DjangoValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return base.none()


def _xlsx(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    stamp = timezone.localdate(clock.now()).isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def _wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _streets(user):
    return Street.objects.visible_to(user).order_by("code")


def _register(request, rows, *, export, name, template, each=None, **context):
    """A register's list: `?format=xlsx` as a spreadsheet of the filtered rows, else a page of them (`each`
    called on every row of the page)."""
    if _wants_xlsx(request):
        return _xlsx(export(rows[:EXPORT_LIMIT]), name)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page if each else ():
        each(row)
    return render(request, template, {"page": page, "streets": _streets(request.user), **context})


# ---------------------------------------------------------------------------------------------- zones


@login_required
@require_GET
def zone_list(request):
    user = request.user
    _require_reader(user)
    base = VendorZone.objects.visible_to(user).select_related("street").prefetch_related("windows")
    zones = _filtered(request, VendorZoneFilterSet, base)
    if request.GET.get("active") == "1":
        zones = zones.active()
    now = clock.now()

    def mark_open(zone):
        zone.open_now = zone.is_open_at(now)

    return _register(request, zones, export=zones_xlsx, name="vendor-zones", template="markets/zone_list.html",
                     each=mark_open, kinds=ZoneKind.choices, now=now)


def _zone_for(user, pk):
    return get_object_or_404(VendorZone.objects.visible_to(user).select_related("street")
                             .prefetch_related("windows"), pk=pk)


@login_required
@require_GET
def zone_detail(request, pk):
    user = request.user
    _require_reader(user)
    zone = _zone_for(user, pk)
    today = timezone.localdate(clock.now())
    permits = {p.slot_id: p for p in StallPermit.objects.visible_to(user).filter(zone=zone).current(today)
               .select_related("vendor").order_by("valid_from")}
    slots = list(VendorSlot.objects.filter(zone=zone).order_by("number"))
    for slot in slots:
        slot.permit = permits.get(slot.pk)
    return render(request, "markets/zone_detail.html", {
        "zone": zone, "slots": slots, "hours": hours_lines(zone.windows.all()), "open_now": zone.is_open_at(clock.now()),
        "pending": StallPermit.objects.visible_to(user).filter(zone=zone).pending().select_related("vendor", "slot"),
        "rules": NightSnackRule.choices if zone.kind == ZoneKind.NIGHT_SNACK else [],
    })


# ---------------------------------------------------------------------------------------------- vendors


def _vendor_rows(request, user):
    vendors = Vendor.objects.visible_to(user).distinct()
    params = _params(request)
    name = (params.get("q") or "").strip()
    if name:
        vendors = vendors.filter(name__icontains=name)
    kind = params.get("kind") or ""
    if kind in VendorKind.values:
        vendors = vendors.filter(kind=kind)
    code = params.get("street") or ""
    if code:
        # where they hold a permit or were caught: two subqueries, so no join multiplies the rows
        vendors = vendors.filter(
            Q(pk__in=StallPermit.objects.filter(zone__street__code=code).values("vendor_id"))
            | Q(pk__in=VendorCaseLink.objects.filter(case__street__code=code).values("vendor_id")))
    return vendors.order_by("name", "pk")


@login_required
@require_GET
def vendor_list(request):
    user = request.user
    _require_reader(user)
    return _register(request, _vendor_rows(request, user), export=vendors_xlsx, name="vendors",
                     template="markets/vendor_list.html", kinds=VendorKind.choices)


@login_required
@require_GET
def vendor_detail(request, pk):
    user = request.user
    _require_reader(user)
    vendor = get_object_or_404(Vendor.objects.visible_to(user).distinct(), pk=pk)
    permits = (StallPermit.objects.visible_to(user).filter(vendor=vendor).select_related("zone__street", "slot")
               .order_by("-valid_from"))
    links = (VendorCaseLink.objects.visible_to(user).filter(vendor=vendor)
             .select_related("case__street", "case__category"))
    return render(request, "markets/vendor_detail.html", {
        "vendor": vendor, "permits": permits, "links": links,
    })


# ---------------------------------------------------------------------------------------------- permits


def _permit_rows(request, user):
    base = StallPermit.objects.visible_to(user).select_related("zone__street", "vendor", "slot").order_by(
        "-applied_at", "-pk")
    return _filtered(request, StallPermitFilterSet, base)


@login_required
@require_GET
def permit_list(request):
    user = request.user
    _require_reader(user)
    return _register(request, _permit_rows(request, user), export=permits_xlsx, name="stall-permits",
                     template="markets/permit_list.html", statuses=PermitStatus.choices,
                     pending_count=StallPermit.objects.visible_to(user).pending().count())


def _permit_for(user, pk):
    return get_object_or_404(StallPermit.objects.visible_to(user).select_related("zone__street", "vendor", "slot",
                                                                                 "renewal_of", "issued_by"), pk=pk)


EVENT_LABELS = {
    "apply": _lazy("申请"), "review": _lazy("街道审核"), "reject": _lazy("不予通过"), "approve": _lazy("区局批准"),
    "issue": _lazy("直接发证"), "renew": _lazy("续期"), "start": _lazy("生效"), "expire": _lazy("过期"),
    "revoke": _lazy("吊销"),
}
ACTION_LABELS = {
    "review": _lazy("街道审核通过（报区局）"), "reject": _lazy("不予通过"), "approve": _lazy("区局批准"),
    "revoke": _lazy("吊销"), "renew": _lazy("续期"),
}


def _action_forms(user, permit, failed=None):
    out = []
    for action in workflow.actions_for(user, permit):
        if action not in PAGE_ACTIONS:
            continue
        initial = {"action": action, "checklist": [k for k, v in (permit.checklist or {}).items() if v]}
        form = failed if failed is not None and failed.data.get("action") == action else PermitActionForm(
            initial=initial, prefix=action)
        out.append({"action": action, "label": ACTION_LABELS[action], "form": form})
    return out


@login_required
def permit_detail(request, pk, failed=None):
    user = request.user
    _require_reader(user)
    permit = _permit_for(user, pk)
    events = list(StallPermitEvent.objects.filter(permit=permit).select_related("actor").order_by("at", "pk"))
    statuses = dict(PermitStatus.choices)
    for event in events:
        event.action_label = EVENT_LABELS.get(event.action, event.action)
        event.to_label = statuses.get(event.to_status, event.to_status)
    return render(request, "markets/permit_detail.html", {
        "permit": permit, "events": events, "action_forms": _action_forms(user, permit, failed),
        "night_snack": permit.zone.kind == ZoneKind.NIGHT_SNACK,
        "rules": [(code, label, (permit.checklist or {}).get(code)) for code, label in NightSnackRule.choices],
        "renewal": StallPermit.objects.filter(renewal_of=permit).first(),
    }, status=400 if failed is not None else 200)


def _call(user, permit, action, form):
    data = form.cleaned_data
    note = (data.get("note") or "").strip()
    # the five unified requirements are a night-snack zone's: other zones' permits keep no checklist
    checklist = form.checklist_dict() if permit.zone.kind == ZoneKind.NIGHT_SNACK else None
    if action == "review":
        return services.stall_permit_review(acting_user=user, permit=permit, note=note, checklist=checklist)
    if action == "reject":
        return services.stall_permit_reject(acting_user=user, permit=permit, reason=note)
    if action == "approve":
        return services.stall_permit_approve(acting_user=user, permit=permit, note=note, checklist=checklist)
    if action == "revoke":
        return services.stall_permit_revoke(acting_user=user, permit=permit, reason=note)
    return services.stall_permit_renew(acting_user=user, permit=permit, valid_to=data.get("valid_to"))


@login_required
@require_POST
def permit_act(request, pk):
    """The permit page's action forms post here; the service decides, the page shows the outcome."""
    user = request.user
    _require_reader(user)
    action = request.POST.get("action") or ""
    # permission before scope before state: a role that may never take the step gets 403, whatever the permit
    if action in PAGE_ACTIONS and not workflow.may(user, action):
        raise PermissionDenied(_("您无权执行此操作。"))
    permit = _permit_for(user, pk)
    if action not in PAGE_ACTIONS:
        messages.error(request, _("未知的操作。"))
        return redirect("markets:permit", pk=pk)
    form = PermitActionForm(request.POST, prefix=action)
    form.data = form.data.copy()
    form.data[f"{action}-action"] = action
    if not form.is_valid():
        form.data["action"] = action
        return permit_detail(request, pk, failed=form)
    try:
        result = _call(user, permit, action, form)
    except DjangoValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            for error in errors:
                form.add_error(field if field in form.fields and field != "action" else None, error)
        form.data["action"] = action
        return permit_detail(request, pk, failed=form)
    except APIException as exc:  # the state conflicts (409 in the API): said on the page
        messages.error(request, str(exc.detail))
        return redirect("markets:permit", pk=pk)
    messages.success(request, _("已完成：%(action)s") % {"action": ACTION_LABELS[action]})
    return redirect("markets:permit", pk=result.pk if action == "renew" else pk)
