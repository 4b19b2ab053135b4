"""Farmers markets (农贸市场) and the work of their management stations."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import ComplaintChannel, ComplaintKind, ComplaintStatus, MarketCheck, RepairStatus
from .querysets import (
    CleaningRoundQuerySet,
    CleaningSlotQuerySet,
    FarmersMarketQuerySet,
    ManagementStationQuerySet,
    MarketComplaintQuerySet,
    MarketInspectionQuerySet,
    MarketRepairQuerySet,
    VolunteerPointQuerySet,
)

__all__ = ["ManagementStation", "FarmersMarket", "StationPost", "CleaningSlot", "CleaningRound",
           "MarketInspection", "MarketInspectionPhoto", "MarketComplaint", "MarketRepair", "VolunteerPoint"]


class ManagementStation(models.Model):
    """A market management station (农贸市场管理站) of a street: it runs one or more markets with its staff."""

    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="market_stations",
                               verbose_name=_("街道"))
    name = models.CharField(_("名称"), max_length=64)
    head = models.CharField(_("站长"), max_length=64, blank=True)
    # printed on the market's notice board: public, not personal data
    phone = models.CharField(_("值班电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ManagementStationQuerySet.as_manager()

    class Meta:
        verbose_name = _("市场管理站")
        verbose_name_plural = _("市场管理站")
        ordering = ["street__code", "name"]
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="marketstation_unique_name")]

    def __str__(self):
        return self.name


class FarmersMarket(models.Model):
    """A farmers market: where it is, who operates it (a business in the district's register of parties) and
    which station manages it."""

    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="farmers_markets",
                               verbose_name=_("街道"))
    grid = models.ForeignKey("grids.GridCell", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="farmers_markets", verbose_name=_("单元网格"))
    name = models.CharField(_("名称"), max_length=64)
    address = models.CharField(_("地址"), max_length=255)
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    operator = models.ForeignKey("enforcement.Party", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="farmers_markets", verbose_name=_("开办单位"))
    station = models.ForeignKey(ManagementStation, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="markets", verbose_name=_("管理站"))
    stall_count = models.PositiveSmallIntegerField(_("摊位数"), default=0)
    is_active = models.BooleanField(_("在营"), default=True)
    registered_at = models.DateTimeField(_("登记时间"))

    objects = FarmersMarketQuerySet.as_manager()

    class Meta:
        verbose_name = _("农贸市场")
        verbose_name_plural = _("农贸市场")
        ordering = ["street__code", "name"]
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="farmersmarket_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.grid_id and self.street_id and self.grid.street_id != self.street_id:
            raise ValidationError({"grid": _("单元网格不在该街道内。")})
        if self.station_id and self.street_id and self.station.street_id != self.street_id:
            raise ValidationError({"station": _("管理站不在该街道内。")})


class StationPost(models.Model):
    """A staff post of a station under the 四定 rule: the post, the person in it, their duty and their hours."""

    station = models.ForeignKey(ManagementStation, on_delete=models.CASCADE, related_name="posts",
                                verbose_name=_("管理站"))
    market = models.ForeignKey(FarmersMarket, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="posts", verbose_name=_("市场"))
    post = models.CharField(_("岗位"), max_length=64)
    person = models.CharField(_("人员"), max_length=64)
    duty = models.CharField(_("职责"), max_length=255)
    starts = models.TimeField(_("上岗时间"))
    ends = models.TimeField(_("下岗时间"))
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("管理站岗位（四定）")
        verbose_name_plural = _("管理站岗位（四定）")
        ordering = ["station", "starts", "post"]
        constraints = [models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="stationpost_hours")]

    def __str__(self):
        return f"{self.post} {self.person}"


class CleaningSlot(models.Model):
    """A daily cleaning round a market owes (twice a day: after the morning trade and at closing): by `ends`
    a round must be recorded, or it is missed."""

    market = models.ForeignKey(FarmersMarket, on_delete=models.CASCADE, related_name="cleaning_slots",
                               verbose_name=_("市场"))
    name = models.CharField(_("名称"), max_length=32)
    starts = models.TimeField(_("开始时间"))
    ends = models.TimeField(_("完成时限"))

    objects = CleaningSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("保洁时段")
        verbose_name_plural = _("保洁时段")
        ordering = ["market", "starts"]
        constraints = [
            models.UniqueConstraint(fields=["market", "starts"], name="cleaningslot_unique_start"),
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="cleaningslot_hours"),
        ]

    def __str__(self):
        return f"{self.name} {self.starts:%H:%M}-{self.ends:%H:%M}"


class CleaningRound(models.Model):
    """One cleaning round done, recorded by the station's staff: which slot, which day, when, by which post."""

    market = models.ForeignKey(FarmersMarket, on_delete=models.PROTECT, related_name="cleaning_rounds",
                               verbose_name=_("市场"))
    slot = models.ForeignKey(CleaningSlot, on_delete=models.PROTECT, related_name="rounds",
                             verbose_name=_("保洁时段"))
    date = models.DateField(_("日期"))
    done_at = models.DateTimeField(_("完成时间"))
    post = models.ForeignKey(StationPost, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("保洁岗位"))
    note = models.CharField(_("说明"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"))

    objects = CleaningRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("保洁记录")
        verbose_name_plural = _("保洁记录")
        ordering = ["-date", "slot__starts", "-pk"]
        # one record per slot and day; also the index the missed-round query probes
        constraints = [models.UniqueConstraint(fields=["slot", "date"], name="cleaninground_once_a_day")]

    def __str__(self):
        return f"{self.market} {self.date} {self.slot.name}"

    @property
    def late(self) -> bool:
        from django.utils import timezone

        local = timezone.localtime(self.done_at)
        return (local.date(), local.time()) > (self.date, self.slot.ends)


class MarketInspection(models.Model):
    """An inspection of a market against the checklist (each item met or not), with photos."""

    market = models.ForeignKey(FarmersMarket, on_delete=models.PROTECT, related_name="inspections",
                               verbose_name=_("市场"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("检查人"))
    inspected_at = models.DateTimeField(_("检查时间"))
    date = models.DateField(_("检查日期"))
    checklist = models.JSONField(_("检查结果"), default=dict, help_text=_("每个检查项：true 合格，false 不合格"))
    failed_count = models.PositiveSmallIntegerField(_("不合格项数"), default=0)
    note = models.TextField(_("检查意见"), max_length=2000, blank=True)
    recorded_at = models.DateTimeField(_("提交时间"))

    objects = MarketInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("市场检查")
        verbose_name_plural = _("市场检查")
        ordering = ["-inspected_at", "-pk"]
        indexes = [
            # a market's page: its latest inspections
            models.Index(fields=["market", "-inspected_at"], name="marketinspection_recent"),
        ]

    def __str__(self):
        return f"{self.market} {self.date}"

    def failed_items(self) -> list[str]:
        return [str(MarketCheck(code).label) for code, ok in self.checklist.items() if ok is False]


def _photo_path(instance, filename):
    return f"markets/inspections/{instance.sha256[:2]}/{instance.sha256}{_ext(instance.content_type)}"


def _display_path(instance, filename):
    return f"markets/inspections/display/{instance.sha256[:2]}/{instance.sha256}{_ext(instance.content_type)}"


def _ext(content_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}.get(content_type, "")


class MarketInspectionPhoto(models.Model):
    """A photo of an inspection: the original and a copy without EXIF/GPS (the one shown)."""

    inspection = models.ForeignKey(MarketInspection, on_delete=models.PROTECT, related_name="photos",
                                   verbose_name=_("市场检查"))
    file = models.FileField(_("原图"), upload_to=_photo_path)
    display_file = models.FileField(_("展示图"), upload_to=_display_path, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("市场检查照片")
        verbose_name_plural = _("市场检查照片")
        ordering = ["inspection", "pk"]

    def __str__(self):
        return self.sha256[:12]


class MarketComplaint(models.Model):
    """A complaint about a market, with the deadline by which the station must handle it (counted on the work
    calendar from its receipt, by its kind's limit). The complainant's phone is kept only masked and hashed."""

    market = models.ForeignKey(FarmersMarket, on_delete=models.PROTECT, related_name="complaints",
                               verbose_name=_("市场"))
    kind = models.CharField(_("类型"), max_length=16, choices=ComplaintKind.choices)
    channel = models.CharField(_("渠道"), max_length=16, choices=ComplaintChannel.choices,
                               default=ComplaintChannel.ON_SITE)
    content = models.TextField(_("投诉内容"), max_length=2000)
    complainant = models.CharField(_("投诉人"), max_length=64, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=32, blank=True)
    phone_hash = models.CharField(_("联系电话（摘要）"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("受理时间"))
    due_at = models.DateTimeField(_("处理时限"))
    status = models.CharField(_("状态"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))
    reply = models.CharField(_("处理结果"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("登记人"))

    objects = MarketComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("市场投诉")
        verbose_name_plural = _("市场投诉")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status=ComplaintStatus.OPEN) | Q(handled_at__isnull=False),
                                   name="marketcomplaint_handled_has_time"),
        ]
        indexes = [
            # the dashboard and the list: open complaints by deadline
            models.Index(fields=["status", "due_at"], name="marketcomplaint_open_due"),
        ]

    def __str__(self):
        return f"{self.market} {self.get_kind_display()} {self.received_at:%Y-%m-%d}"

    def is_overdue(self, now) -> bool:
        return (self.handled_at or now) > self.due_at


class MarketRepair(models.Model):
    """A facility of a market reported broken, and when it was fixed."""

    market = models.ForeignKey(FarmersMarket, on_delete=models.PROTECT, related_name="repairs",
                               verbose_name=_("市场"))
    facility = models.CharField(_("设施"), max_length=64)
    description = models.CharField(_("问题描述"), max_length=500)
    reported_on = models.DateField(_("报修日期"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("报修人"))
    status = models.CharField(_("状态"), max_length=16, choices=RepairStatus.choices, default=RepairStatus.REPORTED)
    fixed_on = models.DateField(_("修复日期"), null=True, blank=True)
    fixed_note = models.CharField(_("维修情况"), max_length=500, blank=True)
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("登记修复人"))

    objects = MarketRepairQuerySet.as_manager()

    class Meta:
        verbose_name = _("设施维修")
        verbose_name_plural = _("设施维修")
        ordering = ["-reported_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(fixed_on__isnull=True) | Q(fixed_on__gte=F("reported_on")),
                                   name="marketrepair_fixed_after_reported"),
            models.CheckConstraint(condition=Q(status=RepairStatus.REPORTED) | Q(fixed_on__isnull=False),
                                   name="marketrepair_fixed_has_date"),
        ]

    def __str__(self):
        return f"{self.market} {self.facility}"


class VolunteerPoint(models.Model):
    """A volunteer service point (志愿服务点) of a market: what it offers, when, who to ask."""

    market = models.ForeignKey(FarmersMarket, on_delete=models.PROTECT, related_name="volunteer_points",
                               verbose_name=_("市场"))
    name = models.CharField(_("名称"), max_length=64)
    services = models.CharField(_("服务内容"), max_length=255)
    hours = models.CharField(_("服务时间"), max_length=64, blank=True)
    contact = models.CharField(_("负责人"), max_length=64, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = VolunteerPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务点")
        verbose_name_plural = _("志愿服务点")
        ordering = ["market", "name"]
        constraints = [models.UniqueConstraint(fields=["market", "name"], name="volunteerpoint_unique_name")]

    def __str__(self):
        return self.name
