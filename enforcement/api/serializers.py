"""Case JSON. Fields are declared for the schema; `to_representation` is written out by hand
because the case list is the hottest read of the product (bench/cases_list.py)."""
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from ..choices import CaseAction, CaseSource
from ..models import Case, Category

_TZ = ZoneInfo(settings.TIME_ZONE)


def _dt(value):
    # astimezone with a fixed zone: the same result as timezone.localtime, at a fraction of its cost
    return value.astimezone(_TZ).isoformat() if value is not None else None


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField()


class CategorySerializer(serializers.ModelSerializer):
    major = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["code", "name", "major", "urgency", "dispatch_limit", "dispatch_unit", "handle_limit",
                  "handle_unit", "department", "is_active"]

    def get_major(self, obj) -> dict:
        return {"code": obj.major_code, "name": obj.major_name}

    def get_department(self, obj) -> dict | None:
        return {"code": obj.department.code, "name": obj.department.name} if obj.department_id else None


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    category = CodeNameSerializer()
    street = CodeNameSerializer()
    grid = CodeSerializer()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    address = serializers.CharField()
    description = serializers.CharField()
    source = serializers.CharField()
    reported_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    handling_due_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    warning_level = serializers.CharField()
    rework_count = serializers.IntegerField()
    extensions_approved = serializers.IntegerField()
    extension_requested = serializers.BooleanField()
    self_handled = serializers.BooleanField()
    handling_department = CodeNameSerializer(allow_null=True)
    duplicate_of = serializers.IntegerField(allow_null=True)
    reporter_name = serializers.CharField()
    reporter_phone = serializers.CharField(help_text="masked, e.g. 138****5678")

    def to_representation(self, case: Case):
        dept = case.handling_department
        return {
            "id": case.pk,
            "number": case.number,
            "status": case.status,
            "category": {"code": case.category.code, "name": case.category.name},
            "street": {"code": case.street.code, "name": case.street.name},
            "grid": {"code": case.grid.code},
            "lat": case.lat,
            "lng": case.lng,
            "address": case.address,
            "description": case.description,
            "source": case.source,
            "reported_at": _dt(case.reported_at),
            "due_at": _dt(case.due_at),
            "handling_due_at": _dt(case.handling_due_at),
            "closed_at": _dt(case.closed_at),
            "overdue": case.overdue,
            "warning_level": case.warning_level,
            "rework_count": case.rework_count,
            "extensions_approved": case.extensions_approved,
            "extension_requested": case.extension_requested,
            "self_handled": case.self_handled,
            "handling_department": {"code": dept.code, "name": dept.name} if dept is not None else None,
            "duplicate_of": case.duplicate_of_id,
            "reporter_name": case.reporter_name,
            "reporter_phone": case.reporter_phone_masked,
        }


# The list reads these columns with `.values()` (no model instances: the list is the hottest read).
LIST_FIELDS = [
    "id", "number", "status", "category__code", "category__name", "street__code", "street__name", "grid__code",
    "lat", "lng", "address", "description", "source", "reported_at", "due_at", "handling_due_at", "closed_at",
    "overdue", "warning_level", "rework_count", "extensions_approved", "extension_requested", "self_handled",
    "handling_department__code", "handling_department__name", "duplicate_of", "reporter_name",
    "reporter_phone_masked",
]


def case_row(r: dict) -> dict:
    """A `.values(*LIST_FIELDS)` row as the case JSON (the same shape as CaseSerializer)."""
    return {
        "id": r["id"],
        "number": r["number"],
        "status": r["status"],
        "category": {"code": r["category__code"], "name": r["category__name"]},
        "street": {"code": r["street__code"], "name": r["street__name"]},
        "grid": {"code": r["grid__code"]},
        "lat": r["lat"],
        "lng": r["lng"],
        "address": r["address"],
        "description": r["description"],
        "source": r["source"],
        "reported_at": _dt(r["reported_at"]),
        "due_at": _dt(r["due_at"]),
        "handling_due_at": _dt(r["handling_due_at"]),
        "closed_at": _dt(r["closed_at"]),
        "overdue": r["overdue"],
        "warning_level": r["warning_level"],
        "rework_count": r["rework_count"],
        "extensions_approved": r["extensions_approved"],
        "extension_requested": r["extension_requested"],
        "self_handled": r["self_handled"],
        "handling_department": (
            {"code": r["handling_department__code"], "name": r["handling_department__name"]}
            if r["handling_department__code"] is not None else None
        ),
        "duplicate_of": r["duplicate_of"],
        "reporter_name": r["reporter_name"],
        "reporter_phone": r["reporter_phone_masked"],
    }


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    sha256 = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class EventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    action = serializers.CharField()
    to = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()
    note = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    handling_due_at = serializers.DateTimeField(allow_null=True)
    data = serializers.DictField()
    photos = PhotoSerializer(many=True)

    def to_representation(self, event):
        return {
            "seq": event.seq,
            "action": event.action,
            "from": event.from_status or None,
            "to": event.to_status,
            "actor": event.actor.username if event.actor_id else None,
            "at": _dt(event.recorded_at),
            "note": event.note,
            "due_at": _dt(event.due_at),
            "handling_due_at": _dt(event.handling_due_at),
            "data": event.data,
            "photos": [
                {"id": p.pk, "url": reverse("case-photo", args=[event.case_id, p.pk]), "sha256": p.sha256,
                 "content_type": p.content_type, "size": p.size}
                for p in event.photos.all()
            ],
        }


class CaseDetailSerializer(CaseSerializer):
    history = EventSerializer(many=True)
    available_actions = serializers.ListField(child=serializers.CharField())

    def to_representation(self, case):
        from ..services import available_actions

        data = super().to_representation(case)
        data["history"] = [EventSerializer().to_representation(e) for e in case.events.all()]
        request = self.context.get("request")
        data["available_actions"] = available_actions(request.user, case) if request else []
        return data


class CaseCreateSerializer(serializers.Serializer):
    category = serializers.CharField(max_length=5)
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    description = serializers.CharField(max_length=4000)
    source = serializers.ChoiceField(choices=CaseSource.choices)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    reporter_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    self_handled = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[a for a in CaseAction.choices if a[0] != CaseAction.REPORT])
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=16, required=False, allow_blank=True)
    department = serializers.CharField(max_length=16, required=False, allow_blank=True)
    duplicate_of = serializers.IntegerField(required=False)
    lat = serializers.FloatField(required=False)
    lng = serializers.FloatField(required=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)
