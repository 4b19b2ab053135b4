"""Accounts in the admin: the security administrator's screens (accounts, roles, second factors, API tokens).

The system administrator (a superuser) sets the platform up but does not manage accounts or roles, and the
audit administrator only reads the audit log (MLPS 2.0 separation of duties). Every save goes through the
account services, which audit it and end the account's sessions and tokens when its rights change.
"""
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from .models import User
from .second_factor import key_to_secret, recovery_codes_issue, totp_enrol
from .services import user_activate, user_deactivate, user_reset_password, user_save

# Tokens and second-factor devices are managed through the account screen's audited actions, not screens of
# their own (which would let the system administrator read or delete them unaudited).
for _model in (AuthToken, TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def is_security_admin(request) -> bool:
    return bool(getattr(request.user, "is_security_admin", False))


class SecurityAdminOnly:
    """A screen for the security administrator alone: view, add, change; nobody deletes."""

    def has_module_permission(self, request):
        return is_security_admin(request)

    def has_view_permission(self, request, obj=None):
        return is_security_admin(request)

    def has_add_permission(self, request):
        return is_security_admin(request)

    def has_change_permission(self, request, obj=None):
        return is_security_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class BureauUserAdmin(SecurityAdminOnly, UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    # Rights come from the role alone: no groups or per-user permissions to grant beside it.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("角色与权限"), {"fields": ("role", "is_active", "is_staff", "is_superuser")}),
        (_("状态"), {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    readonly_fields = ("last_login", "date_joined", "password_changed_at")
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("角色"), {"fields": ("role",)}))
    actions = ["deactivate", "activate", "enrol_totp", "issue_recovery_codes"]

    def save_model(self, request, obj, form, change):
        user_save(acting_user=request.user, user=obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def user_change_password(self, request, id, form_url=""):
        """The admin's password form, saved through the service: audited, sessions and tokens ended, and
        the owner must choose a new password at the next login."""
        user = self.get_object(request, unquote(id))
        if request.method != "POST" or user is None or not self.has_change_permission(request, user):
            return super().user_change_password(request, id, form_url)
        form = self.change_password_form(user, request.POST)
        if not form.is_valid():
            return super().user_change_password(request, id, form_url)
        usable = form.cleaned_data.get("set_usable_password", True)
        user_reset_password(acting_user=request.user, user=user,
                            new_password=form.cleaned_data["password1"] if usable else None)
        if user.pk == request.user.pk:
            update_session_auth_hash(request, user)
        messages.success(request, _("密码已重置，该账号的会话与令牌已全部终止，下次登录须修改密码。"))
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=(user.pk,)))

    @admin.action(description=_("停用所选账号（立即终止其会话与令牌）"))
    def deactivate(self, request, queryset):
        for user in queryset:
            user_deactivate(acting_user=request.user, user=user)
        messages.success(request, _("已停用 %(n)d 个账号。") % {"n": queryset.count()})

    @admin.action(description=_("启用所选账号"))
    def activate(self, request, queryset):
        for user in queryset:
            user_activate(acting_user=request.user, user=user)

    @admin.action(description=_("绑定新的动态口令（替换原有密钥）"))
    def enrol_totp(self, request, queryset):
        # Shown once on this page, never stored in a message (messages may travel in a cookie).
        issued = []
        for user in queryset:
            device = totp_enrol(acting_user=request.user, user=user)
            issued.append({"user": user, "secret": key_to_secret(device.key), "uri": device.config_url})
        return self._issued(request, _("动态口令密钥"), issued)

    @admin.action(description=_("生成恢复码（替换原有恢复码）"))
    def issue_recovery_codes(self, request, queryset):
        issued = [{"user": user, "codes": recovery_codes_issue(acting_user=request.user, user=user)}
                  for user in queryset]
        return self._issued(request, _("恢复码"), issued)

    def _issued(self, request, title, issued):
        context = {**self.admin_site.each_context(request), "title": title, "issued": issued, "opts": self.opts}
        return TemplateResponse(request, "accounts/admin/second_factor_issued.html", context)
