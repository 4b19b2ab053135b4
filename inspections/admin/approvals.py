"""Admin of district approvals of temporary occupation: read here; issued through the service (the API), which
derives the streets from the area or route."""
from django.contrib import admin

from bureau.admin_base import BureauStaffReadOnlyAdmin

from ..models.approvals import OccupationApproval


@admin.register(OccupationApproval)
class OccupationApprovalAdmin(BureauStaffReadOnlyAdmin):
    list_display = ("number", "kind", "title", "applicant", "valid_from", "valid_to", "hours_from", "hours_to")
    list_filter = ("kind",)
    search_fields = ("number", "title", "applicant")
    date_hierarchy = "valid_from"
