"""Construction sites and dust control (建筑工地扬尘治理).

The bureau keeps a file on every construction site of the district (摸底、排查、登记、建档): who builds it,
where, for how long, who answers for it on site, and whether the 文明施工责任书 is signed. Sites are
inspected against a dust-control checklist staff keep as data (围挡, 出入口硬化, 冲洗平台 ...); each item
that fails makes a case with the rectification deadline of its category and is followed up at the next
inspection. Muck-truck (渣土车) transport needs an approval naming vehicles, route and hours.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import PatrolSource, SiteInspectionResult
from ..querysets import (
    ConstructionSiteQuerySet,
    DustCheckItemQuerySet,
    MuckTransportApprovalQuerySet,
    SiteInspectionItemQuerySet,
    SiteInspectionQuerySet,
)

__all__ = [
    "DustCheckItem", "ConstructionSite", "SiteInspection", "SiteInspectionItem", "MuckTransportApproval",
    "normalise_plate",
]


class DustCheckItem(models.Model):
    """One item of the dust-control checklist (六个百分百 and the rest), kept by bureau staff.

    A failed item makes a case of `category` at the site and a rectification order to the site's contractor
    from that case, due `rectify_days` working days after the day of the inspection's arrival."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    standard = models.CharField(_("检查标准"), max_length=255, blank=True, default="")
    category = models.ForeignKey(
        "enforcement.Category", on_delete=models.PROTECT, related_name="dust_check_items",
        verbose_name=_("不合格时的案件类别"),
    )
    rectify_days = models.PositiveSmallIntegerField(
        _("整改期限（工作日）"), default=3, validators=[MinValueValidator(1), MaxValueValidator(90)])
    legal_basis = models.CharField(
        _("法律依据"), max_length=255,
        default="《中华人民共和国大气污染防治法》第六十九条、第一百一十五条",
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = DustCheckItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("扬尘检查项")
        verbose_name_plural = _("扬尘检查项")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class ConstructionSite(models.Model):
    """A construction site's file: project, parties, permit, place, period, responsible persons, 责任书."""

    name = models.CharField(_("项目名称"), max_length=128)
    developer = models.CharField(_("建设单位"), max_length=128)
    contractor = models.CharField(_("施工单位"), max_length=128)
    permit_number = models.CharField(_("施工许可证号"), max_length=64, blank=True, default="")
    street = models.ForeignKey(
        "grids.Street", on_delete=models.PROTECT, related_name="construction_sites", verbose_name=_("街道"),
    )
    grid = models.ForeignKey(
        "grids.GridCell", on_delete=models.PROTECT, related_name="construction_sites", verbose_name=_("网格"),
    )
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    boundary = models.JSONField(_("红线范围"), null=True, blank=True, help_text=_("GeoJSON Polygon (WGS84)，可不填"))
    address = models.CharField(_("地址"), max_length=255, blank=True, default="")
    starts_on = models.DateField(_("开工日期"))
    ends_on = models.DateField(_("计划竣工日期"), null=True, blank=True)
    completed_on = models.DateField(_("实际竣工日期"), null=True, blank=True, help_text=_("竣工后不再纳入每月检查"))
    responsible_persons = models.CharField(_("现场责任人"), max_length=255, blank=True, default="",
                                           help_text=_("如：项目经理 张三；安全员 李四"))
    agreement_signed_on = models.DateField(_("文明施工责任书签订日期"), null=True, blank=True)
    contractor_party = models.ForeignKey(
        "enforcement.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="construction_sites",
        verbose_name=_("施工单位（当事人）"), help_text=_("首次整改通知时登记，此后的通知书都下达给它"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人"),
    )
    registered_at = models.DateTimeField(_("登记时间"))

    objects = ConstructionSiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("建筑工地")
        verbose_name_plural = _("建筑工地")
        ordering = ["street__code", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="construction_site_ends_after_start"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("starts_on")),
                name="construction_site_completed_after_start"),
        ]
        indexes = [
            # the census: the street's sites active in a month
            models.Index(fields=["street", "starts_on", "completed_on"], name="site_street_period"),
        ]

    def __str__(self):
        return self.name

    @property
    def agreement_signed(self) -> bool:
        return self.agreement_signed_on is not None

    def active_on(self, day) -> bool:
        return self.starts_on <= day and (self.completed_on is None or self.completed_on >= day)


class SiteInspection(models.Model):
    """One visit to a site with the whole checklist; filed from a phone, possibly after the fact (offline)."""

    site = models.ForeignKey(ConstructionSite, on_delete=models.PROTECT, related_name="inspections",
                             verbose_name=_("工地"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="site_inspections",
                                  verbose_name=_("检查人"))
    source = models.CharField(_("类型"), max_length=16, choices=PatrolSource.choices)
    inspected_at = models.DateTimeField(_("检查时间"))
    date = models.DateField(_("检查日期"), help_text=_("检查时间的本地日期"))
    note = models.TextField(_("检查意见"), max_length=2000, blank=True, default="")
    failed_count = models.PositiveSmallIntegerField(_("不合格项数"), default=0)
    recorded_at = models.DateTimeField(_("提交时间"), help_text=_("服务器收到检查记录的时间"))

    objects = SiteInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("工地检查")
        verbose_name_plural = _("工地检查")
        ordering = ["-inspected_at", "-pk"]
        indexes = [
            # the census: was this site inspected in the month?
            models.Index(fields=["site", "date"], name="site_inspection_site_date"),
        ]

    def __str__(self):
        return f"{self.site} {self.date}"


class SiteInspectionItem(models.Model):
    """The result of one checklist item at one inspection. A failure carries its case, the rectification order
    issued from it, the order's deadline (the follow-up is due then) and, once a later inspection finds it
    fixed, that inspection."""

    inspection = models.ForeignKey(SiteInspection, on_delete=models.PROTECT, related_name="results",
                                   verbose_name=_("工地检查"))
    item = models.ForeignKey(DustCheckItem, on_delete=models.PROTECT, related_name="results", verbose_name=_("检查项"))
    result = models.CharField(_("结果"), max_length=8, choices=SiteInspectionResult.choices)
    note = models.CharField(_("问题说明"), max_length=500, blank=True, default="")
    photo_count = models.PositiveSmallIntegerField(_("照片数"), default=0)
    case = models.OneToOneField(
        "enforcement.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="site_finding",
        verbose_name=_("案件"),
    )
    order = models.OneToOneField(
        "enforcement.RectificationOrder", on_delete=models.PROTECT, null=True, blank=True,
        related_name="site_finding", verbose_name=_("整改通知书"),
    )
    rectify_by = models.DateTimeField(_("整改期限"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        SiteInspection, on_delete=models.PROTECT, null=True, blank=True, related_name="resolved_items",
        verbose_name=_("复查合格的检查"),
    )

    objects = SiteInspectionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("工地检查项结果")
        verbose_name_plural = _("工地检查项结果")
        ordering = ["inspection", "item__order", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="site_inspection_item_unique"),
            models.CheckConstraint(condition=Q(result=SiteInspectionResult.FAILED) | Q(case__isnull=True),
                                   name="site_inspection_item_case_only_when_failed"),
        ]

    def __str__(self):
        return f"{self.inspection_id} {self.item} {self.get_result_display()}"

    @property
    def failed(self) -> bool:
        return self.result == SiteInspectionResult.FAILED


class MuckTransportApproval(models.Model):
    """An approval for muck trucks (渣土运输): who carries, which vehicles, along which route, in which hours.

    Seen by the patrols of every street the route touches (`streets`, derived from the route's points)."""

    number = models.CharField(_("核准编号"), max_length=32, unique=True)
    site = models.ForeignKey(ConstructionSite, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="muck_approvals", verbose_name=_("工地"))
    carrier = models.CharField(_("运输单位"), max_length=128)
    vehicles = models.CharField(_("车辆号牌"), max_length=500, help_text=_("多个号牌用顿号或逗号分隔"))
    route = models.JSONField(_("路线"), help_text=_("[[纬度, 经度], ...] (WGS84)，按行驶顺序"))
    route_description = models.CharField(_("路线说明"), max_length=500, blank=True, default="")
    streets = models.ManyToManyField("grids.Street", related_name="muck_approvals", verbose_name=_("途经街道"))
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    hours_from = models.TimeField(_("运输时段起"))
    hours_to = models.TimeField(_("运输时段止"), help_text=_("早于或等于起始时间表示跨夜"))
    conditions = models.TextField(_("核准条件"), max_length=2000, blank=True, default="")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("核准人"))
    approved_at = models.DateTimeField(_("核准时间"))

    objects = MuckTransportApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("渣土运输核准")
        verbose_name_plural = _("渣土运输核准")
        ordering = ["-valid_from", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="muck_approval_valid_period"),
        ]

    def __str__(self):
        return f"{self.number} {self.carrier}"

    def allows(self, moment) -> bool:
        """Whether trucks may run at `moment` (aware): inside the hours of a day the approval is valid. A
        window that crosses midnight belongs to the evening it starts: at 01:30 the previous day's applies."""
        return self.window_end(moment) is not None

    def window_end(self, moment):
        from .approvals import daily_window_end

        return daily_window_end(self.valid_from, self.valid_to, self.hours_from, self.hours_to, moment)

    def plates(self) -> set[str]:
        """The approved vehicles' plates, normalised (no spaces, upper case)."""
        import re

        return {normalise_plate(p) for p in re.split(r"[、,，;；\s]+", self.vehicles or "") if p.strip()}


def normalise_plate(plate) -> str:
    return "".join(str(plate or "").split()).upper().replace("·", "")
