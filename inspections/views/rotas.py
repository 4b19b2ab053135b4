"""Pages of duty rotas: the list, one rota read against the patrol reports (day by day, gaps named), and
where the brigades' time goes in a month (urban management against other street work)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from grids.models import Street

from ..choices import OffRotaReason
from ..models import Rota
from ..permissions import may_patrol
from ..services.rotas import brigade_time, rota_plan_vs_done
from ..services.sites import month_bounds


@login_required
def rota_list(request):
    if not may_patrol(request.user):
        raise PermissionDenied
    rotas = Rota.objects.visible_to(request.user).select_related("street")
    return render(request, "inspections/rota_list.html", {"rotas": rotas})


@login_required
def rota_detail(request, pk):
    if not may_patrol(request.user):
        raise PermissionDenied
    rota = Rota.objects.visible_to(request.user).select_related("street").filter(pk=pk).first()
    if rota is None:
        raise Http404
    days = rota_plan_vs_done(rota)
    return render(request, "inspections/rota_detail.html", {
        "rota": rota, "days": days, "gap_days": sum(1 for d in days if d["gaps"])})


@login_required
def brigade_time_page(request):
    """`?month=YYYY-MM&street=<code>`: each brigade's duty hours, urban management against other work by reason."""
    if not may_patrol(request.user):
        raise PermissionDenied
    month = (request.GET.get("month") or "").strip() or timezone.localtime(clock.now()).strftime("%Y-%m")
    try:
        first, last = month_bounds(month)
    except ValidationError:
        raise Http404 from None
    streets = Street.objects.visible_to(request.user)
    code = (request.GET.get("street") or "").strip()
    if code:
        streets = [get_object_or_404(streets, code=code.replace("\x00", ""))]
    report = brigade_time(streets, first, last)
    return render(request, "inspections/brigade_time.html", {
        "month": month, "report": report, "reasons": OffRotaReason.choices})


def brigade_time_tiles(request):
    """Dashboard: this month's hours of the user's brigades, urban management against other street work."""
    user = request.user
    if not may_patrol(user):
        return []
    today = timezone.localtime(clock.now()).date()
    total = brigade_time(Street.objects.visible_to(user), today.replace(day=1), today)["total"]
    share = total["urban_share"]
    return [{"key": "brigade-time", "label": _("大队时间去向（本月）"),
             "value": _("城管 %(urban)s 小时 / 其他 %(other)s 小时") % {
                 "urban": total["urban_hours"], "other": total["other_hours"]},
             "note": _("城管工作占 %(pct)s%%") % {"pct": round(share * 100)} if share is not None else "",
             "url": reverse("inspections:brigade-time"),
             "tone": "green" if share is None or share >= 0.8 else "yellow" if share >= 0.5 else "red"}]
