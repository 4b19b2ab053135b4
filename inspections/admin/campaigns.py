"""Admin of campaigns and demolitions: read here (campaigns are planned and demolitions recorded through the
API and the services, which check areas, targets and the case or order a demolition executes)."""
from django.contrib import admin

from bureau.admin_base import BureauStaffReadOnlyAdmin, ReadOnlyInline

from ..models.campaigns import Campaign, CampaignTarget
from ..models.demolitions import Demolition


class CampaignTargetInline(ReadOnlyInline):
    model = CampaignTarget
    fields = ("label", "indicator", "count_code", "category", "target", "unit")
    readonly_fields = fields


@admin.register(Campaign)
class CampaignAdmin(BureauStaffReadOnlyAdmin):
    list_display = ("name", "starts_on", "ends_on", "units")
    search_fields = ("name",)
    inlines = (CampaignTargetInline,)


@admin.register(Demolition)
class DemolitionAdmin(BureauStaffReadOnlyAdmin):
    list_display = ("demolished_on", "site", "street", "party_name", "area_m2", "case", "order_reference")
    list_filter = ("street", "forced")
    date_hierarchy = "demolished_on"
    search_fields = ("site", "party_name", "order_reference")
    list_select_related = ("street", "case")
