"""The audit log in the admin: read-only, and only for the audit administrator (MLPS 2.0 separates the
system administrator, who must not read it, from the audit administrator, who does nothing else)."""
from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_username", "action", "outcome", "object_type", "object_repr", "client_ip")
    list_filter = ("outcome", "action")
    search_fields = ("actor_username", "action", "object_repr")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    list_per_page = 100

    def get_queryset(self, request):
        return AuditEntry.objects.visible_to(request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_audit_admin

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_audit_admin and request.user.has_perm(
            "audit.view_auditentry")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
