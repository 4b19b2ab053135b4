"""Filters of the auditor's audit-log page and its CSV export."""
import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


class AuditEntryFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_username", lookup_expr="iexact", label=_("用户名"))
    action = django_filters.CharFilter(field_name="action", lookup_expr="startswith", label=_("事件"))
    outcome = django_filters.ChoiceFilter(field_name="outcome", choices=AuditEntry.Outcome.choices, label=_("结果"),
                                          empty_label=_("全部结果"))
    client_ip = django_filters.CharFilter(field_name="client_ip", lookup_expr="exact", label=_("客户端地址"),
                                          method="filter_client_ip")
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("起始日期"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("截止日期"))

    class Meta:
        model = AuditEntry
        fields = []

    def filter_client_ip(self, queryset, name, value):
        # An address that is not an IP matches nothing (the column is typed inet on PostgreSQL).
        import ipaddress

        try:
            ipaddress.ip_address(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(client_ip=value)
