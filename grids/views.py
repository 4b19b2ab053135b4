"""Pages: the district map, a cell, a grid officer's own cells. Data for the map comes from the API."""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import Resolver404, resolve

from .maplayers import layers_for
from .models import GridCell, OfficerAssignment, RoadSegment
from .permissions import can_assign_officer, can_read_places

CASE_COUNTS_PATH = "/api/v1/cases/counts-by-cell/"


def _require_field_staff(request):
    if not can_read_places(request.user):
        raise PermissionDenied


def _case_counts_url():
    """The cases app's open-case counts per cell, if it offers them (grids never imports the case app).

    Resolved by URL, so the page asks only when the endpoint exists (a 404 would still be tolerated)."""
    try:
        match = resolve(CASE_COUNTS_PATH)
    except Resolver404:
        return ""
    name = match.url_name or ""
    return CASE_COUNTS_PATH + "?status=open" if "count" in name else ""


@login_required
def district_map(request):
    _require_field_staff(request)
    return render(request, "grids/map.html", {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "tile_gcj02": settings.MAP_TILE_GCJ02,
        "case_counts_url": _case_counts_url(),
        "layers": layers_for(request.user),
    })


@login_required
def cell_detail(request, code):
    _require_field_staff(request)
    if "\x00" in code:  # PostgreSQL refuses NUL in a query parameter (a 500); no cell has it in its code
        raise Http404
    cell = GridCell.objects.readable_by(request.user).with_current_officer().filter(code=code).first()
    if cell is None:
        raise Http404
    history = OfficerAssignment.objects.filter(cell=cell).select_related("officer", "assigned_by").order_by("-start")
    segments = RoadSegment.objects.readable_by(request.user).with_current_chief().filter(street=cell.street)
    officer = cell.current_officers[0].officer if cell.current_officers else None
    return render(request, "grids/cell_detail.html", {
        "cell": cell, "officer": officer, "history": history, "segments": segments,
        "can_assign": can_assign_officer(request.user, cell),
        "case_counts_url": _case_counts_url(),
    })


@login_required
def my_cells(request):
    _require_field_staff(request)
    cells = GridCell.objects.held_by(request.user).select_related("street", "community").order_by("code")
    return render(request, "grids/my_cells.html", {"cells": cells, "case_counts_url": _case_counts_url()})


def dashboard_tiles(request):
    """Dashboard: the district's cells for bureau staff and leaders; an officer's own cells."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    user = request.user
    if not can_read_places(user):
        return []
    if user.is_grid_officer:
        mine = GridCell.objects.held_by(user).count()
        return [{"key": "my-cells", "label": _("我的网格"), "value": mine, "note": _("个单元网格"),
                 "url": reverse("grids:my-cells"), "tone": "green" if mine else "yellow"}]
    cells = GridCell.objects.readable_by(user)
    total = cells.count()
    unheld = cells.exclude(pk__in=OfficerAssignment.objects.current().values("cell_id")).count()
    return [{"key": "cells", "label": _("单元网格"), "value": total,
             "note": _("%(n)d 个未分配网格员") % {"n": unheld} if unheld else _("均已分配网格员"),
             "url": reverse("grids:map"), "tone": "yellow" if unheld else "green"}]
