from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_retention(sender, using="default", **kwargs):
    """Keep the database trigger's retention period in step with AUDIT_RETENTION_DAYS."""
    from django.conf import settings
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_retention SET days = %s WHERE id = 1", [max(184, settings.AUDIT_RETENTION_DAYS)])


class AuditConfig(AppConfig):
    name = "bureau.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self):
        from . import signals  # noqa: F401

        post_migrate.connect(_sync_retention, sender=self)
