from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import user_activate, user_deactivate


@admin.register(User)
class BureauUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    fieldsets = (*UserAdmin.fieldsets, (_("角色"), {"fields": ("role", "phone", "failed_login_count", "locked_until")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("角色"), {"fields": ("role",)}))
    actions = ["deactivate", "activate"]

    @admin.action(description=_("停用所选账号（立即终止其会话与令牌）"))
    def deactivate(self, request, queryset):
        for user in queryset:
            user_deactivate(acting_user=request.user, user=user)
        messages.success(request, _("已停用 %(n)d 个账号。") % {"n": queryset.count()})

    @admin.action(description=_("启用所选账号"))
    def activate(self, request, queryset):
        for user in queryset:
            user_activate(acting_user=request.user, user=user)
