"""Pages of farmers markets: the list (filters, today's cleaning with missed rounds, complaints and repairs
counts, xlsx), one market's page (station and posts, today's rounds, inspections, complaints, repairs,
volunteer points; a round recorded from it), and the complaints list (filters, xlsx)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from bureau.api.exceptions import Conflict

from ..permissions import can_read_markets
from . import services
from .choices import ComplaintKind, ComplaintStatus, RoundStatus
from .exports import XLSX, complaints_xlsx, markets_xlsx
from .models import CleaningSlot, FarmersMarket, MarketComplaint, MarketInspection, MarketInspectionPhoto, StationPost
from .permissions import may_record
from .querysets import cleaning_status


def _require_reader(user):
    if not can_read_markets(user):
        raise PermissionDenied


def _streets(user):
    from grids.models import Street

    return Street.objects.visible_to(user).order_by("code")


def _xlsx(content, name):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def market_list(request):
    """Markets in scope, filtered by street, name and "missed a round today"; `?format=xlsx` exports them."""
    _require_reader(request.user)
    now = clock.now()
    today = timezone.localdate(now)
    qs = (FarmersMarket.objects.visible_to(request.user).active().for_list()
          .annotate(open_complaints=Count("complaints", filter=Q(complaints__status=ComplaintStatus.OPEN),
                                          distinct=True),
                    overdue_complaints=Count("complaints", filter=Q(complaints__status=ComplaintStatus.OPEN,
                                                                    complaints__due_at__lt=now), distinct=True),
                    pending_repairs=Count("repairs", filter=Q(repairs__status="reported"), distinct=True))
          .order_by("street__code", "name"))
    street = request.GET.get("street") or ""
    if street:
        qs = qs.filter(street__code=street)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    markets = list(qs)
    board = cleaning_status([m.pk for m in markets], today, now)
    rows = []
    for m in markets:
        cleaning = board[m.pk]
        missed = sum(1 for _slot, status, _found in cleaning if status == RoundStatus.MISSED)
        rows.append({"market": m, "cleaning": cleaning, "missed": missed, "open_complaints": m.open_complaints,
                     "overdue_complaints": m.overdue_complaints, "pending_repairs": m.pending_repairs})
    missed_only = request.GET.get("missed") == "1"
    if missed_only:
        rows = [r for r in rows if r["missed"]]
    if request.GET.get("format") == "xlsx":
        return _xlsx(markets_xlsx(rows), f"farmers-markets-{today:%Y%m%d}")
    return render(request, "markets/farmers/list.html", {
        "rows": rows, "now": now, "streets": _streets(request.user), "street": street, "q": q,
        "missed_only": missed_only, "total_missed": sum(r["missed"] for r in rows),
    })


@login_required
def market_detail(request, pk):
    """One market; POST `slot` records today's round of that slot (field staff in scope)."""
    _require_reader(request.user)
    market = get_object_or_404(FarmersMarket.objects.visible_to(request.user).for_list(), pk=pk)
    now = clock.now()
    today = timezone.localdate(now)
    if request.method == "POST":
        if not may_record(request.user):
            raise PermissionDenied
        slot = get_object_or_404(CleaningSlot, pk=request.POST.get("slot") or 0, market=market)
        post = StationPost.objects.filter(pk=request.POST.get("post") or 0, station_id=market.station_id).first()
        try:
            services.cleaning_round_record(acting_user=request.user, slot=slot, date=today, post=post,
                                           note=request.POST.get("note", "")[:255])
            messages.success(request, _("已记录保洁：%(slot)s") % {"slot": slot.name})
        except (ValidationError, Conflict) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc.detail)]))
        return redirect("markets:farmers:detail", pk=market.pk)
    return render(request, "markets/farmers/detail.html", {
        "market": market, "now": now, "today": today,
        "cleaning": cleaning_status([market.pk], today, now)[market.pk],
        "posts": market.station.posts.filter(is_active=True) if market.station else [],
        "inspections": market.inspections.select_related("inspector").prefetch_related("photos")[:20],
        "complaints": market.complaints.all()[:50],
        "repairs": market.repairs.all()[:50],
        "points": market.volunteer_points.filter(is_active=True),
        "may_record": may_record(request.user),
    })


@login_required
def complaint_list(request):
    """Complaints in scope by street, kind, status and overdue; `?format=xlsx` exports the filtered list."""
    _require_reader(request.user)
    now = clock.now()
    qs = MarketComplaint.objects.visible_to(request.user).select_related("market__street")
    f = {k: request.GET.get(k) or "" for k in ("street", "kind", "status", "overdue")}
    if f["street"]:
        qs = qs.filter(market__street__code=f["street"])
    if f["kind"] in ComplaintKind.values:
        qs = qs.filter(kind=f["kind"])
    if f["status"] in ComplaintStatus.values:
        qs = qs.filter(status=f["status"])
    if f["overdue"] == "1":
        qs = qs.overdue(now)
    if request.GET.get("format") == "xlsx":
        return _xlsx(complaints_xlsx(qs[:5000], now), f"market-complaints-{timezone.localdate(now):%Y%m%d}")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for c in page:
        c.overdue_now = c.is_overdue(now)
    return render(request, "markets/farmers/complaints.html", {
        "page": page, "f": f, "streets": _streets(request.user), "kinds": ComplaintKind.choices,
        "statuses": ComplaintStatus.choices, "now": now,
    })


@login_required
def inspection_photo(request, pk):
    """An inspection photo, within its market's scope: the copy without EXIF/GPS."""
    _require_reader(request.user)
    photo = get_object_or_404(MarketInspectionPhoto.objects.filter(
        inspection__in=MarketInspection.objects.visible_to(request.user)), pk=pk)
    field = photo.display_file or photo.file
    response = FileResponse(field.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
