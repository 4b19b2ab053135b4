"""Read-only representations. Phones and ID numbers leave only as their masks."""
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from bureau import clock
from bureau.api.fields import SafeDateTimeField

from ..choices import PERMIT_WARNING_DAYS, RENEWAL_OPENS_DAYS, PermitStatus
from ..models import OutdoorAd, StallPermit, Vendor, VendorZone


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


class FrontageCoverageSerializer(serializers.Serializer):
    street = serializers.CharField(source="code")
    street_name = serializers.CharField(source="name")
    shop_count = serializers.IntegerField()
    covered_count = serializers.IntegerField()
    coverage = serializers.SerializerMethodField()

    def get_coverage(self, obj) -> float | None:
        return round(obj.covered_count / obj.shop_count, 4) if obj.shop_count else None


class RepeatOffenderQuerySerializer(serializers.Serializer):
    min_cases = serializers.IntegerField(min_value=1, max_value=1000, default=2)
    since = SafeDateTimeField(required=False)


class OutdoorAdSerializer(serializers.ModelSerializer):
    street = serializers.CharField(source="street.code", read_only=True)
    is_problem = serializers.SerializerMethodField()

    class Meta:
        model = OutdoorAd
        fields = ["id", "street", "owner", "location", "kind", "approval_number", "approved_until", "status",
                  "area_m2", "is_problem"]

    def get_is_problem(self, obj) -> bool:
        from ..choices import AdStatus

        today = timezone.localdate(clock.now())
        if obj.status == AdStatus.REMOVED:
            return False
        return (not obj.approval_number or obj.approved_until is None or obj.approved_until < today
                or obj.status == AdStatus.HAZARD)


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
