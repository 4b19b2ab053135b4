"""The work calendar in the admin: days and office hours, written through the audited services."""
from django.contrib import admin

from .models import CalendarDay, WorkPeriod
from .services import calendar_day_set, work_periods_set


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "holiday_name", "source", "updated_at")
    list_filter = ("is_workday", "source")
    search_fields = ("holiday_name",)
    date_hierarchy = "date"
    fields = ("date", "is_workday", "holiday_name")
    list_per_page = 100

    def get_readonly_fields(self, request, obj=None):
        return ("date",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = calendar_day_set(acting_user=request.user, day=obj.date, is_workday=obj.is_workday,
                                 holiday_name=obj.holiday_name)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        # A day is corrected, never removed: a missing day would silently fall back to Monday-Friday.
        return False


@admin.register(WorkPeriod)
class WorkPeriodAdmin(admin.ModelAdmin):
    list_display = ("start", "end")

    def save_model(self, request, obj, form, change):
        others = [(p.start, p.end) for p in WorkPeriod.objects.exclude(pk=obj.pk)]
        saved = work_periods_set(acting_user=request.user, periods=[*others, (obj.start, obj.end)])
        obj.pk = next(p.pk for p in saved if (p.start, p.end) == (obj.start, obj.end))

    def delete_model(self, request, obj):
        work_periods_set(acting_user=request.user,
                         periods=[(p.start, p.end) for p in WorkPeriod.objects.exclude(pk=obj.pk)])

    def delete_queryset(self, request, queryset):
        keep = WorkPeriod.objects.exclude(pk__in=queryset.values("pk"))
        work_periods_set(acting_user=request.user, periods=[(p.start, p.end) for p in keep])
