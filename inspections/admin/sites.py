"""Admin of construction sites: bureau staff keep the dust-control checklist and the site file (saved through
the services); inspections and muck approvals are read here, filed through the API and the phone form."""
from django.contrib import admin

from bureau.admin_base import BureauStaffAdmin, BureauStaffReadOnlyAdmin, ReadOnlyInline

from ..models.sites import ConstructionSite, DustCheckItem, MuckTransportApproval, SiteInspection, SiteInspectionItem
from ..services import sites as services


@admin.register(DustCheckItem)
class DustCheckItemAdmin(BureauStaffAdmin):
    """The checklist is data: staff add items, reword them, reorder them, retire them (is_active)."""

    list_display = ("code", "name", "category", "rectify_days", "order", "is_active")
    list_editable = ("rectify_days", "order", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("category",)


@admin.register(ConstructionSite)
class ConstructionSiteAdmin(BureauStaffAdmin):
    list_display = ("name", "street", "developer", "contractor", "permit_number", "starts_on", "completed_on",
                    "agreement_signed_on")
    list_filter = ("street",)
    search_fields = ("name", "developer", "contractor", "permit_number")
    list_select_related = ("street",)
    fields = ("name", "developer", "contractor", "permit_number", "lat", "lng", "boundary", "address", "starts_on",
              "ends_on", "completed_on", "responsible_persons", "agreement_signed_on", "street", "grid",
              "contractor_party", "registered_by", "registered_at")
    readonly_fields = ("street", "grid", "contractor_party", "registered_by", "registered_at")

    def save_model(self, request, obj, form, change):
        values = {f: form.cleaned_data.get(f) for f in services.SITE_EDITABLE if f in form.cleaned_data}
        if not change:
            created = services.site_register(acting_user=request.user, **values)
            obj.pk = created.pk
            return
        changed = {f: values[f] for f in form.changed_data if f in values}
        services.site_update(acting_user=request.user, site=obj, **changed)


class SiteInspectionItemInline(ReadOnlyInline):
    model = SiteInspectionItem
    fk_name = "inspection"
    fields = ("item", "result", "note", "photo_count", "case", "order", "rectify_by", "resolved_by")
    readonly_fields = fields


@admin.register(SiteInspection)
class SiteInspectionAdmin(BureauStaffReadOnlyAdmin):
    list_display = ("site", "inspected_at", "inspector", "source", "failed_count")
    list_filter = ("source",)
    date_hierarchy = "date"
    list_select_related = ("site", "inspector")
    inlines = (SiteInspectionItemInline,)


@admin.register(MuckTransportApproval)
class MuckTransportApprovalAdmin(BureauStaffReadOnlyAdmin):
    list_display = ("number", "carrier", "valid_from", "valid_to", "hours_from", "hours_to")
    search_fields = ("number", "carrier", "vehicles")
