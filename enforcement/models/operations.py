"""Joint operations (联合执法): a district-level operation on one day, over an area (a polygon drawn on the map
and/or chosen grid cells), with the brigades of several streets and other departments taking part and numeric
targets. Results are never typed in: they are counted from the cases, rectification orders and demolitions
recorded inside the operation (each of those rows points at it)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..querysets import JointOperationQuerySet


class JointOperation(models.Model):
    """One joint operation, planned by the bureau; the leaders of its streets record results into it."""

    number = models.CharField(_("行动编号"), max_length=24, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    date = models.DateField(_("行动日期"))
    # The area drawn on the map: a GeoJSON Polygon geometry (WGS84), or null when only cells are chosen.
    area = models.JSONField(_("行动区域"), null=True, blank=True)
    cells = models.ManyToManyField("grids.GridCell", blank=True, related_name="joint_operations",
                                   verbose_name=_("行动网格"))
    streets = models.ManyToManyField("grids.Street", related_name="joint_operations",
                                     verbose_name=_("参与街道执法大队"))
    departments = models.ManyToManyField("enforcement.Department", blank=True, related_name="joint_operations",
                                         verbose_name=_("参与部门"))
    # [{"indicator": one of OperationIndicator, "target": number}, ...]
    targets = models.JSONField(_("行动目标"), default=list, blank=True)
    description = models.TextField(_("行动方案"), max_length=4000, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"))

    objects = JointOperationQuerySet.as_manager()

    class Meta:
        verbose_name = _("联合执法行动")
        verbose_name_plural = _("联合执法行动")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.number} {self.name}"
