"""Street commerce: vendor zones and stall permits, vendors and their cases across
streets, shops with frontage agreements, outdoor ads and shop signs."""
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import AdKind, AdStatus, PermitStatus, ZoneKind
from .querysets import (
    FrontageAgreementQuerySet,
    OutdoorAdQuerySet,
    ShopQuerySet,
    StallPermitQuerySet,
    VendorCaseLinkQuerySet,
    VendorQuerySet,
    VendorZoneQuerySet,
    local_time,
)


class VendorZone(models.Model):
    """A designated stall zone (摊点区域) of a street: a fixed stall zone by day or a night-snack zone whose
    hours may cross midnight; its sign shows hours, trades, responsible person and complaint phone."""

    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="vendor_zones",
                               verbose_name=_("街道"))
    kind = models.CharField(_("类型"), max_length=16, choices=ZoneKind.choices)
    name = models.CharField(_("名称"), max_length=64)
    road = models.CharField(_("道路"), max_length=64, blank=True)
    area = models.JSONField(_("范围"), null=True, blank=True, help_text=_("GeoJSON 面或点 (WGS84)"))
    opens_at = models.TimeField(_("开始时间"))
    closes_at = models.TimeField(_("结束时间"), help_text=_("早于开始时间表示跨过午夜（次日结束）"))
    trades = models.CharField(_("允许经营品类"), max_length=255, blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=64, blank=True)
    # PIPL: the responsible person's phone is kept as a mask and a keyed hash only (markets/pii.py).
    complaint_phone_masked = models.CharField(_("投诉电话"), max_length=32, blank=True)
    complaint_phone_hash = models.CharField(_("投诉电话（摘要）"), max_length=64, blank=True)
    capacity = models.PositiveSmallIntegerField(_("摊位数"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = VendorZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("摊点区域")
        verbose_name_plural = _("摊点区域")
        ordering = ["street__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="vendorzone_unique_street_name"),
            # equal times would be an empty (or a 24-hour) window: say which instead
            models.CheckConstraint(condition=~Q(opens_at=F("closes_at")), name="vendorzone_hours_not_equal"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    def clean(self):
        if self.opens_at is not None and self.opens_at == self.closes_at:
            raise ValidationError({"closes_at": _("结束时间不能与开始时间相同。")})

    @property
    def crosses_midnight(self) -> bool:
        return self.closes_at < self.opens_at

    def is_open_at(self, moment: datetime) -> bool:
        """Open at `moment` (local time): [opens_at, closes_at), or across midnight when closes_at < opens_at."""
        t = local_time(moment)
        if self.opens_at < self.closes_at:
            return self.opens_at <= t < self.closes_at
        return t >= self.opens_at or t < self.closes_at


class Vendor(models.Model):
    """A street vendor (摊贩), licensed or not, tracked across streets by phone or ID number (hashed)."""

    name = models.CharField(_("姓名"), max_length=64)
    phone_masked = models.CharField(_("电话"), max_length=32, blank=True)
    phone_hash = models.CharField(_("电话（摘要）"), max_length=64, blank=True)
    id_number_masked = models.CharField(_("身份证号"), max_length=32, blank=True)
    id_number_hash = models.CharField(_("身份证号（摘要）"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("登记时间"))

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


class StallPermit(models.Model):
    """A permit for one stall of a zone (摊位许可), about a year long, renewed 30-60 days before expiry."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="permits", verbose_name=_("摊贩"))
    zone = models.ForeignKey(VendorZone, on_delete=models.PROTECT, related_name="permits",
                             verbose_name=_("摊点区域"))
    stall_number = models.CharField(_("摊位号"), max_length=16)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    status = models.CharField(_("状态"), max_length=16, choices=PermitStatus.choices, default=PermitStatus.ACTIVE)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("发证人"))
    issued_at = models.DateTimeField(_("发证时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("吊销原因"), max_length=255, blank=True)

    objects = StallPermitQuerySet.as_manager()

    class Meta:
        verbose_name = _("摊位许可")
        verbose_name_plural = _("摊位许可")
        ordering = ["valid_to", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gt=F("valid_from")), name="stallpermit_valid_range"),
            # one active permit per stall; expired and revoked ones stay as history
            models.UniqueConstraint(fields=["zone", "stall_number"], condition=Q(status="active"),
                                    name="stallpermit_one_active_per_stall"),
        ]
        indexes = [
            # the renewal list: active permits by expiry date
            models.Index(fields=["status", "valid_to"], name="stallpermit_status_valid_to"),
        ]

    def __str__(self):
        return f"{self.zone.name} {self.stall_number}号"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("有效期止必须晚于有效期起。")})


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
    """A registered shop along a street; each should sign a frontage agreement (门前五包)."""

    name = models.CharField(_("店名"), max_length=128)
    address = models.CharField(_("地址"), max_length=255)
    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="shops",
                               verbose_name=_("街道"))
    grid = models.ForeignKey("grids.GridCell", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="shops", verbose_name=_("单元网格"))
    is_active = models.BooleanField(_("在营"), default=True)

    objects = ShopQuerySet.as_manager()

    class Meta:
        verbose_name = _("商户")
        verbose_name_plural = _("商户")
        ordering = ["street__code", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["street", "name", "address"], name="shop_unique_place")]

    def __str__(self):
        return self.name


class FrontageAgreement(models.Model):
    """A signed frontage responsibility agreement (门前五包责任书); a new one ends the shop's previous one."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("商户"))
    signed_on = models.DateField(_("签订日期"))
    signer_name = models.CharField(_("签订人"), max_length=64)
    signer_phone_masked = models.CharField(_("签订人电话"), max_length=32, blank=True)
    signer_phone_hash = models.CharField(_("签订人电话（摘要）"), max_length=64, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("登记人"))

    objects = FrontageAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("门前五包责任书")
        verbose_name_plural = _("门前五包责任书")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["shop"], condition=Q(is_active=True),
                                    name="frontageagreement_one_active_per_shop"),
        ]

    def __str__(self):
        return f"{self.shop.name} {self.signed_on:%Y-%m-%d}"


class OutdoorAd(models.Model):
    """An outdoor ad or shop sign (户外广告、门店招牌) with its approval; a problem when unapproved, expired
    or hazardous."""

    owner = models.CharField(_("设置单位"), max_length=128)
    location = models.CharField(_("位置"), max_length=255)
    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="outdoor_ads",
                               verbose_name=_("街道"))
    kind = models.CharField(_("类型"), max_length=16, choices=AdKind.choices)
    approval_number = models.CharField(_("审批文号"), max_length=64, blank=True)
    approved_until = models.DateField(_("审批有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=AdStatus.choices, default=AdStatus.NORMAL)
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=8, decimal_places=2, null=True, blank=True,
                                  validators=[MinValueValidator(0)])
    registered_at = models.DateTimeField(_("登记时间"))

    objects = OutdoorAdQuerySet.as_manager()

    class Meta:
        verbose_name = _("户外广告/招牌")
        verbose_name_plural = _("户外广告/招牌")
        ordering = ["street__code", "owner", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(approved_until__isnull=True) | ~Q(approval_number=""),
                                   name="outdoorad_expiry_needs_approval"),
        ]

    def __str__(self):
        return f"{self.owner} {self.location}"
