"""Pages of duty rotas: the list, and one rota read against the patrol reports, day by day, gaps named."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from ..models import Rota
from ..permissions import may_patrol
from ..services.rotas import rota_plan_vs_done


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
