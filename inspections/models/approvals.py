"""District approvals of temporary occupation of public space (临时占道: 占道促销, events, night markets).

The bureau approves them district-wide, each with an area (a polygon) or a route (a line), dates, daily
hours and conditions; the patrols of every street the area or route touches see them, and a finding inside
an approved occupation, in its hours, is recognised as such.
"""
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import OccupationKind
from ..querysets import OccupationApprovalQuerySet

__all__ = ["OccupationApproval", "daily_window_end"]


def daily_window_end(valid_from, valid_to, hours_from, hours_to, moment):
    """The end (aware) of the daily window [hours_from, hours_to) that holds `moment`, on a day from `valid_from`
    to `valid_to`; None outside. A window whose end is not after its start crosses midnight and belongs to
    the evening it starts: at 01:30 the previous day's applies."""
    local = timezone.localtime(moment)
    day, at = local.date(), local.time()
    if hours_from < hours_to:
        inside = hours_from <= at < hours_to
    elif at >= hours_from:
        inside = True
    elif at < hours_to:
        inside, day = True, day - timedelta(days=1)
    else:
        inside = False
    if not inside or not valid_from <= day <= valid_to:
        return None
    end_day = day if hours_from < hours_to else day + timedelta(days=1)
    return timezone.make_aware(datetime.combine(end_day, hours_to), local.tzinfo)


class OccupationApproval(models.Model):
    """A temporary occupation the bureau approved: where (area or route), which days, which hours, on which
    conditions, and the event categories a finding there is then recognised under."""

    number = models.CharField(_("审批编号"), max_length=32, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=OccupationKind.choices)
    title = models.CharField(_("名称"), max_length=128, help_text=_("如：国庆商场门前促销"))
    applicant = models.CharField(_("申请单位"), max_length=128)
    geometry = models.JSONField(_("范围或路线"), help_text=_("GeoJSON Polygon（区域）或 LineString（路线），WGS84"))
    streets = models.ManyToManyField("grids.Street", related_name="occupation_approvals", verbose_name=_("涉及街道"))
    categories = models.ManyToManyField("enforcement.Category", related_name="occupation_approvals",
                                        verbose_name=_("允许的事项类别"))
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    hours_from = models.TimeField(_("每日时段起"))
    hours_to = models.TimeField(_("每日时段止"), help_text=_("早于或等于起始时间表示跨夜"))
    conditions = models.TextField(_("审批条件"), max_length=2000, blank=True, default="")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("审批人"))
    approved_at = models.DateTimeField(_("审批时间"))

    objects = OccupationApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("临时占道审批")
        verbose_name_plural = _("临时占道审批")
        ordering = ["-valid_from", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")),
                                   name="occupation_approval_valid_period"),
        ]
        indexes = [
            # the check at a finding: the approvals valid on a day
            models.Index(fields=["valid_from", "valid_to"], name="occupation_approval_valid"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def window_end(self, moment):
        return daily_window_end(self.valid_from, self.valid_to, self.hours_from, self.hours_to, moment)
