"""Street commerce: vendor zones and stall permits, vendors and their cases across
streets, shops with frontage agreements, outdoor ads and shop signs."""
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bureau.appendonly import AppendOnlyModel

from .choices import (
    DEFAULT_HALF_WIDTH_M,
    AdKind,
    AdStatus,
    FrontageKind,
    NightSnackRule,
    NoticeKind,
    PermitApplicant,
    PermitStatus,
    Trade,
    VendorKind,
    Weekday,
    ZoneKind,
)
from .querysets import (
    IN_FORCE,
    AdTargetQuerySet,
    FrontageAgreementQuerySet,
    MarketNoticeQuerySet,
    OutdoorAdQuerySet,
    ShopCommitmentQuerySet,
    ShopQuerySet,
    StallPermitEventQuerySet,
    StallPermitQuerySet,
    VendorCaseLinkQuerySet,
    VendorQuerySet,
    VendorSlotQuerySet,
    VendorZoneQuerySet,
)


class VendorZone(models.Model):
    """A designated stall zone (摊点区域) of a street: fixed stalls by day, a night-snack zone whose windows cross
    midnight, a morning market, a convenience point or a seasonal zone. Its area is a polygon or a road
    segment (a line, covering `half_width_m` either side); its sign shows area, hours, trades, the rules,
    the responsible person and the complaint phone, which is public (printed on the sign), not personal data."""

    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="vendor_zones",
                               verbose_name=_("街道"))
    kind = models.CharField(_("类型"), max_length=16, choices=ZoneKind.choices)
    name = models.CharField(_("名称"), max_length=64)
    road = models.CharField(_("道路"), max_length=64, blank=True)
    geometry = models.JSONField(_("范围"), null=True, blank=True,
                                help_text=_("GeoJSON 面（Polygon）或路段（LineString），WGS84"))
    half_width_m = models.PositiveSmallIntegerField(_("路段两侧宽度（米）"), default=DEFAULT_HALF_WIDTH_M,
                                                    validators=[MinValueValidator(1)])
    valid_from = models.DateField(_("季节起"), null=True, blank=True, help_text=_("留空表示全年"))
    valid_to = models.DateField(_("季节止"), null=True, blank=True, help_text=_("留空表示全年"))
    trades = models.CharField(_("经营品类说明"), max_length=255, blank=True)
    allowed_trades = models.JSONField(_("允许经营品类"), default=list, blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=64, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=32, blank=True)
    capacity = models.PositiveSmallIntegerField(_("摊位数"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = VendorZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("摊点区域")
        verbose_name_plural = _("摊点区域")
        ordering = ["street__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="vendorzone_unique_street_name"),
            models.CheckConstraint(condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True)
                                   | Q(valid_to__gte=F("valid_from")), name="vendorzone_season_range"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("季节止不能早于季节起。")})
        unknown = set(self.allowed_trades or []) - set(Trade.values)
        if not isinstance(self.allowed_trades, list) or unknown:
            raise ValidationError({"allowed_trades": _("未知的经营品类：%(codes)s") % {
                "codes": "、".join(sorted(map(str, unknown)))}})
        if self.geometry is not None:
            from .zonegeometry import zone_shape_problem

            problem = zone_shape_problem(self.geometry)
            if problem:
                raise ValidationError({"geometry": problem})

    def in_season(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def window_at(self, moment: datetime):
        """The window open at `moment` (local time), or None; uses prefetched `windows` when present."""
        from .hours import window_at

        return window_at(self.windows.all(), moment, season=self.in_season)

    def is_open_at(self, moment: datetime) -> bool:
        return self.is_active and self.window_at(moment) is not None


class VendorZoneWindow(models.Model):
    """An opening window of a zone on one weekday. `weekday` is the day the window starts (1 = Monday);
    closes at or before opens means the window runs past midnight into the next day, and still belongs
    to the evening it started (18:00-02:00 on Friday covers Saturday 01:30)."""

    zone = models.ForeignKey(VendorZone, on_delete=models.CASCADE, related_name="windows", verbose_name=_("摊点区域"))
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    opens = models.TimeField(_("开始时间"))
    closes = models.TimeField(_("结束时间"), help_text=_("不晚于开始时间表示跨过午夜（次日结束）"))

    class Meta:
        verbose_name = _("营业时段")
        verbose_name_plural = _("营业时段")
        ordering = ["zone", "weekday", "opens"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "weekday", "opens"], name="vendorzonewindow_unique_start"),
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="vendorzonewindow_weekday"),
            # equal times would be an empty (or a 24-hour) window: say which instead
            models.CheckConstraint(condition=~Q(opens=F("closes")), name="vendorzonewindow_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.closes <= self.opens

    def clean(self):
        if self.opens is not None and self.opens == self.closes:
            raise ValidationError({"closes": _("结束时间不能与开始时间相同。")})


class VendorSlot(models.Model):
    """A numbered stall (摊位) of a zone with its size; at most one permit in force on it on any day."""

    zone = models.ForeignKey(VendorZone, on_delete=models.PROTECT, related_name="slots", verbose_name=_("摊点区域"))
    number = models.CharField(_("摊位号"), max_length=16)
    length_m = models.DecimalField(_("长（米）"), max_digits=5, decimal_places=2, null=True, blank=True,
                                   validators=[MinValueValidator(0)])
    width_m = models.DecimalField(_("宽（米）"), max_digits=5, decimal_places=2, null=True, blank=True,
                                  validators=[MinValueValidator(0)])
    is_active = models.BooleanField(_("启用"), default=True)

    objects = VendorSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("摊位")
        verbose_name_plural = _("摊位")
        ordering = ["zone", "number"]
        constraints = [models.UniqueConstraint(fields=["zone", "number"], name="vendorslot_unique_number")]

    def __str__(self):
        return f"{self.zone.name} {self.number}号"


class Vendor(models.Model):
    """A street vendor (摊贩), a person or a business, licensed or not, tracked across streets by phone or
    ID number (hashed)."""

    kind = models.CharField(_("类别"), max_length=16, choices=VendorKind.choices, default=VendorKind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=64)
    licence_number = models.CharField(_("营业执照号"), max_length=64, blank=True)
    phone_masked = models.CharField(_("电话"), max_length=32, blank=True)
    phone_hash = models.CharField(_("电话（摘要）"), max_length=64, blank=True)
    id_number_masked = models.CharField(_("身份证号"), max_length=32, blank=True)
    id_number_hash = models.CharField(_("身份证号（摘要）"), max_length=64, blank=True)
    trades = models.JSONField(_("经营品类"), default=list, blank=True)
    photo = models.FileField(_("照片"), upload_to="markets/vendors/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("登记时间"))
    # the vendor in the district's register of parties, which cases, orders and penalties name
    party = models.ForeignKey("enforcement.Party", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="vendors", verbose_name=_("当事人"))

    objects = VendorQuerySet.as_manager()

    class Meta:
        verbose_name = _("摊贩")
        verbose_name_plural = _("摊贩")
        ordering = ["name", "pk"]
        indexes = [
            # vendor_register: is this caller already known (by phone, by ID number)?
            models.Index(fields=["phone_hash"], name="vendor_phone_hash"),
            models.Index(fields=["id_number_hash"], name="vendor_id_hash"),
        ]

    def __str__(self):
        return f"{self.name} {self.phone_masked}".strip()

    def clean(self):
        unknown = set(self.trades or []) - set(Trade.values)
        if not isinstance(self.trades, list) or unknown:
            raise ValidationError({"trades": _("未知的经营品类：%(codes)s") % {
                "codes": "、".join(sorted(map(str, unknown)))}})


class StallPermit(models.Model):
    """A permit for one stall of a zone (摊位许可), about a year long. Applied for by the vendor or by the
    street for them, reviewed by the street, approved by the bureau; in force from valid_from to valid_to
    (a renewal starts the day after the permit it renews ends, so no day is uncovered)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="permits", verbose_name=_("摊贩"))
    zone = models.ForeignKey(VendorZone, on_delete=models.PROTECT, related_name="permits",
                             verbose_name=_("摊点区域"))
    slot = models.ForeignKey(VendorSlot, on_delete=models.PROTECT, related_name="permits", verbose_name=_("摊位"))
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    status = models.CharField(_("状态"), max_length=16, choices=PermitStatus.choices, default=PermitStatus.APPLIED)
    applicant = models.CharField(_("申请方式"), max_length=16, choices=PermitApplicant.choices,
                                 default=PermitApplicant.STREET)
    checklist = models.JSONField(_("五统一要求"), default=dict, blank=True,
                                 help_text=_("夜宵摊点区：每项要求是否落实"))
    renewal_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="renewed_by", verbose_name=_("续期自"))
    applied_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("发证人"))
    issued_at = models.DateTimeField(_("发证时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("吊销原因"), max_length=255, blank=True)

    objects = StallPermitQuerySet.as_manager()

    class Meta:
        verbose_name = _("摊位许可")
        verbose_name_plural = _("摊位许可")
        ordering = ["valid_to", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gt=F("valid_from")), name="stallpermit_valid_range"),
            # one permit in force per stall, and one approved to follow it; the rest stay as history
            models.UniqueConstraint(fields=["slot"], condition=Q(status="active"),
                                    name="stallpermit_one_active_per_slot"),
            models.UniqueConstraint(fields=["slot"], condition=Q(status="scheduled"),
                                    name="stallpermit_one_scheduled_per_slot"),
        ]
        indexes = [
            # the renewal list and the expiry job: permits in force by expiry date
            models.Index(fields=["status", "valid_to"], name="stallpermit_status_valid_to"),
        ]

    def __str__(self):
        return f"{self.zone.name} {self.stall_number}号"

    @property
    def stall_number(self) -> str:
        return self.slot.number

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("有效期止必须晚于有效期起。")})
        if self.slot_id and self.zone_id and self.slot.zone_id != self.zone_id:
            raise ValidationError({"slot": _("摊位不属于该摊点区域。")})
        unknown = set(self.checklist or {}) - set(NightSnackRule.values)
        if not isinstance(self.checklist, dict) or unknown or not all(
                isinstance(v, bool) for v in (self.checklist or {}).values()):
            raise ValidationError({"checklist": _("五统一要求的填写格式不正确。")})

    def covers(self, day: date) -> bool:
        """In force (or approved to be) on `day`."""
        return self.status in IN_FORCE and self.valid_from <= day <= self.valid_to


class StallPermitEvent(AppendOnlyModel):
    """One step of a permit's life (applied, reviewed, approved, renewed, expired, revoked ...): who, when,
    from which status to which, and why. Append-only."""

    permit = models.ForeignKey(StallPermit, on_delete=models.PROTECT, related_name="events",
                               verbose_name=_("摊位许可"))
    action = models.CharField(_("动作"), max_length=16)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=255, blank=True)

    objects = StallPermitEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("摊位许可记录")
        verbose_name_plural = _("摊位许可记录")
        ordering = ["permit", "at", "pk"]

    def __str__(self):
        return f"{self.permit_id} {self.action}"


class MarketNotice(models.Model):
    """An inbox message of street commerce (a permit or an ad approval about to end, or ended), one per
    recipient and subject: a job run twice sends nothing new."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_notices",
                             verbose_name=_("收件人"))
    kind = models.CharField(_("类型"), max_length=24, choices=NoticeKind.choices)
    subject_key = models.CharField(_("对象"), max_length=64, help_text=_("如 permit:12、ad:7"))
    message = models.CharField(_("内容"), max_length=255)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = MarketNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("街面经营消息")
        verbose_name_plural = _("街面经营消息")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "subject_key"], name="marketnotice_once"),
        ]
        indexes = [
            # the inbox: a user's messages, newest first
            models.Index(fields=["user", "-created_at"], name="marketnotice_user_recent"),
        ]

    def __str__(self):
        return self.message


class VendorCaseLink(models.Model):
    """A case (流动摊贩, 占道经营 ...) attributed to a vendor: the trail that shows them moving between streets."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="case_links", verbose_name=_("摊贩"))
    case = models.ForeignKey("enforcement.Case", on_delete=models.PROTECT, related_name="vendor_links",
                             verbose_name=_("案件"))
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("关联人"))
    linked_at = models.DateTimeField(_("关联时间"))
    note = models.CharField(_("备注"), max_length=255, blank=True)

    objects = VendorCaseLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("摊贩案件关联")
        verbose_name_plural = _("摊贩案件关联")
        ordering = ["-linked_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["vendor", "case"], name="vendorcaselink_unique_pair")]

    def __str__(self):
        return f"{self.vendor.name} — {self.case.number}"


class Shop(models.Model):
    """A registered shop along a street, with its business licence number; each should sign a frontage agreement
    (门前三包 or 五包) and a commitment letter (承诺书). Its point (optional) places its frontage: cases of 店外经营
    there count against it."""

    name = models.CharField(_("店名"), max_length=128)
    address = models.CharField(_("地址"), max_length=255)
    licence_number = models.CharField(_("营业执照号"), max_length=64, blank=True)
    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="shops",
                               verbose_name=_("街道"))
    grid = models.ForeignKey("grids.GridCell", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="shops", verbose_name=_("单元网格"))
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    is_active = models.BooleanField(_("在营"), default=True)
    # the shop's operator in the district's register of parties
    party = models.ForeignKey("enforcement.Party", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="shops", verbose_name=_("当事人"))

    objects = ShopQuerySet.as_manager()

    class Meta:
        verbose_name = _("商户")
        verbose_name_plural = _("商户")
        ordering = ["street__code", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name", "address"], name="shop_unique_place"),
            models.CheckConstraint(condition=Q(lat__isnull=True, lng__isnull=True)
                                   | Q(lat__isnull=False, lng__isnull=False), name="shop_point_whole"),
        ]

    def __str__(self):
        return self.name


class FrontageAgreement(AppendOnlyModel):
    """One signed version of a shop's frontage responsibility agreement (门前三包 or 五包责任书). Re-signing
    adds the next version; the versions are the history and are never changed. The shop's current agreement of
    a kind is its highest version."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("商户"))
    kind = models.CharField(_("类型"), max_length=8, choices=FrontageKind.choices, default=FrontageKind.FIVE)
    version = models.PositiveSmallIntegerField(_("版本"), default=1, validators=[MinValueValidator(1)])
    signed_on = models.DateField(_("签订日期"))
    signer_name = models.CharField(_("签订人"), max_length=64)
    signer_phone_masked = models.CharField(_("签订人电话"), max_length=32, blank=True)
    signer_phone_hash = models.CharField(_("签订人电话（摘要）"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), null=True, blank=True)

    objects = FrontageAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("门前包干责任书")
        verbose_name_plural = _("门前包干责任书")
        ordering = ["shop", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "kind", "version"], name="frontageagreement_unique_version"),
        ]

    def __str__(self):
        return f"{self.shop.name} {self.get_kind_display()} v{self.version}"


class ShopCommitment(AppendOnlyModel):
    """A shop's signed commitment letter (承诺书): who signed it and when, with the scan of the signed page (a
    photo, checked and stripped of its metadata like case photos). A new letter is a new row; the latest is
    the one in force."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("商户"))
    signed_on = models.DateField(_("签订日期"))
    signer_name = models.CharField(_("签订人"), max_length=64)
    scan = models.FileField(_("扫描件"), upload_to="markets/commitments/%Y/%m/")
    scan_sha256 = models.CharField(_("扫描件摘要"), max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"))

    objects = ShopCommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("商户承诺书")
        verbose_name_plural = _("商户承诺书")
        ordering = ["shop", "-signed_on", "-pk"]

    def __str__(self):
        return f"{self.shop.name} {self.signed_on:%Y-%m-%d}"


class OutdoorAd(models.Model):
    """An outdoor ad or shop sign (户外广告、门店招牌) with its approval (number and period). Its status moves
    with the approval's period (the daily job), by a hazard found or dealt with, and to removed, which is
    final; a removal is ordered by a rectification order to the owner, and done when its follow-up finds it
    complied with."""

    owner = models.CharField(_("设置单位"), max_length=128)
    location = models.CharField(_("位置"), max_length=255)
    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="outdoor_ads",
                               verbose_name=_("街道"))
    kind = models.CharField(_("类型"), max_length=16, choices=AdKind.choices)
    approval_number = models.CharField(_("审批文号"), max_length=64, blank=True)
    approved_from = models.DateField(_("审批有效期起"), null=True, blank=True)
    approved_until = models.DateField(_("审批有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=AdStatus.choices, default=AdStatus.NO_APPROVAL)
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=8, decimal_places=2, null=True, blank=True,
                                  validators=[MinValueValidator(0)])
    registered_at = models.DateTimeField(_("登记时间"))
    # where it stands (optional; WGS84, inside the district): its marker on the district map
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    removal_order = models.ForeignKey("enforcement.RectificationOrder", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="outdoor_ads", verbose_name=_("拆除整改通知书"))

    objects = OutdoorAdQuerySet.as_manager()

    class Meta:
        verbose_name = _("户外广告/招牌")
        verbose_name_plural = _("户外广告/招牌")
        ordering = ["street__code", "owner", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(approved_until__isnull=True) | ~Q(approval_number=""),
                                   name="outdoorad_expiry_needs_approval"),
            models.CheckConstraint(condition=Q(approved_from__isnull=True) | Q(approved_until__isnull=True)
                                   | Q(approved_until__gte=F("approved_from")), name="outdoorad_approval_range"),
            models.CheckConstraint(condition=Q(lat__isnull=True, lng__isnull=True)
                                   | Q(lat__isnull=False, lng__isnull=False), name="outdoorad_point_whole"),
        ]
        indexes = [
            # the daily expiry job: approved and expiring ads by the end of their approval
            models.Index(fields=["status", "approved_until"], name="outdoorad_status_until"),
        ]

    def __str__(self):
        return f"{self.owner} {self.location}"


class AdTarget(models.Model):
    """A street's target share of public-service ads among its standing ads (公益广告比例), set by bureau staff."""

    street = models.OneToOneField("grids.Street", on_delete=models.PROTECT, related_name="ad_target",
                                  verbose_name=_("街道"))
    public_service_ratio = models.DecimalField(
        _("公益广告比例目标"), max_digits=5, decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)], help_text=_("0 至 1，如 0.2 表示 20%"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("设置人"))
    updated_at = models.DateTimeField(_("设置时间"))

    objects = AdTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益广告比例目标")
        verbose_name_plural = _("公益广告比例目标")
        ordering = ["street__code"]
        constraints = [
            models.CheckConstraint(condition=Q(public_service_ratio__gte=0, public_service_ratio__lte=1),
                                   name="adtarget_ratio_range"),
        ]

    def __str__(self):
        return f"{self.street} {self.public_service_ratio:.0%}"


# Farmers markets live in their own sub-package (markets/farmers/), registered under this app's label.
from .farmers.models import *  # noqa: E402, F403
