"""Admin of patrol reports: staff configure the count fields; reports and their history are read-only here
(they are filed and amended through the services, which keep the revisions)."""
from django.contrib import admin

from bureau.admin_base import ReadOnlyInline

from ..models.patrols import PatrolCountField, PatrolFinding, PatrolReport, PatrolReportRevision


@admin.register(PatrolCountField)
class PatrolCountFieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):
        # Reports store counts by code: retire a field (is_active) rather than delete it.
        return False


class PatrolFindingInline(ReadOnlyInline):
    model = PatrolFinding
    fields = ("seq", "category", "description", "handled_on_spot", "case")
    readonly_fields = fields


class PatrolReportRevisionInline(ReadOnlyInline):
    model = PatrolReportRevision
    fields = ("number", "amended_by", "amended_at", "reason", "body")
    readonly_fields = fields


@admin.register(PatrolReport)
class PatrolReportAdmin(admin.ModelAdmin):
    list_display = ("date", "shift", "source", "street", "leader", "recorded_at", "revision_count")
    list_filter = ("source", "shift", "street")
    date_hierarchy = "date"
    search_fields = ("summary", "leader__username", "squad")
    list_select_related = ("street", "leader")
    inlines = (PatrolFindingInline, PatrolReportRevisionInline)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["grid_cells"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
