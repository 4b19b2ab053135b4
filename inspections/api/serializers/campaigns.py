"""Serializers of campaigns, their targets and progress, and demolitions."""
from decimal import Decimal

from rest_framework import serializers

from ...choices import CampaignIndicator


def _street(street) -> dict:
    return {"code": street.code, "name": street.name}


class CampaignTargetSerializer(serializers.Serializer):
    label = serializers.CharField()
    indicator = serializers.CharField()
    count_code = serializers.CharField()
    category = serializers.SerializerMethodField()
    target = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit = serializers.CharField()

    def get_category(self, obj) -> dict | None:
        return {"code": obj.category.code, "name": obj.category.name} if obj.category_id else None


class CampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    streets = serializers.SerializerMethodField()
    cells = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    units = serializers.CharField()
    description = serializers.CharField()
    targets = CampaignTargetSerializer(many=True)

    def get_streets(self, obj) -> list[dict]:
        return [_street(s) for s in sorted(obj.streets.all(), key=lambda s: s.code)]

    def get_cells(self, obj) -> list[str]:
        return sorted(c.code for c in obj.cells.all())

    def get_categories(self, obj) -> list[dict]:
        return [{"code": c.code, "name": c.name} for c in sorted(obj.categories.all(), key=lambda c: c.code)]


class TargetInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=64)
    indicator = serializers.ChoiceField(choices=CampaignIndicator.choices)
    count_code = serializers.CharField(max_length=32, allow_blank=True, required=False, default="")
    category = serializers.CharField(max_length=5, allow_blank=True, required=False, default="")
    target = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit = serializers.CharField(max_length=16, allow_blank=True, required=False, default="")


class CampaignInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    streets = serializers.ListField(child=serializers.CharField(max_length=3), required=False, default=list,
                                    max_length=200)
    cells = serializers.ListField(child=serializers.CharField(max_length=32), required=False, default=list,
                                  max_length=2000)
    categories = serializers.ListField(child=serializers.CharField(max_length=5), required=False, default=list,
                                       max_length=200)
    units = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    description = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
    targets = TargetInputSerializer(many=True, required=False, default=list, max_length=30)


def progress_payload(progress) -> dict:
    campaign = progress["campaign"]
    return {
        "campaign": {"id": campaign.pk, "name": campaign.name, "starts_on": campaign.starts_on.isoformat(),
                     "ends_on": campaign.ends_on.isoformat()},
        "streets": [_street(s) for s in progress["streets"]],
        "targets": [{
            "label": row["target"].label, "indicator": row["target"].indicator, "unit": row["target"].unit,
            "target": f"{row['target'].target:.2f}", "total": str(row["total"]), "percent": str(row["percent"]),
            "by_street": [{"street": _street(s), "value": str(row["by_street"][s.pk])} for s in progress["streets"]],
        } for row in progress["targets"]],
    }


class CampaignProgressSerializer(serializers.Serializer):
    campaign = serializers.DictField()
    streets = serializers.ListField(child=serializers.DictField())
    targets = serializers.ListField(child=serializers.DictField())


class DemolitionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    site = serializers.CharField()
    street = serializers.SerializerMethodField()
    grid = serializers.CharField(source="grid.code")
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    party_name = serializers.CharField()
    area_m2 = serializers.DecimalField(max_digits=10, decimal_places=2)
    demolished_on = serializers.DateField()
    case = serializers.SerializerMethodField()
    order_reference = serializers.CharField()
    forced = serializers.BooleanField()
    note = serializers.CharField()

    def get_street(self, obj) -> dict:
        return _street(obj.street)

    operation = serializers.IntegerField(source="operation_id", allow_null=True)

    def get_case(self, obj) -> dict | None:
        return {"id": obj.case.pk, "number": obj.case.number} if obj.case_id else None


class DemolitionInputSerializer(serializers.Serializer):
    site = serializers.CharField(max_length=255)
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    party_name = serializers.CharField(max_length=128)
    area_m2 = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    demolished_on = serializers.DateField()
    case = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1)
    order_reference = serializers.CharField(max_length=64, allow_blank=True, required=False, default="")
    forced = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    operation = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                         max_value=2**31 - 1, help_text="a joint operation's id")
