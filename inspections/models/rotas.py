"""Duty rotas (排班): squads and their members, key points with their hours (school gates at opening and
closing: 错时管理), and a month's planned duties, generated on the work calendar. Patrol reports name the
squad that went out, so what was planned is compared with what was done, day by day."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import OffRotaReason, PatrolShift
from ..querysets import KeyPointQuerySet, RotaQuerySet, SquadQuerySet

__all__ = ["Squad", "KeyPoint", "Rota", "RotaDuty"]


class Squad(models.Model):
    """A squad (中队) or a group of one: a street brigade's, or the bureau's own (no street: the special-duty
    squad, the rural illegal-building squad's groups)."""

    name = models.CharField(_("名称"), max_length=64)
    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="squads", verbose_name=_("所属街道"), help_text=_("留空：区局直属"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="duty_squads",
                                     verbose_name=_("队员"))
    is_active = models.BooleanField(_("在编"), default=True)

    objects = SquadQuerySet.as_manager()

    class Meta:
        verbose_name = _("中队")
        verbose_name_plural = _("中队")
        ordering = ["street__code", "name"]
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="squad_name_unique_in_street")]

    def __str__(self):
        return self.name


class KeyPoint(models.Model):
    """A place that needs someone at fixed hours on working days (a school gate at opening and closing)."""

    name = models.CharField(_("名称"), max_length=64)
    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="key_points",
                               verbose_name=_("街道"))
    grid = models.ForeignKey("grids.GridCell", on_delete=models.PROTECT, related_name="key_points",
                             verbose_name=_("网格"))
    windows = models.JSONField(_("值守时段"), default=list, help_text=_('[["07:10", "07:50"], ["16:30", "17:30"]]'))
    is_active = models.BooleanField(_("启用"), default=True)

    objects = KeyPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点点位")
        verbose_name_plural = _("重点点位")
        ordering = ["street__code", "name"]

    def __str__(self):
        return self.name


class Rota(models.Model):
    """A month's duties of some squads: generated, then read against the patrol reports."""

    name = models.CharField(_("名称"), max_length=128)
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="rotas", verbose_name=_("街道"), help_text=_("留空：区局直属中队的排班"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("编排人"))
    created_at = models.DateTimeField(_("编排时间"))

    objects = RotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("排班表")
        verbose_name_plural = _("排班表")
        ordering = ["-month", "name"]

    def __str__(self):
        return f"{self.name} {self.month:%Y-%m}"


class RotaDuty(models.Model):
    """One planned duty: a squad, a day and shift, and where: a street or town's round, or a key point's window."""

    rota = models.ForeignKey(Rota, on_delete=models.CASCADE, related_name="duties", verbose_name=_("排班表"))
    date = models.DateField(_("日期"))
    shift = models.CharField(_("班次"), max_length=8, choices=PatrolShift.choices)
    squad = models.ForeignKey(Squad, on_delete=models.PROTECT, related_name="duties", verbose_name=_("中队"))
    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="+", verbose_name=_("巡查街道（镇）"))
    key_point = models.ForeignKey(KeyPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="duties",
                                  verbose_name=_("重点点位"))
    starts_at = models.TimeField(_("开始"), null=True, blank=True)
    ends_at = models.TimeField(_("结束"), null=True, blank=True)
    # Taken off the rota for other street work (创城, 防汛 ...): the reason is what the brigade-time report
    # counts as hours not spent on urban management.
    off_reason = models.CharField(_("抽调事由"), max_length=16, choices=OffRotaReason.choices, blank=True, default="")
    off_note = models.CharField(_("抽调说明"), max_length=255, blank=True, default="")
    taken_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("抽调登记人"))
    taken_off_at = models.DateTimeField(_("抽调登记时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["rota", "date", "starts_at", "pk"]
        indexes = [
            # planned against done: a rota's duties day by day
            models.Index(fields=["rota", "date"], name="rota_duty_rota_date"),
            # the brigade-time report: the duties taken off in a month
            models.Index(fields=["date"], condition=~models.Q(off_reason=""), name="rota_duty_taken_off_date"),
        ]

    def __str__(self):
        return f"{self.date} {self.squad} {self.key_point or self.street}"

    @property
    def taken_off(self) -> bool:
        return bool(self.off_reason)
