"""Admin: keys are listed and revoked here (issued on the keys page, which shows the secret once);
service attributes are reference data the administrator maintains; filed requests are read-only."""
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiKey, ServiceAttribute, ServiceRequest
from .permissions import may_manage_keys


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "rate_limit", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["name", "prefix", "rate_limit", "user", "created_at", "created_by", "revoked_at",
                       "revoked_by", "last_used_at"]
    exclude = ["secret_hash"]
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by", "revoked_by", "user")

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("open311:keys")  # the page shows the new secret once; the admin would not

    def has_delete_permission(self, request, obj=None):
        return False  # a key that filed requests stays on record; revoke it instead

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("吊销所选密钥"))
    def revoke(self, request, queryset):
        if not may_manage_keys(request.user):
            self.message_user(request, _("只有区局督查人员可以管理 Open311 密钥。"), messages.ERROR)
            return
        for key in queryset:
            services.api_key_revoke(acting_user=request.user, api_key=key)
        self.message_user(request, _("已吊销 %(n)s 个密钥。") % {"n": queryset.count()})


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ["category", "order", "code", "datatype", "required", "description"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "description", "category__code", "category__name"]
    list_select_related = ["category"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ["case", "api_key", "created_at", "email_masked"]
    list_select_related = ["case", "api_key"]
    exclude = ["email_encrypted"]
    readonly_fields = ["case", "api_key", "token", "attributes", "address_string", "media_url", "email_masked",
                       "account_id", "device_id", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
