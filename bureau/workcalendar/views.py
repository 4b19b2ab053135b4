"""The work calendar page: bureau staff check a year against the State Council's notice and enter it."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bureau import clock

from . import calendar
from .forms import CalendarDayForm
from .services import calendar_day_set, calendar_exceptions, calendar_missing_years


@login_required
def calendar_page(request):
    if not request.user.is_bureau_staff:
        raise PermissionDenied
    this_year = clock.now().year
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or this_year)
    except ValueError:
        year = this_year
    if not 2000 <= year <= this_year + 5:
        year = this_year
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        day = calendar_day_set(acting_user=request.user, day=form.cleaned_data["date"],
                               is_workday=form.cleaned_data["is_workday"],
                               holiday_name=form.cleaned_data["holiday_name"])
        messages.success(request, _("已保存 %(day)s。") % {"day": day.date.isoformat()})
        return redirect(f"{request.path}?year={day.date.year}")
    return render(request, "workcalendar/calendar.html", {
        "year": year,
        "years": range(this_year - 1, this_year + 2),
        "days": calendar_exceptions(year),
        "has_data": calendar.year_has_data(year),
        "missing_years": calendar_missing_years(),
        "periods": calendar.snapshot().periods,
        "form": form,
    })
