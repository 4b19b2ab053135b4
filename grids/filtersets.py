"""Filters of the places API: codes and usernames, never database ids."""
import django_filters
from django.db.models import Q

from .choices import StreetKind
from .models import Community, GridCell, OfficerAssignment, RoadSegment, Street, StreetLeaderAssignment
from .querysets import _current


def _community_q(prefix: str, value: str) -> Q:
    """`community` is 3 digits (that code in any street; combine with `street`) or 6 (street + community)."""
    value = (value or "").strip()
    if len(value) == 6:
        return Q(**{f"{prefix}street__code": value[:3], f"{prefix}code": value[3:]})
    return Q(**{f"{prefix}code": value})


class StreetFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=StreetKind.choices)

    class Meta:
        model = Street
        fields = ["kind"]


class CommunityFilterSet(django_filters.FilterSet):
    street = django_filters.CharFilter(field_name="street__code")

    class Meta:
        model = Community
        fields = ["street"]


class GridCellFilterSet(django_filters.FilterSet):
    street = django_filters.CharFilter(field_name="street__code", help_text="3-digit street code")
    community = django_filters.CharFilter(
        method="filter_community", help_text="3-digit community code (with street) or 6-digit street+community"
    )
    land_use = django_filters.CharFilter()
    management_level = django_filters.CharFilter()
    officer = django_filters.CharFilter(method="filter_officer", help_text="username of the current grid officer")
    has_officer = django_filters.BooleanFilter(method="filter_has_officer")

    class Meta:
        model = GridCell
        fields = ["street", "community", "land_use", "management_level", "officer", "has_officer"]

    def filter_community(self, queryset, name, value):
        return queryset.filter(_community_q("community__", value))

    def filter_officer(self, queryset, name, value):
        return queryset.filter(
            pk__in=OfficerAssignment.objects.current().filter(officer__username=value).values("cell_id")
        )

    def filter_has_officer(self, queryset, name, value):
        held = OfficerAssignment.objects.current().values("cell_id")
        return queryset.filter(pk__in=held) if value else queryset.exclude(pk__in=held)


class RoadSegmentFilterSet(django_filters.FilterSet):
    street = django_filters.CharFilter(field_name="street__code")
    name = django_filters.CharFilter(lookup_expr="icontains")
    chief = django_filters.CharFilter(method="filter_chief", help_text="username of the current street chief")

    class Meta:
        model = RoadSegment
        fields = ["street", "name", "chief"]

    def filter_chief(self, queryset, name, value):
        return queryset.filter(_current("chief_assignments__"), chief_assignments__chief__username=value).distinct()


class OfficerAssignmentFilterSet(django_filters.FilterSet):
    cell = django_filters.CharFilter(field_name="cell__code")
    officer = django_filters.CharFilter(field_name="officer__username")
    street = django_filters.CharFilter(field_name="cell__street__code")
    current = django_filters.BooleanFilter(method="filter_current")

    class Meta:
        model = OfficerAssignment
        fields = ["cell", "officer", "street", "current"]

    def filter_current(self, queryset, name, value):
        return queryset.filter(_current()) if value else queryset.exclude(_current())


class StreetLeaderAssignmentFilterSet(django_filters.FilterSet):
    street = django_filters.CharFilter(field_name="street__code")
    user = django_filters.CharFilter(field_name="user__username")
    current = django_filters.BooleanFilter(method="filter_current")

    class Meta:
        model = StreetLeaderAssignment
        fields = ["street", "user", "current"]

    def filter_current(self, queryset, name, value):
        return queryset.filter(_current()) if value else queryset.exclude(_current())
