"""List filters of the street-commerce API; each `method=` calls a QuerySet method or resolves a code."""
import django_filters
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from enforcement.filtersets import _moment
from grids.models import Street

from .choices import AdKind, AdStatus, PermitStatus, ZoneKind
from .models import OutdoorAd, Shop, StallPermit, VendorZone


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
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = OutdoorAd
        fields = ["street", "kind", "status", "problem", "q"]

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()[:64]
        return queryset.filter(Q(owner__icontains=value) | Q(location__icontains=value)
                               | Q(approval_number__icontains=value)) if value else queryset

    def filter_problem(self, queryset, name, value):
        problem = queryset.problem()
        return problem if _flag(name, value) else queryset.exclude(pk__in=problem.values("pk"))


class ShopFilterSet(_StreetFilterMixin, django_filters.FilterSet):
    street = django_filters.CharFilter(method="filter_street")
    grid = django_filters.CharFilter(field_name="grid__code")
    is_active = django_filters.BooleanFilter()
    covered = django_filters.CharFilter(method="filter_covered")
    flagged = django_filters.CharFilter(method="filter_flagged")
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = Shop
        fields = ["street", "grid", "is_active", "covered", "flagged", "q"]

    def filter_covered(self, queryset, name, value):
        """Needs `has_agreement` (ShopQuerySet.with_agreement / for_register)."""
        return queryset.filter(has_agreement=_flag(name, value))

    def filter_flagged(self, queryset, name, value):
        """Needs `frontage_case_count` (ShopQuerySet.with_frontage_case_count / for_register)."""
        from .choices import SHOP_FLAG_CASES

        if _flag(name, value):
            return queryset.filter(frontage_case_count__gte=SHOP_FLAG_CASES)
        return queryset.filter(frontage_case_count__lt=SHOP_FLAG_CASES)

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()[:64]
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value)
                               | Q(licence_number__icontains=value)) if value else queryset
