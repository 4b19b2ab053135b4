"""The job log: every Celery task run, so staff see what ran, what failed and what was retried."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.is_bureau_staff:  # superusers included (User.is_bureau_staff)
            return self
        return self.none()

    def failed(self):
        return self.filter(status=JobRun.Status.FAILED)


class JobRun(models.Model):
    """One attempt of one task; a retry or a redelivery is a new attempt of the same task id."""

    class Status(models.TextChoices):
        STARTED = "started", _("运行中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")
        RETRYING = "retrying", _("等待重试")

    task_id = models.CharField(_("任务 ID"), max_length=64, db_index=True)
    task_name = models.CharField(_("任务"), max_length=128, db_index=True)
    args = models.JSONField(_("参数"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.STARTED)
    started_at = models.DateTimeField(_("开始"), db_index=True)
    finished_at = models.DateTimeField(_("结束"), null=True, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    worker = models.CharField(_("工作进程"), max_length=128, blank=True)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务记录")
        verbose_name_plural = _("任务记录")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.task_name} {self.status} {self.started_at:%Y-%m-%d %H:%M}"
