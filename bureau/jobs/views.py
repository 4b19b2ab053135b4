from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from .models import JobRun


@login_required
def job_list(request):
    """The job log page: what ran, what failed (a failed job is visible to staff)."""
    if not request.user.is_bureau_staff:  # superusers included
        raise PermissionDenied
    runs = JobRun.objects.visible_to(request.user)
    if request.GET.get("status") in JobRun.Status.values:
        runs = runs.filter(status=request.GET["status"])
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page, "statuses": JobRun.Status.choices})
