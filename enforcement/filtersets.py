"""Case list filters: status, street, grid, category, source, reported_after/before, overdue."""
from datetime import UTC, datetime, time

import django_filters
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from grids.models import GridCell, Street

from .choices import OPEN_STATUSES, CaseSource, CaseStatus
from .models import Case, Category


def _moment(name, value):
    """An ISO datetime (with or without offset) or a date (its local midnight)."""
    value = (value or "").strip().replace(" ", "+") if "T" in (value or "") else (value or "").strip()
    try:
        dt = parse_datetime(value)
        if dt is None:
            d = parse_date(value)
            if d is not None:
                dt = datetime.combine(d, time.min)
    except ValueError:
        dt = None
    if dt is None:
        raise ValidationError({name: [_("无效的日期时间：%(value)s") % {"value": value}]})
    try:
        if timezone.is_naive(dt):
            dt = timezone.make_aware(dt)
        # The database compares in UTC: a moment at the edge of year 1 or 9999 cannot be converted (500).
        dt.astimezone(UTC)
    except OverflowError:
        raise ValidationError({name: [_("无效的日期时间：%(value)s") % {"value": value}]}) from None
    return dt


class CaseFilterSet(django_filters.FilterSet):
    status = django_filters.CharFilter(method="filter_status")
    street = django_filters.CharFilter(method="filter_street")
    grid = django_filters.CharFilter(method="filter_grid")
    category = django_filters.CharFilter(method="filter_category")
    source = django_filters.ChoiceFilter(choices=CaseSource.choices)
    reported_after = django_filters.CharFilter(method="filter_reported_after")
    reported_before = django_filters.CharFilter(method="filter_reported_before")
    overdue = django_filters.CharFilter(method="filter_overdue")

    class Meta:
        model = Case
        fields = ["status", "street", "grid", "category", "source", "reported_after", "reported_before", "overdue"]

    def filter_status(self, queryset, name, value):
        values = [v.strip() for v in value.split(",") if v.strip()]
        statuses = set()
        for v in values:
            if v == "open":
                statuses.update(OPEN_STATUSES)
            elif v in CaseStatus.values:
                statuses.add(v)
            else:
                raise ValidationError({"status": [_("未知的状态：%(value)s") % {"value": v}]})
        if len(statuses) == 1:
            return queryset.filter(status=statuses.pop())
        return queryset.filter(status__in=sorted(statuses))

    # Codes are resolved to ids first (one small query each) so PostgreSQL plans with the real value and its
    # statistics: a rare status in one street then uses the (street, status, reported_at) index.
    def filter_street(self, queryset, name, value):
        return self._by_id(queryset, "street_id", Street.objects.filter(code=value))

    def filter_grid(self, queryset, name, value):
        return self._by_id(queryset, "grid_id", GridCell.objects.filter(code=value))

    def filter_category(self, queryset, name, value):
        return self._by_id(queryset, "category_id", Category.objects.filter(code=value))

    @staticmethod
    def _by_id(queryset, field, lookup):
        pk = next(iter(lookup.values_list("pk", flat=True)[:1]), None)
        return queryset.filter(**{field: pk}) if pk is not None else queryset.none()

    def filter_overdue(self, queryset, name, value):
        flag = {"true": True, "1": True, "false": False, "0": False}.get(value.strip().lower())
        if flag is None:
            raise ValidationError({"overdue": [_("只能是 true 或 false")]})
        return queryset.filter(overdue=flag)

    def filter_reported_after(self, queryset, name, value):
        return queryset.filter(reported_at__gte=_moment(name, value))

    def filter_reported_before(self, queryset, name, value):
        return queryset.filter(reported_at__lt=_moment(name, value))
