"""Case JSON. Fields are declared for the schema; `to_representation` is written out by hand
because the case list is the hottest read of the product (bench/cases_list.py)."""
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import CaseAction, CaseSource, CircumstanceLevel, Escalation, OrderOutcome, PartyKind, PenaltyAction
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
    repeat_offender = serializers.BooleanField(
        help_text="its party had a case in another street within the repeat-offender window before it")

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
            "repeat_offender": bool(getattr(case, "repeat_offender", False)),
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
        "repeat_offender": bool(r.get("repeat_offender", False)),
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
        data["party"] = party_brief(case.party)
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


# ---------------------------------------------------------------------------------------------- parties


def party_brief(party) -> dict | None:
    """A party as every response shows it: its numbers masked only."""
    if party is None:
        return None
    return {"id": party.pk, "kind": party.kind, "name": party.name, "id_number": party.id_number_masked,
            "phone": party.phone_masked}


class PartySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField()
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="masked")
    phone = serializers.CharField(help_text="masked")
    address = serializers.CharField()
    representative = serializers.CharField()

    def to_representation(self, party):
        return {**party_brief(party), "address": party.address, "representative": party.representative,
                "created_at": _dt(party.created_at)}


class PartyCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PartyKind.choices,
                                   required=False, default="person")
    name = serializers.CharField(max_length=128)
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    representative = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class CasePartySerializer(serializers.Serializer):
    """Name a case's party: an existing party's id, or a party to find or add (name and numbers)."""

    party = serializers.IntegerField(required=False, allow_null=True)
    new = PartyCreateSerializer(required=False)

    def validate(self, attrs):
        if "party" not in attrs and "new" not in attrs:
            raise serializers.ValidationError({"party": [_("请指定当事人")]})
        return attrs


# ---------------------------------------------------------------------------------------------- orders


def _case_brief(case) -> dict:
    return {"id": case.pk, "number": case.number, "street": {"code": case.street.code, "name": case.street.name}}


def _user(user) -> str | None:
    return user.username if user is not None else None


class OrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    deadline = serializers.DateTimeField()

    def to_representation(self, o):
        return {
            "id": o.pk, "number": o.number, "status": o.status, "case": _case_brief(o.case),
            "party": party_brief(o.party), "facts": o.facts, "items": o.item_list, "legal_basis": o.legal_basis,
            "deadline_days": o.deadline_days, "deadline": _dt(o.deadline), "issuing_unit": o.issuing_unit,
            "signer_name": o.signer_name, "issued_at": _dt(o.issued_at), "issued_by": _user(o.issued_by),
            "followed_up_at": _dt(o.followed_up_at), "followed_up_by": _user(o.followed_up_by),
            "outcome": o.outcome or None, "follow_up_note": o.follow_up_note,
            "escalation": o.escalation or None, "escalated_at": _dt(o.escalated_at),
            "escalated_by": _user(o.escalated_by), "escalation_note": o.escalation_note,
            "demolition_area_m2": str(o.demolition_area_m2) if o.demolition_area_m2 is not None else None,
            "self_removal_deadline": _dt(o.self_removal_deadline),
            "pdf": reverse("order-pdf", args=[o.pk]),
        }


class OrderCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    items = serializers.ListField(child=serializers.CharField(max_length=500), max_length=50)
    legal_basis = serializers.CharField(max_length=2000)
    deadline_days = serializers.IntegerField(min_value=1, max_value=90)
    facts = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    issuing_unit = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    signer_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class OrderFollowUpSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=OrderOutcome.choices)
    note = serializers.CharField(max_length=4000)


class OrderEscalateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Escalation.choices)
    note = serializers.CharField(max_length=4000)
    area_m2 = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    self_removal_days = serializers.IntegerField(min_value=1, max_value=90, required=False, default=3)


# ---------------------------------------------------------------------------------------------- penalties


class PenaltySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    fine = serializers.DecimalField(max_digits=12, decimal_places=2)

    def to_representation(self, d):
        data = {
            "id": d.pk, "number": d.number, "status": d.status, "case": _case_brief(d.case),
            "party": party_brief(d.party), "order": d.order_id,
            "standard": {"code": d.standard.code, "version": d.standard.version},
            "category": {"code": d.category.code, "name": d.category.name}, "level": d.level,
            "first_offence": d.first_offence, "fine": str(d.fine),
            "range": {"min": str(d.fine_min), "max": str(d.fine_max)}, "measures": d.measures,
            "facts": d.facts, "legal_basis": d.legal_basis, "circumstances": d.circumstances,
            "needs_legal_review": d.needs_legal_review, "drafted_at": _dt(d.drafted_at),
            "drafted_by": _user(d.drafted_by),
            "paid_amount": str(d.paid_amount) if d.paid_amount is not None else None,
        }
        if self.context.get("detail"):
            from ..services.penalties import available_steps

            request = self.context.get("request")
            data["steps"] = [{"seq": s.seq, "action": s.action, "from": s.from_status or None, "to": s.to_status,
                              "actor": _user(s.actor), "at": _dt(s.recorded_at), "note": s.note, "data": s.data}
                             for s in d.steps.all()]
            data["available_steps"] = available_steps(request.user, d) if request else []
        return data


class PenaltyCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    level = serializers.ChoiceField(choices=CircumstanceLevel.choices)
    fine = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    legal_basis = serializers.CharField(max_length=2000)
    facts = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    circumstances = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    measures = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    first_offence = serializers.BooleanField(required=False, default=False)
    order = serializers.IntegerField(required=False, allow_null=True)


class PenaltyStepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[a for a in PenaltyAction.choices if a[0] != PenaltyAction.DRAFT])
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    paid_amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)


class DiscretionStandardSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()

    def to_representation(self, s):
        return {"code": s.code, "version": s.version, "name": s.name, "rules": s.rules,
                "first_offence": s.first_offence, "legal_review_threshold": str(s.legal_review_threshold),
                "created_at": _dt(s.created_at)}


# ---------------------------------------------------------------------------------------------- duplicates and
# repeat offenders (enforcement/offenders.py)


class NearbyQuerySerializer(serializers.Serializer):
    """`?lat=&lng=&category=` (and `exclude`, a case id left out: the case being registered)."""

    lat = serializers.FloatField()
    lng = serializers.FloatField()
    category = serializers.CharField(max_length=5)
    exclude = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        from ..effects import parse_point

        try:
            attrs["lat"], attrs["lng"] = parse_point(attrs["lat"], attrs["lng"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        category = Category.objects.filter(code=attrs["category"], is_active=True).first()
        if category is None:
            raise serializers.ValidationError({"category": [_("未知的案件类别：%(code)s") % {"code": attrs["category"]}]})
        attrs["category"] = category
        return attrs


class NearbyCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    category = CodeNameSerializer()
    street = CodeNameSerializer()
    address = serializers.CharField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    reported_at = serializers.DateTimeField()
    distance_m = serializers.FloatField(help_text="metres from the point asked about")
    url = serializers.CharField(help_text="the case page")

    def to_representation(self, nearby):
        case = nearby.case
        return {
            "id": case.pk, "number": case.number, "status": case.status,
            "category": {"code": case.category.code, "name": case.category.name},
            "street": {"code": case.street.code, "name": case.street.name},
            "address": case.address, "lat": case.lat, "lng": case.lng, "reported_at": _dt(case.reported_at),
            "distance_m": round(nearby.distance_m, 1), "url": reverse("enforcement:case", args=[case.pk]),
        }


class NearbyListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    distance_m = serializers.FloatField(help_text="the radius searched, metres")
    days = serializers.IntegerField(help_text="cases reported within this many days before now")
    results = NearbyCaseSerializer(many=True)


class RepeatQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=1, max_value=366)
    distance_m = serializers.FloatField(required=False, min_value=1, max_value=1000)
    months = serializers.IntegerField(required=False, min_value=1, max_value=36, default=12)

    def validate_distance_m(self, value):
        if value != value:  # NaN passes every comparison
            raise serializers.ValidationError(_("请输入有效的数字"))
        return value


class StreetCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class MonthCountSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    count = serializers.IntegerField()


class RepeatPartySerializer(serializers.Serializer):
    party = PartySerializer()
    streets = StreetCountSerializer(many=True)
    case_count = serializers.IntegerField()
    first_reported_at = serializers.DateTimeField()
    last_reported_at = serializers.DateTimeField()
    monthly = MonthCountSerializer(many=True)

    def to_representation(self, row):
        return {
            "party": party_brief(row.party),
            "streets": [{"code": s.code, "name": s.name, "count": s.count} for s in row.streets],
            "case_count": row.case_count, "first_reported_at": _dt(row.first_reported_at),
            "last_reported_at": _dt(row.last_reported_at),
            "monthly": [{"month": m, "count": n} for m, n in row.monthly],
        }


class SpotCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    street = serializers.CharField(help_text="street code")
    reported_at = serializers.DateTimeField()
    distance_m = serializers.FloatField(help_text="metres from the spot's anchor case")


class RepeatSpotSerializer(serializers.Serializer):
    category = CodeNameSerializer()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    streets = StreetCountSerializer(many=True)
    cases = SpotCaseSerializer(many=True)

    def to_representation(self, spot):
        return {
            "category": {"code": spot.category_code, "name": spot.category_name}, "lat": spot.lat, "lng": spot.lng,
            "streets": [{"code": s.code, "name": s.name, "count": s.count} for s in spot.streets],
            "cases": [{"id": c.id, "number": c.number, "street": c.street_code, "reported_at": _dt(c.reported_at),
                       "distance_m": c.distance_m} for c in spot.cases],
        }


class RepeatReportSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    start = serializers.DateTimeField()
    days = serializers.IntegerField()
    distance_m = serializers.FloatField()
    months = serializers.ListField(child=serializers.CharField())
    parties = RepeatPartySerializer(many=True)
    spots = RepeatSpotSerializer(many=True)

    def to_representation(self, report):
        return {
            "at": _dt(report.at), "start": _dt(report.start), "days": report.days, "distance_m": report.distance_m,
            "months": report.months,
            "parties": [RepeatPartySerializer().to_representation(p) for p in report.parties],
            "spots": [RepeatSpotSerializer().to_representation(s) for s in report.spots],
        }


class CaseCreatedSerializer(CaseDetailSerializer):
    """The case just reported, with the standing cases of its category it may repeat (never blocking)."""

    nearby = NearbyCaseSerializer(many=True, help_text="standing cases of the category within the duplicate "
                                                       "distance, reported within the window before this one")
