"""Admin: categories (time limits, routing) and departments are edited by bureau staff; cases and their
events are read-only here (every change goes through the workflow service)."""
from django.contrib import admin

from bureau.admin_base import BureauStaffAdmin, BureauStaffReadOnlyAdmin, ReadOnlyInline

from .models import Case, CaseEvent, CasePhoto, Category, Department


@admin.register(Department)
class DepartmentAdmin(BureauStaffAdmin):
    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Category)
class CategoryAdmin(BureauStaffAdmin):
    list_display = ["code", "name", "major_name", "urgency", "dispatch_limit", "dispatch_unit", "handle_limit",
                    "handle_unit", "department", "is_active"]
    list_filter = ["major_name", "urgency", "handle_unit", "department", "is_active"]
    list_editable = ["dispatch_limit", "dispatch_unit", "handle_limit", "handle_unit", "department", "is_active"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        from bureau.audit.services import audit_record

        obj.full_clean()
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="case_category.change" if change else "case_category.add", obj=obj,
                     detail={"changed": form.changed_data})


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["seq", "action", "from_status", "to_status", "actor", "recorded_at", "due_at", "note"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(BureauStaffReadOnlyAdmin):
    list_display = ["number", "status", "category", "street", "reported_at", "due_at", "overdue", "warning_level"]
    list_filter = ["status", "overdue", "warning_level", "source", "street"]
    search_fields = ["number", "address"]
    list_select_related = ["category", "street"]
    exclude = ["reporter_phone_encrypted", "reporter_phone_hash"]
    inlines = [EventInline]
    show_full_result_count = False


@admin.register(CaseEvent)
class CaseEventAdmin(BureauStaffReadOnlyAdmin):
    list_display = ["case", "seq", "action", "from_status", "to_status", "actor", "recorded_at"]
    list_filter = ["action"]
    list_select_related = ["case", "actor"]
    search_fields = ["case__number"]
    show_full_result_count = False


@admin.register(CasePhoto)
class CasePhotoAdmin(BureauStaffReadOnlyAdmin):
    list_display = ["case", "event", "content_type", "size", "sha256"]
    list_select_related = ["case", "event"]
