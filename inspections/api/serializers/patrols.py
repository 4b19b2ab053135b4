"""Serializers of patrol reports, their revisions, the configured counts and patrol coverage."""
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from ...choices import PatrolShift
from ...models import PatrolCountField
from ...services import patrols as services


@extend_schema_field(OpenApiTypes.STR)
class TextOrListField(serializers.Field):
    """Team members as text ("张三、李四") or a list of names."""

    def to_internal_value(self, data):
        if isinstance(data, list):
            if not all(isinstance(x, str) for x in data):
                raise ValidationError(_("队员须为文字或文字列表"))
            data = "、".join(x.strip() for x in data if x.strip())
        if not isinstance(data, str):
            raise ValidationError(_("队员须为文字或文字列表"))
        if "\x00" in data:  # PostgreSQL refuses NUL in text: a 400 here, not a 500 at the insert
            raise ValidationError(_("队员中含有无效字符"))
        return data

    def to_representation(self, value):
        return value


class SafeDateTimeField(serializers.DateTimeField):
    """DRF's field lets an OverflowError escape for naive times at the edge of year 1 (its ambiguity check
    converts to UTC); answer 400 like it does for aware ones."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


class FindingInputSerializer(serializers.Serializer):
    category = serializers.CharField(max_length=5)
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    description = serializers.CharField(max_length=1000)
    handled_on_spot = serializers.BooleanField(default=False)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.CharField(trim_whitespace=False), required=False, default=list,
                                   max_length=services.MAX_PHOTOS_PER_FINDING)
    vendor = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1,
        help_text="a registered vendor's id (street commerce): the case is against the vendor's party")
    plate = serializers.CharField(max_length=16, required=False, allow_blank=True, default="",
                                  help_text="a muck truck's plate, checked against the muck-transport approvals")
    found_at = SafeDateTimeField(required=False, allow_null=True, default=None,
                                 help_text="when the finding was made (within the patrol); checked against approvals' hours")


class PatrolReportInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    shift = serializers.ChoiceField(choices=PatrolShift.choices)
    grid_cells = serializers.ListField(child=serializers.CharField(max_length=32), allow_empty=False,
                                       max_length=services.MAX_CELLS)
    started_at = SafeDateTimeField()
    ended_at = SafeDateTimeField()
    summary = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    findings = FindingInputSerializer(many=True, required=False, default=list, max_length=services.MAX_FINDINGS)
    squad = serializers.CharField(max_length=64, allow_blank=True, required=False, default="")
    duty_squad = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                          max_value=2**31 - 1)
    team = TextOrListField(required=False, default="")
    track = serializers.JSONField(required=False, default=list)
    counts = serializers.JSONField(required=False, default=dict)


class PatrolReportAmendSerializer(serializers.Serializer):
    date = serializers.DateField()
    shift = serializers.ChoiceField(choices=PatrolShift.choices)
    grid_cells = serializers.ListField(child=serializers.CharField(max_length=32), allow_empty=False,
                                       max_length=services.MAX_CELLS)
    started_at = SafeDateTimeField()
    ended_at = SafeDateTimeField()
    summary = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    squad = serializers.CharField(max_length=64, allow_blank=True, required=False)
    team = TextOrListField(required=False)
    track = serializers.JSONField(required=False)
    counts = serializers.JSONField(required=False)
    reason = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")


class PatrolFindingSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    category = serializers.SerializerMethodField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    grid = serializers.SerializerMethodField()
    description = serializers.CharField()
    handled_on_spot = serializers.BooleanField()
    photo_count = serializers.IntegerField()
    case = serializers.SerializerMethodField()
    plate = serializers.CharField()
    occupation_approval = serializers.IntegerField(source="occupation_approval_id", allow_null=True)
    muck_approval = serializers.IntegerField(source="muck_approval_id", allow_null=True)
    approval_note = serializers.CharField(help_text="what the district approvals make of the finding")

    def get_category(self, obj) -> dict:
        return {"code": obj.category.code, "name": obj.category.name}

    def get_grid(self, obj) -> dict | None:
        return {"code": obj.grid.code} if obj.grid_id else None

    def get_case(self, obj) -> dict | None:
        if not obj.case_id:
            return None
        case = obj.case
        return {"id": case.pk, "number": case.number, "status": case.status, "self_handled": case.self_handled,
                "party": case.party_id}


class PatrolReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField()
    street = serializers.SerializerMethodField()
    squad = serializers.CharField()
    duty_squad = serializers.SerializerMethodField()
    leader = serializers.SerializerMethodField()
    date = serializers.DateField()
    shift = serializers.CharField()
    shift_usual_times = serializers.CharField(source="usual_times")
    team = serializers.CharField()
    grid_cells = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    track = serializers.JSONField()
    summary = serializers.CharField()
    counts = serializers.JSONField()
    findings = PatrolFindingSerializer(many=True)
    recorded_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    revision_count = serializers.IntegerField()
    amendable_until = serializers.SerializerMethodField()

    def get_street(self, obj) -> dict | None:
        return {"code": obj.street.code, "name": obj.street.name} if obj.street_id else None

    def get_duty_squad(self, obj) -> dict | None:
        return {"id": obj.duty_squad.pk, "name": obj.duty_squad.name} if obj.duty_squad_id else None

    def get_leader(self, obj) -> dict:
        return {"id": obj.leader.pk, "username": obj.leader.username, "name": str(obj.leader)}

    def get_grid_cells(self, obj) -> list[str]:
        return sorted(c.code for c in obj.grid_cells.all())

    def get_amendable_until(self, obj) -> str:
        return timezone.localtime(obj.amendable_until()).isoformat()


class PatrolRevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    body = serializers.JSONField()
    amended_by = serializers.CharField(source="amended_by.username")
    amended_at = serializers.DateTimeField()
    reason = serializers.CharField()


class PatrolCountFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = PatrolCountField
        fields = ["code", "name", "unit", "order"]


class StreetRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PatrolCoverageSerializer(serializers.Serializer):
    street = StreetRefSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    cells_total = serializers.IntegerField()
    cells_patrolled = serializers.ListField(child=serializers.CharField())
    cells_missed = serializers.ListField(child=serializers.CharField())
    rate = serializers.FloatField()
