"""Filters of the inspections lists: explicit parameters, each one tested."""
import django_filters
from django.utils.translation import gettext as _

from grids.models import Street

from .choices import PatrolShift, PatrolSource
from .models import PatrolReport


class PatrolReportFilterSet(django_filters.FilterSet):
    date = django_filters.DateFilter(field_name="date")
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    street = django_filters.CharFilter(method="filter_street", label=_("街道代码"))
    shift = django_filters.ChoiceFilter(choices=PatrolShift.choices)
    source = django_filters.ChoiceFilter(choices=PatrolSource.choices)

    class Meta:
        model = PatrolReport
        fields = ["date", "date_after", "date_before", "street", "shift", "source"]

    def filter_street(self, queryset, name, value):
        street = Street.objects.filter(code=value).first()
        if street is None:
            return queryset.none()
        return queryset.covering_street(street)
