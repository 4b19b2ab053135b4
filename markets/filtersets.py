"""List filters of the street-commerce API; each `method=` calls a QuerySet method or resolves a code."""
import django_filters
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from enforcement.filtersets import _moment
from grids.models import Street

from .choices import AdKind, AdStatus, PermitStatus, ZoneKind
from .models import OutdoorAd, StallPermit, VendorZone


def _flag(name, value):
    flag = {"true": True, "1": True, "false": False, "0": False}.get((value or "").strip().lower())
    if flag is None:
        raise ValidationError({name: [_("只能是 true 或 false")]})
    return flag


def _street_pk(value):
    return next(iter(Street.objects.filter(code=value).values_list("pk", flat=True)[:1]), None)


class _StreetFilterMixin:
    street_path = "street_id"

    def filter_street(self, queryset, name, value):
        pk = _street_pk(value)
        return queryset.filter(**{self.street_path: pk}) if pk is not None else queryset.none()


class VendorZoneFilterSet(_StreetFilterMixin, django_filters.FilterSet):
    street = django_filters.CharFilter(method="filter_street")
    kind = django_filters.ChoiceFilter(choices=ZoneKind.choices)
    open_at = django_filters.CharFilter(method="filter_open_at")

    class Meta:
        model = VendorZone
        fields = ["street", "kind", "open_at"]

    def filter_open_at(self, queryset, name, value):
        return queryset.open_at(_moment(name, value))


class StallPermitFilterSet(_StreetFilterMixin, django_filters.FilterSet):
    street_path = "zone__street_id"
    street = django_filters.CharFilter(method="filter_street")
    status = django_filters.ChoiceFilter(choices=PermitStatus.choices)
    due_for_renewal = django_filters.CharFilter(method="filter_due_for_renewal")

    class Meta:
        model = StallPermit
        fields = ["street", "status", "due_for_renewal"]

    def filter_due_for_renewal(self, queryset, name, value):
        today = timezone.localdate(clock.now())
        due = queryset.due_for_renewal(today)
        return due if _flag(name, value) else queryset.exclude(pk__in=due.values("pk"))


class OutdoorAdFilterSet(_StreetFilterMixin, django_filters.FilterSet):
    street = django_filters.CharFilter(method="filter_street")
    kind = django_filters.ChoiceFilter(choices=AdKind.choices)
    status = django_filters.ChoiceFilter(choices=AdStatus.choices)
    problem = django_filters.CharFilter(method="filter_problem")

    class Meta:
        model = OutdoorAd
        fields = ["street", "kind", "status", "problem"]

    def filter_problem(self, queryset, name, value):
        problem = queryset.problem()
        return problem if _flag(name, value) else queryset.exclude(pk__in=problem.values("pk"))
