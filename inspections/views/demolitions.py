"""The rural illegal-building squad's weekly bulletin (违建巡查情况通报): per town, the illegal building found,
stopped and demolished in an ISO week; a page to print, or `?format=xlsx`."""
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from grids.models import Street

from ..exports import XLSX, illegal_building_xlsx
from ..permissions import may_read_sites
from ..services.campaigns import illegal_building_week


@login_required
def illegal_building_bulletin(request):
    from inspections.periods import WEEK, parse_period

    user = request.user
    if not may_read_sites(user):
        raise PermissionDenied
    today = timezone.localtime(clock.now()).date()
    last_week = (today - timedelta(days=7)).isocalendar()
    week = (request.GET.get("week") or "").strip() or f"{last_week.year}-W{last_week.week:02d}"
    error = ""
    try:
        period = parse_period(WEEK, week)
        first, last = period.first_day, period.last_day
    except Exception:  # noqa: BLE001 - a bad week shows a message, never an error page
        error, week = _("无效的周：%(week)s") % {"week": week[:20]}, f"{last_week.year}-W{last_week.week:02d}"
        period = parse_period(WEEK, week)
        first, last = period.first_day, period.last_day
    rows = illegal_building_week(first, last, Street.objects.visible_to(user).order_by("code"))
    totals = {k: sum(r[k] for r in rows) for k in ("found", "stopped", "demolished", "demolished_m2")}
    if request.GET.get("format") == "xlsx" and not error:
        response = HttpResponse(illegal_building_xlsx(week, first, last, rows, totals), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="illegal-building-{week}.xlsx"'
        return response
    return render(request, "inspections/illegal_building_bulletin.html", {
        "rows": rows, "totals": totals, "week": week, "first": first, "last": last, "error": error})
