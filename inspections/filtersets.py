"""Filters of the inspections lists: explicit parameters, each one tested."""
import django_filters
from django.utils.translation import gettext as _

from grids.models import Street

from .choices import OccupationKind, PatrolShift, PatrolSource
from .models import ConstructionSite, MuckTransportApproval, OccupationApproval, PatrolReport, SiteInspection


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


class ConstructionSiteFilterSet(django_filters.FilterSet):
    street = django_filters.CharFilter(field_name="street__code", label=_("街道代码"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("在建日期"))
    agreement_signed = django_filters.BooleanFilter(field_name="agreement_signed_on", lookup_expr="isnull",
                                                    exclude=True, label=_("已签责任书"))

    class Meta:
        model = ConstructionSite
        fields = ["street", "active_on", "agreement_signed"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_between(value, value)


class SiteInspectionFilterSet(django_filters.FilterSet):
    site = django_filters.NumberFilter(field_name="site_id")
    street = django_filters.CharFilter(field_name="site__street__code", label=_("街道代码"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = SiteInspection
        fields = ["site", "street", "date_after", "date_before"]


class MuckApprovalFilterSet(django_filters.FilterSet):
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("有效日期"))
    street = django_filters.CharFilter(field_name="streets__code", label=_("途经街道代码"), distinct=True)

    class Meta:
        model = MuckTransportApproval
        fields = ["valid_on", "street"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.valid_on(value)


class OccupationApprovalFilterSet(django_filters.FilterSet):
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("有效日期"))
    street = django_filters.CharFilter(field_name="streets__code", label=_("涉及街道代码"), distinct=True)
    kind = django_filters.ChoiceFilter(choices=OccupationKind.choices, label=_("类型"))

    class Meta:
        model = OccupationApproval
        fields = ["valid_on", "street", "kind"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.valid_on(value)
