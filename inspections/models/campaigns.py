"""Campaigns (专项整治, 百日攻坚): a name, dates, an area (streets and/or cells), the categories it targets,
the units taking part, and numeric targets ("规范超店经营 500 户", "拆除违建 2,000 m²"). Progress is never
stored: it is counted from the cases, patrol reports and demolitions inside the campaign."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import CampaignIndicator
from ..querysets import CampaignQuerySet

__all__ = ["Campaign", "CampaignTarget"]


class Campaign(models.Model):
    """A named campaign over a period. No streets and no cells: the whole district; no categories: all."""

    name = models.CharField(_("名称"), max_length=128)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    streets = models.ManyToManyField("grids.Street", blank=True, related_name="campaigns", verbose_name=_("整治街道"))
    cells = models.ManyToManyField("grids.GridCell", blank=True, related_name="campaigns",
                                   verbose_name=_("整治网格"), help_text=_("只整治部分网格时填写"))
    categories = models.ManyToManyField("enforcement.Category", blank=True, related_name="campaigns",
                                        verbose_name=_("整治事项"))
    units = models.CharField(_("参与单位"), max_length=500, blank=True, default="",
                             help_text=_("如：区城管局、各街道执法大队、市场监管局"))
    description = models.TextField(_("工作内容"), max_length=4000, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"))

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"),
        ]

    def __str__(self):
        return self.name


class CampaignTarget(models.Model):
    """A number the campaign sets out to reach, on one indicator (narrowed to one category when given)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="targets", verbose_name=_("专项整治"))
    label = models.CharField(_("目标"), max_length=64, help_text=_("如：规范超店经营"))
    indicator = models.CharField(_("指标"), max_length=24, choices=CampaignIndicator.choices)
    count_code = models.SlugField(_("巡查统计项代码"), max_length=32, blank=True, default="",
                                  help_text=_("指标为巡查统计项时填写"))
    category = models.ForeignKey("enforcement.Category", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("限定事项"))
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    unit = models.CharField(_("单位"), max_length=16, blank=True, default="")
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("整治目标")
        verbose_name_plural = _("整治目标")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(indicator=CampaignIndicator.PATROL_COUNT) | ~Q(count_code=""),
                name="campaign_target_patrol_count_has_code"),
        ]

    def __str__(self):
        return f"{self.label} {self.target}{self.unit}"
