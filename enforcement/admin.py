"""Admin: categories (time limits, routing) and departments are edited by bureau staff; cases and their
events are read-only here (every change goes through the workflow service)."""
from django.contrib import admin

from .models import Case, CaseEvent, CasePhoto, Category, Department


def _bureau(request):
    return request.user.is_active and (request.user.is_superuser or request.user.is_bureau_staff)


class BureauEditable(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _bureau(request)

    def has_view_permission(self, request, obj=None):
        return _bureau(request)

    def has_add_permission(self, request):
        return _bureau(request)

    def has_change_permission(self, request, obj=None):
        return _bureau(request)

    def has_delete_permission(self, request, obj=None):
        return False  # reference data is PROTECTed by cases; deactivate instead


@admin.register(Department)
class DepartmentAdmin(BureauEditable):
    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Category)
class CategoryAdmin(BureauEditable):
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


class ReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _bureau(request)

    def has_view_permission(self, request, obj=None):
        return _bureau(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["seq", "action", "from_status", "to_status", "actor", "recorded_at", "due_at", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = ["number", "status", "category", "street", "reported_at", "due_at", "overdue", "warning_level"]
    list_filter = ["status", "overdue", "warning_level", "source", "street"]
    search_fields = ["number", "address"]
    list_select_related = ["category", "street"]
    exclude = ["reporter_phone_encrypted", "reporter_phone_hash"]
    inlines = [EventInline]
    show_full_result_count = False


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnly):
    list_display = ["case", "seq", "action", "from_status", "to_status", "actor", "recorded_at"]
    list_filter = ["action"]
    list_select_related = ["case", "actor"]
    search_fields = ["case__number"]
    show_full_result_count = False


@admin.register(CasePhoto)
class CasePhotoAdmin(ReadOnly):
    list_display = ["case", "event", "content_type", "size", "sha256"]
    list_select_related = ["case", "event"]
