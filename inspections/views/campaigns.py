"""Pages of campaigns: the list with each campaign's progress, and the closing report (A4, or xlsx)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from ..exports import XLSX, campaign_report_xlsx
from ..models import Campaign
from ..permissions import may_read_sites
from ..services.campaigns import campaign_progress


@login_required
def campaign_list(request):
    if not may_read_sites(request.user):
        raise PermissionDenied
    campaigns = Campaign.objects.visible_to(request.user).prefetch_related("streets")
    return render(request, "inspections/campaign_list.html", {"campaigns": campaigns})


@login_required
def campaign_report(request, pk):
    """The closing report: every target, per street and in total, printable on A4; `?format=xlsx` as a sheet."""
    if not may_read_sites(request.user):
        raise PermissionDenied
    campaign = Campaign.objects.visible_to(request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    progress = campaign_progress(campaign)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(campaign_report_xlsx(progress), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.xlsx"'
        return response
    rows = [{**row, "cells": [row["by_street"][s.pk] for s in progress["streets"]]} for row in progress["targets"]]
    return render(request, "inspections/campaign_report.html", {
        "campaign": campaign, "streets": progress["streets"], "rows": rows})
