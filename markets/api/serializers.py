"""Read-only representations. Phones and ID numbers leave only as their masks."""
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from bureau import clock
from bureau.api.fields import SafeDateTimeField
from enforcement.choices import OrderOutcome
from grids.models import Street

from ..choices import (
    AD_PROBLEM_STATUSES,
    PERMIT_WARNING_DAYS,
    RENEWAL_OPENS_DAYS,
    SHOP_FLAG_CASES,
    AdKind,
    AdStatus,
    FrontageKind,
    PermitApplicant,
    PermitStatus,
    Trade,
    VendorKind,
    ZoneKind,
)
from ..models import FrontageAgreement, OutdoorAd, Shop, ShopCommitment, StallPermit, Vendor, VendorZone


class ZoneStreetSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class WindowSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=1, max_value=7,
                                       help_text="1 = Monday … 7 = Sunday: the day the window starts")
    opens = serializers.TimeField(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"])
    closes = serializers.TimeField(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"],
                                   help_text="at or before opens: past midnight")

    def validate(self, attrs):
        if attrs["opens"] == attrs["closes"]:
            raise serializers.ValidationError({"closes": [_("结束时间不能与开始时间相同。")]})
        return attrs


class VendorZoneSerializer(serializers.ModelSerializer):
    street = ZoneStreetSerializer(read_only=True)
    windows = WindowSerializer(many=True, read_only=True)
    slot_count = serializers.SerializerMethodField()
    open_now = serializers.SerializerMethodField()

    class Meta:
        model = VendorZone
        fields = ["id", "name", "kind", "street", "road", "geometry", "half_width_m", "windows", "valid_from",
                  "valid_to", "open_now", "trades", "allowed_trades", "responsible_person", "complaint_phone",
                  "capacity", "slot_count", "is_active"]

    def get_open_now(self, obj) -> bool:
        return obj.is_open_at(clock.now())

    def get_slot_count(self, obj) -> int:
        return len(obj.slots.all())


class StallPermitSerializer(serializers.ModelSerializer):
    street = serializers.CharField(source="zone.street.code", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    stall_number = serializers.CharField(source="slot.number", read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    vendor_phone = serializers.CharField(source="vendor.phone_masked", read_only=True)
    vendor_id_number = serializers.CharField(source="vendor.id_number_masked", read_only=True)
    renewal_of = serializers.PrimaryKeyRelatedField(read_only=True)
    due_for_renewal = serializers.SerializerMethodField()
    expiring = serializers.SerializerMethodField()

    class Meta:
        model = StallPermit
        fields = ["id", "street", "zone", "zone_name", "slot", "stall_number", "vendor", "vendor_name",
                  "vendor_phone", "vendor_id_number", "valid_from", "valid_to", "status", "applicant", "checklist",
                  "renewal_of", "due_for_renewal", "expiring", "revoke_reason"]

    def _days_left(self, obj):
        return (obj.valid_to - timezone.localdate(clock.now())).days

    def get_due_for_renewal(self, obj) -> bool:
        return obj.status == PermitStatus.ACTIVE and 0 <= self._days_left(obj) <= RENEWAL_OPENS_DAYS

    def get_expiring(self, obj) -> bool:
        return obj.status == PermitStatus.ACTIVE and 0 <= self._days_left(obj) <= PERMIT_WARNING_DAYS


class RepeatOffenderSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="phone_masked", read_only=True)
    case_count = serializers.IntegerField(read_only=True)
    street_count = serializers.IntegerField(read_only=True)
    streets = serializers.SerializerMethodField()

    class Meta:
        model = Vendor
        fields = ["id", "name", "phone", "case_count", "street_count", "streets"]

    def get_streets(self, obj) -> list[str]:
        return sorted({link.case.street.code for link in obj.case_links.all()})


class _CoverageSerializer(serializers.Serializer):
    """Active shops, those with a signed agreement on record, and their ratio (null without shops)."""

    shop_count = serializers.IntegerField()
    covered_count = serializers.IntegerField()
    coverage = serializers.SerializerMethodField()

    def get_coverage(self, obj) -> float | None:
        return round(obj.covered_count / obj.shop_count, 4) if obj.shop_count else None


class FrontageCoverageSerializer(_CoverageSerializer):
    street = serializers.CharField(source="code")
    street_name = serializers.CharField(source="name")


class RepeatOffenderQuerySerializer(serializers.Serializer):
    min_cases = serializers.IntegerField(min_value=1, max_value=1000, default=2)
    since = SafeDateTimeField(required=False)


class OutdoorAdSerializer(serializers.ModelSerializer):
    street = serializers.CharField(source="street.code", read_only=True)
    is_problem = serializers.SerializerMethodField()
    removal_order = serializers.CharField(source="removal_order.number", read_only=True, default=None)
    removal_outcome = serializers.CharField(source="removal_order.outcome", read_only=True, default=None)

    class Meta:
        model = OutdoorAd
        fields = ["id", "street", "owner", "location", "kind", "approval_number", "approved_from", "approved_until",
                  "status", "area_m2", "lat", "lng", "is_problem", "removal_order", "removal_outcome"]

    def get_is_problem(self, obj) -> bool:
        today = timezone.localdate(clock.now())
        return obj.status in AD_PROBLEM_STATUSES or (
            obj.status in (AdStatus.APPROVED, AdStatus.EXPIRING) and obj.approved_until is not None
            and obj.approved_until < today)


class CheckedZoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    street = ZoneStreetSerializer()


class ZoneCheckSerializer(serializers.Serializer):
    """The check's answer (for the schema)."""

    zone = CheckedZoneSerializer(allow_null=True)
    open = serializers.BooleanField()
    permitted = serializers.BooleanField(allow_null=True)
    reason = serializers.CharField()


# --- writes: the request bodies of the services ---

class VendorSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="phone_masked", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)

    class Meta:
        model = Vendor
        fields = ["id", "kind", "name", "licence_number", "phone", "id_number", "trades", "photo", "created_at"]


class VendorRegisterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VendorKind.choices, default=VendorKind.PERSON)
    name = serializers.CharField(max_length=64)
    licence_number = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)
    id_number = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)
    trades = serializers.ListField(child=serializers.ChoiceField(choices=Trade.choices), required=False, default=list)
    photo = serializers.FileField(required=False, allow_null=True, default=None)


class PermitApplySerializer(serializers.Serializer):
    vendor = serializers.IntegerField(min_value=1)
    slot = serializers.IntegerField(min_value=1)
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)
    applicant = serializers.ChoiceField(choices=PermitApplicant.choices, default=PermitApplicant.STREET)
    note = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)


class Checklist(serializers.DictField):
    child = serializers.BooleanField()


class PermitReviewSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    checklist = Checklist(required=False, allow_null=True, default=None)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class PermitRenewSerializer(serializers.Serializer):
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)


class ZoneWriteSerializer(serializers.Serializer):
    street = serializers.CharField(max_length=3)
    kind = serializers.ChoiceField(choices=ZoneKind.choices)
    name = serializers.CharField(max_length=64)
    road = serializers.CharField(max_length=64, required=False, allow_blank=True)
    geometry = serializers.JSONField(required=False, allow_null=True)
    half_width_m = serializers.IntegerField(min_value=1, max_value=500, required=False)
    windows = WindowSerializer(many=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_to = serializers.DateField(required=False, allow_null=True)
    trades = serializers.CharField(max_length=255, required=False, allow_blank=True)
    allowed_trades = serializers.ListField(child=serializers.ChoiceField(choices=Trade.choices), required=False)
    responsible_person = serializers.CharField(max_length=64, required=False, allow_blank=True)
    complaint_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    slots = serializers.IntegerField(min_value=0, max_value=500, required=False)
    is_active = serializers.BooleanField(required=False)

    def validate_street(self, value):
        street = Street.objects.filter(code=value).first()
        if street is None:
            raise serializers.ValidationError(_("没有该街道。"))
        return street


class AdRegisterSerializer(serializers.Serializer):
    street = serializers.CharField(max_length=3)
    owner = serializers.CharField(max_length=128)
    location = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=AdKind.choices, default=AdKind.AD)
    approval_number = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    approved_from = serializers.DateField(required=False, allow_null=True, default=None)
    approved_until = serializers.DateField(required=False, allow_null=True, default=None)
    hazard = serializers.BooleanField(required=False, default=False)
    area_m2 = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False,
                                       allow_null=True, default=None)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True, default=None,
                                 help_text="WGS84, with lng; inside the district")
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True, default=None)


class AdStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AdStatus.choices)
    reason = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)


class ShopSerializer(serializers.ModelSerializer):
    """A shop with its frontage state: an agreement on record, its latest commitment letter's date, and its
    店外经营 (09005) cases of the trailing 90 days (linked to it or in its frontage), flagged at three."""

    street = serializers.CharField(source="street.code", read_only=True)
    grid = serializers.CharField(source="grid.code", read_only=True, default=None)
    has_agreement = serializers.BooleanField(read_only=True)
    commitment_signed_on = serializers.DateField(read_only=True, allow_null=True)
    signer_name = serializers.CharField(read_only=True, allow_null=True, help_text="the latest agreement's signer")
    signer_phone = serializers.CharField(source="signer_phone_masked", read_only=True, allow_null=True,
                                         help_text="masked (138****5678)")
    frontage_case_count = serializers.IntegerField(read_only=True)
    flagged = serializers.SerializerMethodField()

    class Meta:
        model = Shop
        fields = ["id", "name", "address", "licence_number", "street", "grid", "lat", "lng", "is_active",
                  "has_agreement", "signer_name", "signer_phone", "commitment_signed_on", "frontage_case_count",
                  "flagged"]

    def get_flagged(self, obj) -> bool:
        return obj.frontage_case_count >= SHOP_FLAG_CASES


class ShopRegisterSerializer(serializers.Serializer):
    street = serializers.CharField(max_length=3)
    name = serializers.CharField(max_length=128)
    address = serializers.CharField(max_length=255)
    licence_number = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    grid = serializers.CharField(max_length=15, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True, default=None)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True, default=None)


class ShopUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, required=False)
    address = serializers.CharField(max_length=255, required=False)
    licence_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)


class AgreementSignSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FrontageKind.choices, default=FrontageKind.FIVE)
    signed_on = serializers.DateField()
    signer_name = serializers.CharField(max_length=64)
    signer_phone = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)


class AgreementSerializer(serializers.ModelSerializer):
    signer_phone = serializers.CharField(source="signer_phone_masked", read_only=True)

    class Meta:
        model = FrontageAgreement
        fields = ["id", "shop", "kind", "version", "signed_on", "signer_name", "signer_phone", "recorded_at"]


class CommitmentRecordSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    signer_name = serializers.CharField(max_length=64)
    scan = serializers.FileField(help_text="the signed letter's scan: JPEG, PNG or WebP")


class CommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShopCommitment
        fields = ["id", "shop", "signed_on", "signer_name", "scan_sha256", "recorded_at"]


class CellCoverageSerializer(_CoverageSerializer):
    grid = serializers.CharField(source="code")
    street = serializers.CharField(source="community.street.code")


class AdApproveSerializer(serializers.Serializer):
    approval_number = serializers.CharField(max_length=64)
    approved_from = serializers.DateField(required=False, allow_null=True, default=None)
    approved_until = serializers.DateField(required=False, allow_null=True, default=None)


class AdUpdateSerializer(serializers.Serializer):
    owner = serializers.CharField(max_length=128, required=False)
    location = serializers.CharField(max_length=255, required=False)
    kind = serializers.ChoiceField(choices=AdKind.choices, required=False)
    area_m2 = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True,
                                 help_text="WGS84, with lng (both null: no point); inside the district")
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)


class AdRemovalOrderSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, help_text="a 07003 / 07006 case of the ad's street")
    legal_basis = serializers.CharField(max_length=2000)
    deadline_days = serializers.IntegerField(min_value=1, max_value=90)
    items = serializers.ListField(child=serializers.CharField(max_length=500), required=False, max_length=20)
    facts = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class AdFollowUpSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=OrderOutcome.choices)
    note = serializers.CharField(max_length=2000)


class AdRatioSerializer(serializers.Serializer):
    street = serializers.CharField(source="code")
    street_name = serializers.CharField(source="name")
    ad_count = serializers.IntegerField()
    public_service_count = serializers.IntegerField()
    ratio = serializers.SerializerMethodField()
    target = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    meets_target = serializers.SerializerMethodField()

    def get_ratio(self, obj) -> float | None:
        return round(obj.public_service_count / obj.ad_count, 4) if obj.ad_count else None

    def get_meets_target(self, obj) -> bool | None:
        if obj.target is None or not obj.ad_count:
            return None
        return obj.public_service_count >= obj.target * obj.ad_count


class AdTargetSetSerializer(serializers.Serializer):
    street = serializers.CharField(max_length=3)
    public_service_ratio = serializers.DecimalField(max_digits=5, decimal_places=4, min_value=0, max_value=1)
