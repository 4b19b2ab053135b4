"""Admin: categories (time limits, routing) and departments are edited by bureau staff; cases and their
events are read-only here (every change goes through the workflow service)."""
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _

from bureau.admin_base import BureauStaffAdmin, BureauStaffReadOnlyAdmin, ReadOnlyInline

from .models import (
    Case,
    CaseEvent,
    CasePhoto,
    Category,
    Department,
    DepartmentAccount,
    DiscretionStandard,
    JointOperation,
    Party,
    PenaltyDecision,
    PenaltyStep,
    RectificationOrder,
)


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


@admin.register(Party)
class PartyAdmin(BureauStaffReadOnlyAdmin):
    """The register, read here with its numbers masked; parties are added through the service (pages, API)."""

    list_display = ["name", "kind", "id_number_masked", "phone_masked", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    exclude = ["id_number_encrypted", "id_number_hash", "phone_encrypted", "phone_hash"]


@admin.register(RectificationOrder)
class RectificationOrderAdmin(BureauStaffReadOnlyAdmin):
    list_display = ["number", "status", "party", "case", "deadline", "escalation", "issued_by"]
    list_filter = ["status", "escalation"]
    search_fields = ["number", "case__number", "party__name"]
    list_select_related = ["party", "case", "issued_by"]


class PenaltyStepInline(ReadOnlyInline):
    model = PenaltyStep
    fields = ["seq", "action", "from_status", "to_status", "actor", "recorded_at", "note"]
    readonly_fields = fields


@admin.register(PenaltyDecision)
class PenaltyDecisionAdmin(BureauStaffReadOnlyAdmin):
    list_display = ["number", "status", "party", "case", "level", "fine", "standard", "drafted_by"]
    list_filter = ["status", "level", "first_offence"]
    search_fields = ["number", "case__number", "party__name"]
    list_select_related = ["party", "case", "standard", "drafted_by"]
    inlines = [PenaltyStepInline]


@admin.register(DiscretionStandard)
class DiscretionStandardAdmin(BureauStaffAdmin):
    """Bureau staff edit the standard; every save, a first one or an edit, is a new version through the
    service, and the row being edited stays as it was (decisions made under it keep it)."""

    list_display = ["code", "version", "name", "legal_review_threshold", "created_at", "created_by"]
    list_filter = ["code"]
    fields = ["code", "version", "name", "rules", "first_offence", "legal_review_threshold", "note", "created_at",
              "created_by"]
    readonly_fields = ["version", "created_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        from .services.penalties import discretion_standard_save_version

        data = form.cleaned_data
        new = discretion_standard_save_version(
            acting_user=request.user, code=obj.code, name=data["name"], rules=data["rules"],
            first_offence=data.get("first_offence") or [], legal_review_threshold=data["legal_review_threshold"],
            note=data.get("note", ""))
        if change:
            messages.info(request, _("已保存为新版本 v%(version)s；原版本保持不变。") % {"version": new.version})
        obj.pk, obj.version, obj.created_at, obj.created_by = new.pk, new.version, new.created_at, new.created_by
        obj._state.adding = False


@admin.register(JointOperation)
class JointOperationAdmin(BureauStaffReadOnlyAdmin):
    """Read here; planned on the page or over the API (the service numbers and audits them)."""

    list_display = ["number", "name", "date", "created_by", "created_at"]
    list_filter = ["date"]
    search_fields = ["number", "name"]
    filter_horizontal = ["streets", "departments", "cells"]


class DepartmentAccountForm(forms.ModelForm):
    class Meta:
        model = DepartmentAccount
        fields = ["user", "department"]

    def clean_user(self):
        from bureau.accounts.choices import Role

        user = self.cleaned_data["user"]
        if user.role != Role.DEPARTMENT or user.is_superuser or user.is_staff:
            raise forms.ValidationError(_("只有“协办部门账号”角色的账号可以关联协办部门"))
        return user


@admin.register(DepartmentAccount)
class DepartmentAccountAdmin(admin.ModelAdmin):
    """Which department an account of the department role answers for: the security administrator's, like
    every account and role (the link goes through the service, audited); nobody else opens it."""

    form = DepartmentAccountForm
    list_display = ["user", "department", "linked_at"]
    list_select_related = ["user", "department"]
    fields = ["user", "department", "linked_at"]
    readonly_fields = ["linked_at"]

    def _security(self, request) -> bool:
        return request.user.is_active and request.user.is_security_admin

    def has_module_permission(self, request):
        return self._security(request)

    def has_view_permission(self, request, obj=None):
        return self._security(request)

    def has_add_permission(self, request):
        return self._security(request)

    def has_change_permission(self, request, obj=None):
        return self._security(request)

    def has_delete_permission(self, request, obj=None):
        return False  # an account is deactivated, or linked to another department, never unlinked silently

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        from .services.departments import department_account_link

        link = department_account_link(acting_user=request.user, user=obj.user, department=obj.department)
        obj.pk, obj.linked_at, obj._state.adding = link.pk, link.linked_at, False
