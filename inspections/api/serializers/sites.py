"""Serializers of construction sites, the dust-control checklist, site inspections, the census and
muck-transport approvals."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...choices import SiteInspectionResult
from ...models import ConstructionSite, DustCheckItem
from ...services.patrols import MAX_PHOTOS_PER_FINDING
from .patrols import SafeDateTimeField, StreetRefSerializer


def _street(street) -> dict:
    return {"code": street.code, "name": street.name}


class DustCheckItemSerializer(serializers.ModelSerializer):
    category = serializers.SerializerMethodField()

    class Meta:
        model = DustCheckItem
        fields = ["code", "name", "standard", "category", "order"]

    def get_category(self, obj) -> dict:
        return {"code": obj.category.code, "name": obj.category.name}


class ConstructionSiteSerializer(serializers.ModelSerializer):
    street = serializers.SerializerMethodField()
    grid = serializers.SerializerMethodField()
    agreement_signed = serializers.BooleanField(read_only=True)

    class Meta:
        model = ConstructionSite
        fields = ["id", "name", "developer", "contractor", "permit_number", "street", "grid", "lat", "lng", "boundary",
                  "address", "starts_on", "ends_on", "completed_on", "responsible_persons", "agreement_signed_on",
                  "agreement_signed", "registered_at"]

    def get_street(self, obj) -> dict:
        return _street(obj.street)

    def get_grid(self, obj) -> dict:
        return {"code": obj.grid.code}


class ConstructionSiteInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128)
    developer = serializers.CharField(max_length=128)
    contractor = serializers.CharField(max_length=128)
    permit_number = serializers.CharField(max_length=64, allow_blank=True, required=False, default="")
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    boundary = serializers.JSONField(required=False, allow_null=True, default=None)
    address = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)
    responsible_persons = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")
    agreement_signed_on = serializers.DateField(required=False, allow_null=True, default=None)


class ResultInputSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=32)
    result = serializers.ChoiceField(choices=SiteInspectionResult.choices)
    note = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    photos = serializers.ListField(child=serializers.CharField(trim_whitespace=False), required=False, default=list,
                                   max_length=MAX_PHOTOS_PER_FINDING)


class SiteInspectionInputSerializer(serializers.Serializer):
    site = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    inspected_at = SafeDateTimeField()
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    results = ResultInputSerializer(many=True, allow_empty=False, max_length=50)


class OrderRefSerializer(serializers.Serializer):
    """The rectification order a failed item made (its page is in the case workbench's orders queue)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    deadline = serializers.DateTimeField()


class SiteInspectionResultSerializer(serializers.Serializer):
    item = serializers.SerializerMethodField()
    result = serializers.CharField()
    note = serializers.CharField()
    photo_count = serializers.IntegerField()
    case = serializers.SerializerMethodField()
    order = serializers.SerializerMethodField()
    rectify_by = serializers.DateTimeField()
    resolved_by = serializers.IntegerField(source="resolved_by_id")

    def get_item(self, obj) -> dict:
        return {"code": obj.item.code, "name": obj.item.name}

    def get_case(self, obj) -> dict | None:
        if not obj.case_id:
            return None
        return {"id": obj.case.pk, "number": obj.case.number, "status": obj.case.status}

    @extend_schema_field(OrderRefSerializer(allow_null=True))
    def get_order(self, obj):
        return OrderRefSerializer(obj.order).data if obj.order_id else None


class SiteInspectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    site = serializers.SerializerMethodField()
    inspector = serializers.CharField(source="inspector.username")
    source = serializers.CharField()
    inspected_at = serializers.DateTimeField()
    date = serializers.DateField()
    note = serializers.CharField()
    failed_count = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()
    results = SiteInspectionResultSerializer(many=True)

    def get_site(self, obj) -> dict:
        return {"id": obj.site.pk, "name": obj.site.name, "street": _street(obj.site.street)}


class CensusRowSerializer(serializers.Serializer):
    site = serializers.SerializerMethodField()
    last_inspected_on = serializers.DateField()
    inspections = serializers.IntegerField()
    open_follow_ups = serializers.IntegerField()

    def get_site(self, row) -> dict:
        site = row["site"]
        return {"id": site.pk, "name": site.name, "street": _street(site.street), "grid": site.grid.code,
                "agreement_signed": site.agreement_signed}


class SiteCensusSerializer(serializers.Serializer):
    month = serializers.CharField()
    street = StreetRefSerializer(allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField()
    total = serializers.IntegerField()
    rate = serializers.FloatField()
    inspected = CensusRowSerializer(many=True)
    uninspected = CensusRowSerializer(many=True)


class MuckApprovalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    site = serializers.SerializerMethodField()
    carrier = serializers.CharField()
    vehicles = serializers.CharField()
    route = serializers.JSONField()
    route_description = serializers.CharField()
    streets = serializers.SerializerMethodField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    hours_from = serializers.TimeField(format="%H:%M")
    hours_to = serializers.TimeField(format="%H:%M")
    conditions = serializers.CharField()
    approved_at = serializers.DateTimeField()

    def get_site(self, obj) -> dict | None:
        return {"id": obj.site.pk, "name": obj.site.name} if obj.site_id else None

    def get_streets(self, obj) -> list[dict]:
        return [_street(s) for s in sorted(obj.streets.all(), key=lambda s: s.code)]


class MuckApprovalInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=32)
    site = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1)
    carrier = serializers.CharField(max_length=128)
    vehicles = serializers.CharField(max_length=500)
    route = serializers.JSONField()
    route_description = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    hours_from = serializers.TimeField()
    hours_to = serializers.TimeField()
    conditions = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
