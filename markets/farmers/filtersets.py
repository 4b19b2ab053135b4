"""List filters of the farmers-market API and pages."""
import django_filters

from bureau import clock

from ..filtersets import _flag, _StreetFilterMixin
from .choices import ComplaintKind, ComplaintStatus, RepairStatus
from .models import CleaningRound, FarmersMarket, MarketComplaint, MarketInspection, MarketRepair


class FarmersMarketFilterSet(_StreetFilterMixin, django_filters.FilterSet):
    street = django_filters.CharFilter(method="filter_street")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = FarmersMarket
        fields = ["street", "is_active"]


class _MarketRowFilterSet(_StreetFilterMixin, django_filters.FilterSet):
    street_path = "market__street_id"
    street = django_filters.CharFilter(method="filter_street")
    market = django_filters.NumberFilter(field_name="market_id")


class CleaningRoundFilterSet(_MarketRowFilterSet):
    date = django_filters.DateFilter()

    class Meta:
        model = CleaningRound
        fields = ["street", "market", "date"]


class MarketInspectionFilterSet(_MarketRowFilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = MarketInspection
        fields = ["street", "market", "date_from", "date_to"]


class MarketComplaintFilterSet(_MarketRowFilterSet):
    kind = django_filters.ChoiceFilter(choices=ComplaintKind.choices)
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices)
    overdue = django_filters.CharFilter(method="filter_overdue")

    class Meta:
        model = MarketComplaint
        fields = ["street", "market", "kind", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(clock.now())
        return overdue if _flag(name, value) else queryset.exclude(pk__in=overdue.values("pk"))


class MarketRepairFilterSet(_MarketRowFilterSet):
    status = django_filters.ChoiceFilter(choices=RepairStatus.choices)

    class Meta:
        model = MarketRepair
        fields = ["street", "market", "status"]
