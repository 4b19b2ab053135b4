"""Farmers markets over the API. Complainants' phones leave only masked."""
import json

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from bureau import clock
from bureau.api.fields import SafeDateTimeField

from ..choices import ComplaintChannel, ComplaintKind, MarketCheck, RoundStatus
from ..models import CleaningRound, FarmersMarket, MarketComplaint, MarketInspection, MarketRepair


class StreetBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    head = serializers.CharField()
    phone = serializers.CharField()


class FarmersMarketSerializer(serializers.ModelSerializer):
    street = StreetBriefSerializer(read_only=True)
    grid = serializers.CharField(source="grid.code", read_only=True, default=None)
    operator = serializers.CharField(source="operator.name", read_only=True, default=None)
    station = StationBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = FarmersMarket
        fields = ["id", "name", "street", "grid", "address", "lat", "lng", "operator", "station", "stall_count",
                  "is_active"]


class PostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    post = serializers.CharField()
    person = serializers.CharField()
    duty = serializers.CharField()
    starts = serializers.TimeField(format="%H:%M")
    ends = serializers.TimeField(format="%H:%M")


class SlotTodaySerializer(serializers.Serializer):
    slot = serializers.IntegerField()
    name = serializers.CharField()
    starts = serializers.TimeField(format="%H:%M")
    ends = serializers.TimeField(format="%H:%M")
    status = serializers.ChoiceField(choices=RoundStatus.choices)
    done_at = serializers.DateTimeField(allow_null=True)


class VolunteerPointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    services = serializers.CharField()
    hours = serializers.CharField()
    contact = serializers.CharField()


class FarmersMarketDetailSerializer(FarmersMarketSerializer):
    """One market with its station's posts (四定), today's cleaning rounds and its volunteer points."""

    posts = serializers.SerializerMethodField()
    cleaning_today = serializers.SerializerMethodField()
    volunteer_points = VolunteerPointSerializer(many=True, read_only=True)

    class Meta(FarmersMarketSerializer.Meta):
        fields = [*FarmersMarketSerializer.Meta.fields, "posts", "cleaning_today", "volunteer_points"]

    def get_posts(self, obj) -> PostSerializer(many=True):
        posts = obj.station.posts.filter(is_active=True) if obj.station else []
        return PostSerializer(posts, many=True).data

    def get_cleaning_today(self, obj) -> SlotTodaySerializer(many=True):
        from ..querysets import cleaning_status

        now = clock.now()
        rows = cleaning_status([obj.pk], timezone.localdate(now), now)[obj.pk]
        return SlotTodaySerializer([
            {"slot": slot.pk, "name": slot.name, "starts": slot.starts, "ends": slot.ends, "status": state,
             "done_at": found.done_at if found else None} for slot, state, found in rows], many=True).data


class MarketCreateSerializer(serializers.Serializer):
    street = serializers.CharField(max_length=3)
    name = serializers.CharField(max_length=64)
    address = serializers.CharField(max_length=255)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    operator_name = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    grid = serializers.CharField(max_length=15, required=False, allow_blank=True, default="")
    station = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    stall_count = serializers.IntegerField(min_value=0, max_value=10000, required=False, default=0)


class CleaningRoundSerializer(serializers.ModelSerializer):
    market_name = serializers.CharField(source="market.name", read_only=True)
    slot_name = serializers.CharField(source="slot.name", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    late = serializers.BooleanField(read_only=True)

    class Meta:
        model = CleaningRound
        fields = ["id", "market", "market_name", "slot", "slot_name", "date", "done_at", "late", "post", "note",
                  "recorded_by", "recorded_at"]


class CleaningRoundCreateSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1)
    date = serializers.DateField(required=False, allow_null=True, default=None)
    done_at = SafeDateTimeField(required=False, allow_null=True, default=None)
    post = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ChecklistField(serializers.DictField):
    """{item code: met}; a multipart form sends it as JSON text."""

    child = serializers.BooleanField()

    def get_value(self, dictionary):
        # a form field holding JSON text, not DRF's "checklist.<key>" form fields
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError(_("检查结果须为 JSON 对象。")) from None
        return super().to_internal_value(data)


class MarketInspectionSerializer(serializers.ModelSerializer):
    market_name = serializers.CharField(source="market.name", read_only=True)
    street = serializers.CharField(source="market.street.code", read_only=True)
    inspector = serializers.CharField(source="inspector.username", read_only=True)
    failed_items = serializers.ListField(child=serializers.CharField(), read_only=True)
    photo_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = MarketInspection
        fields = ["id", "market", "market_name", "street", "inspector", "inspected_at", "date", "checklist",
                  "failed_count", "failed_items", "note", "photo_count"]


class MarketInspectionCreateSerializer(serializers.Serializer):
    market = serializers.IntegerField(min_value=1)
    checklist = ChecklistField(help_text="{" + ", ".join(f'"{c}": true' for c in MarketCheck.values) + "}")
    inspected_at = SafeDateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class MarketComplaintSerializer(serializers.ModelSerializer):
    market_name = serializers.CharField(source="market.name", read_only=True)
    street = serializers.CharField(source="market.street.code", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = MarketComplaint
        fields = ["id", "market", "market_name", "street", "kind", "channel", "content", "complainant", "phone",
                  "received_at", "due_at", "status", "handled_at", "reply", "overdue"]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue(clock.now())


class MarketComplaintCreateSerializer(serializers.Serializer):
    market = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=ComplaintKind.choices)
    channel = serializers.ChoiceField(choices=ComplaintChannel.choices, default=ComplaintChannel.ON_SITE)
    content = serializers.CharField(max_length=2000)
    complainant = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    received_at = SafeDateTimeField(required=False, allow_null=True, default=None)


class ComplaintHandleSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=500)


class MarketRepairSerializer(serializers.ModelSerializer):
    market_name = serializers.CharField(source="market.name", read_only=True)
    street = serializers.CharField(source="market.street.code", read_only=True)

    class Meta:
        model = MarketRepair
        fields = ["id", "market", "market_name", "street", "facility", "description", "reported_on", "status",
                  "fixed_on", "fixed_note"]


class MarketRepairCreateSerializer(serializers.Serializer):
    market = serializers.IntegerField(min_value=1)
    facility = serializers.CharField(max_length=64)
    description = serializers.CharField(max_length=500)
    reported_on = serializers.DateField(required=False, allow_null=True, default=None)


class RepairFixSerializer(serializers.Serializer):
    fixed_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
