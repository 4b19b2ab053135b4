"""The append-only audit log (MLPS 2.0: date, user, event, outcome; kept at least six months)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bureau.appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet

# The name this app has always raised: the project's one append-only error.
AuditLogIsAppendOnly = AppendOnlyError


class AuditQuerySet(AppendOnlyQuerySet):
    def _purge_older_than(self, cutoff):
        """The retention job's one way out, past the ORM's guard; the database trigger refuses rows younger
        than the retention period anyway."""
        return models.QuerySet.delete(self.filter(at__lt=cutoff))

    def visible_to(self, user):
        if user.is_authenticated and user.is_audit_admin:
            return self
        return self.none()


class AuditEntry(AppendOnlyModel):
    """One audited event: a login, a permission denial, or a write made through a service."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")
        DENIED = "denied", _("拒绝")

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name=_("操作人"),
    )
    actor_username = models.CharField(_("用户名"), max_length=150, blank=True)
    action = models.CharField(_("事件"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    client_ip = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.outcome}"
