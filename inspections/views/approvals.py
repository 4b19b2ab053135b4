"""Pages of district approvals: temporary occupation (占道促销, events, night markets) and muck transport in
force in the user's streets (every approval whose area or route touches them), as a list or an xlsx sheet."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bureau import clock

from ..exports import XLSX, approvals_xlsx
from ..models import MuckTransportApproval, OccupationApproval
from ..permissions import may_read_sites


@login_required
def approval_list(request):
    """In force today (`?all=1`: every one), the user's scope; `?format=xlsx` as a sheet."""
    if not may_read_sites(request.user):
        raise PermissionDenied
    occupations = OccupationApproval.objects.visible_to(request.user).prefetch_related("streets")
    muck = MuckTransportApproval.objects.visible_to(request.user).prefetch_related("streets")
    show_all = request.GET.get("all") == "1"
    if not show_all:
        today = timezone.localtime(clock.now()).date()
        occupations, muck = occupations.valid_on(today), muck.valid_on(today)
    occupations, muck = list(occupations[:500]), list(muck[:500])
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(approvals_xlsx(occupations, muck), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="approvals.xlsx"'
        return response
    return render(request, "inspections/approval_list.html", {
        "occupations": occupations, "muck": muck, "show_all": show_all})
