"""Demolitions of illegal building (拆除违建): where, whose, how many square metres, when, and the case (or,
once they exist, the rectification order) the demolition executes. The rural squad's weekly bulletin and
campaign progress count them."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..querysets import DemolitionQuerySet

__all__ = ["Demolition"]


class Demolition(models.Model):
    """One demolition of an illegal structure, placed by its point in a cell and street (a town for the rural
    squad)."""

    site = models.CharField(_("违建地点"), max_length=255, help_text=_("如：上塘村 3 组 张某房屋顶层加建"))
    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="demolitions",
                               verbose_name=_("街道（镇）"))
    grid = models.ForeignKey("grids.GridCell", on_delete=models.PROTECT, related_name="demolitions",
                             verbose_name=_("网格"))
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    party_name = models.CharField(_("当事人"), max_length=128)
    area_m2 = models.DecimalField(_("拆除面积（m²）"), max_digits=10, decimal_places=2)
    demolished_on = models.DateField(_("拆除日期"))
    case = models.ForeignKey("enforcement.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="demolitions", verbose_name=_("执行的案件"))
    order_reference = models.CharField(_("执行的整改通知书编号"), max_length=64, blank=True, default="")
    # The joint operation the demolition was made in (its results count it).
    operation = models.ForeignKey("enforcement.JointOperation", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="demolitions", verbose_name=_("联合执法行动"))
    forced = models.BooleanField(_("强制拆除"), default=False, help_text=_("否：当事人自行拆除"))
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"))

    objects = DemolitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("违建拆除")
        verbose_name_plural = _("违建拆除")
        ordering = ["-demolished_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="demolition_area_positive"),
            models.CheckConstraint(condition=~Q(case__isnull=True, order_reference=""),
                                   name="demolition_executes_a_case_or_order"),
        ]
        indexes = [
            # the weekly bulletin and campaign progress: a street's demolitions over a period
            models.Index(fields=["street", "demolished_on"], name="demolition_street_date"),
        ]

    def __str__(self):
        return f"{self.demolished_on} {self.site} {self.area_m2} m²"
