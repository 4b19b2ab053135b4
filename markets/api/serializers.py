"""Read-only representations. Phones and ID numbers leave only as their masks."""
from django.utils import timezone
from rest_framework import serializers

from bureau import clock
from bureau.api.fields import SafeDateTimeField

from ..models import OutdoorAd, StallPermit, Vendor, VendorZone


class VendorZoneSerializer(serializers.ModelSerializer):
    street = serializers.CharField(source="street.code", read_only=True)
    street_name = serializers.CharField(source="street.name", read_only=True)
    complaint_phone = serializers.CharField(source="complaint_phone_masked", read_only=True)
    crosses_midnight = serializers.BooleanField(read_only=True)
    open_now = serializers.SerializerMethodField()

    class Meta:
        model = VendorZone
        fields = ["id", "street", "street_name", "kind", "name", "road", "area", "opens_at", "closes_at",
                  "crosses_midnight", "open_now", "trades", "responsible_person", "complaint_phone", "capacity",
                  "is_active"]

    def get_open_now(self, obj) -> bool:
        return obj.is_open_at(clock.now())


class StallPermitSerializer(serializers.ModelSerializer):
    street = serializers.CharField(source="zone.street.code", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    vendor_phone = serializers.CharField(source="vendor.phone_masked", read_only=True)
    vendor_id_number = serializers.CharField(source="vendor.id_number_masked", read_only=True)
    due_for_renewal = serializers.SerializerMethodField()

    class Meta:
        model = StallPermit
        fields = ["id", "street", "zone", "zone_name", "stall_number", "vendor", "vendor_name", "vendor_phone",
                  "vendor_id_number", "valid_from", "valid_to", "status", "due_for_renewal"]

    def get_due_for_renewal(self, obj) -> bool:
        from ..choices import RENEWAL_OPENS_DAYS, PermitStatus

        today = timezone.localdate(clock.now())
        return obj.status == PermitStatus.ACTIVE and 0 <= (obj.valid_to - today).days <= RENEWAL_OPENS_DAYS


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
