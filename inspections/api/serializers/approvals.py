"""Serializers of district approvals of temporary occupation, and of the check of a place against them."""
from rest_framework import serializers

from ...choices import OccupationKind
from .patrols import SafeDateTimeField


class OccupationApprovalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    applicant = serializers.CharField()
    geometry = serializers.JSONField(help_text="GeoJSON Polygon (area) or LineString (route), WGS84")
    streets = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    hours_from = serializers.TimeField(format="%H:%M")
    hours_to = serializers.TimeField(format="%H:%M")
    conditions = serializers.CharField()
    approved_at = serializers.DateTimeField()

    def get_streets(self, obj) -> list[dict]:
        return [{"code": s.code, "name": s.name} for s in sorted(obj.streets.all(), key=lambda s: s.code)]

    def get_categories(self, obj) -> list[str]:
        return sorted(c.code for c in obj.categories.all())


class OccupationApprovalInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=32)
    kind = serializers.ChoiceField(choices=OccupationKind.choices)
    title = serializers.CharField(max_length=128)
    applicant = serializers.CharField(max_length=128)
    geometry = serializers.JSONField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    hours_from = serializers.TimeField()
    hours_to = serializers.TimeField()
    conditions = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    categories = serializers.ListField(child=serializers.CharField(max_length=5), required=False, default=list,
                                       max_length=20)


class ApprovalCheckInputSerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    at = SafeDateTimeField(required=False, allow_null=True, default=None)
    category = serializers.CharField(max_length=5, required=False, allow_blank=True, default="")
    plate = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")


class CheckedOccupationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    until = serializers.CharField(help_text="HH:MM, the end of today's approved hours")
    message = serializers.CharField()


class MuckCheckSerializer(serializers.Serializer):
    recognised = serializers.BooleanField()
    approval = serializers.DictField(allow_null=True)
    problems = serializers.ListField(child=serializers.CharField())


class ApprovalCheckSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    approved = serializers.BooleanField(help_text="the category is an approved occupation here, now")
    message = serializers.CharField()
    occupations = CheckedOccupationSerializer(many=True)
    muck = MuckCheckSerializer(allow_null=True)
