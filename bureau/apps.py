from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _authenticated(user):
    return user.is_authenticated


def _staff_admin(user):
    # The admin site: superusers set the system up; the audit administrator reads the audit log there too.
    return user.is_active and user.is_staff


def _audit_admin(user):
    return user.is_audit_admin


class BureauConfig(AppConfig):
    """The platform shell: pages, the demo seeding entry point, shared templates and commands."""

    name = "bureau"
    verbose_name = _("平台")

    def ready(self):
        from django.contrib import admin

        from bureau import navigation

        admin.site.site_header = _("城管综合执法与网格化管理平台")
        admin.site.site_title = _("管理后台")
        admin.site.index_title = _("管理后台")

        navigation.register("dashboard", _("工作台"), "dashboard", 0, _authenticated)
        navigation.register("calendar", _("工作日历"), "work-calendar", 78, navigation.bureau_staff)
        navigation.register("jobs", _("后台任务"), "job-list", 80, navigation.bureau_staff)
        navigation.register("audit", _("审计日志"), "audit-log", 85, _audit_admin)
        navigation.register("admin", _("管理后台"), "admin:index", 90, _staff_admin)
