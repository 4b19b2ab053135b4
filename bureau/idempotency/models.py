"""One row per (user, Idempotency-Key): in progress while the first request runs, then its stored response."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Keys are private to the client that sent them; only the platform reads them (never a page).
        if getattr(user, "is_authenticated", False) and user.is_superuser:
            return self
        return self.none()

    def for_key(self, user, key):
        return self.filter(user=user, key=key)

    def older_than(self, moment):
        return self.filter(created_at__lt=moment)


class IdempotencyRecord(models.Model):
    """The first request made with an Idempotency-Key by a user, and the response it got.

    The row is written DONE, with the response, in the same transaction as the work, so a report and the
    record of its response are kept together or not at all. While the first request runs it holds a lock
    on (user, key) that ends with its transaction (bureau/api/idempotency.py): a concurrent replay gets 409,
    and a request that died leaves nothing behind. IN_PROGRESS rows are only ever left by older versions.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("处理中")
        DONE = "done", _("已完成")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_records", verbose_name=_("用户"),
    )
    key = models.CharField(_("幂等键"), max_length=255)
    fingerprint = models.CharField(_("请求指纹"), max_length=64, help_text=_("方法、路径与请求体 (解析后的 JSON) 的 SHA-256"))
    method = models.CharField(_("方法"), max_length=8)
    path = models.CharField(_("路径"), max_length=255)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    # Text, not JSON: the body is replayed byte for byte, and jsonb would reorder its keys.
    response_body = models.TextField(_("响应内容 (JSON)"), blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = IdempotencyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("幂等请求记录")
        verbose_name_plural = _("幂等请求记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One response per key: the safety net behind the request's lock.
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user"),
        ]
        indexes = [
            # the retention purge: records older than the retention period
            models.Index(fields=["created_at"], name="idempotency_created_at"),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key} {self.state} {self.response_status or ''}".strip()
