"""Places JSON. Everything is named by code; users by username."""
import math

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bureau.accounts.models import User

from ..models import Community, GridCell, OfficerAssignment, RoadSegment, Street, StreetLeaderAssignment


def _person(user):
    if user is None:
        return None
    return {"username": user.username, "name": user.get_full_name() or user.username}


class PlaceRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PersonRefSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()


class StreetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Street
        fields = ["code", "name", "kind"]


class StreetWriteSerializer(serializers.Serializer):
    code = serializers.RegexField(r"^\d{3}$")
    name = serializers.CharField(max_length=64)
    kind = serializers.ChoiceField(choices=Street._meta.get_field("kind").choices, required=False)
    boundary = serializers.JSONField(required=False, allow_null=True)


class CommunitySerializer(serializers.ModelSerializer):
    street = serializers.SerializerMethodField()
    full_code = serializers.SerializerMethodField(help_text="street code + community code (6 digits)")

    class Meta:
        model = Community
        fields = ["code", "full_code", "name", "street"]

    def get_street(self, obj) -> PlaceRefSerializer:
        return {"code": obj.street.code, "name": obj.street.name}

    def get_full_code(self, obj) -> str:
        return obj.full_code


class GridCellSerializer(serializers.ModelSerializer):
    """A cell; the queryset must come from `with_current_officer()` (no query per row)."""

    street = serializers.SerializerMethodField()
    community = serializers.SerializerMethodField()
    officer = serializers.SerializerMethodField()

    class Meta:
        model = GridCell
        fields = ["code", "street", "community", "area_m2", "land_use", "management_level", "responsible_body",
                  "valid_from", "valid_to", "officer"]

    def get_street(self, obj) -> PlaceRefSerializer:
        return {"code": obj.street.code, "name": obj.street.name}

    def get_community(self, obj) -> PlaceRefSerializer:
        return {"code": obj.community.code, "name": obj.community.name}

    def get_officer(self, obj) -> PersonRefSerializer(allow_null=True):
        current = getattr(obj, "current_officers", None)
        if current is None:
            current = list(OfficerAssignment.objects.current().filter(cell=obj).select_related("officer"))
        return _person(current[0].officer) if current else None


class GridCellDetailSerializer(GridCellSerializer):
    geometry = serializers.JSONField(help_text="GeoJSON Polygon (WGS84, [lng, lat])")

    class Meta(GridCellSerializer.Meta):
        fields = GridCellSerializer.Meta.fields + ["geometry"]


class LocatedCellSerializer(serializers.Serializer):
    """The cell containing a point, straight from the in-memory index (no database query)."""

    code = serializers.CharField()
    street = PlaceRefSerializer()
    community = PlaceRefSerializer()
    area_m2 = serializers.FloatField()
    land_use = serializers.CharField()
    management_level = serializers.CharField()

    def to_representation(self, cell):
        return {
            "code": cell.code,
            "street": {"code": cell.street.code, "name": cell.street.name},
            "community": {"code": cell.community.code, "name": cell.community.name},
            "area_m2": cell.area_m2,
            "land_use": cell.land_use,
            "management_level": cell.management_level,
        }


class PointSerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)

    def validate(self, attrs):
        for key in ("lat", "lng"):
            if not math.isfinite(attrs[key]):
                raise serializers.ValidationError({key: [_("必须是有限的数。")]})
        return attrs


class RoadSegmentSerializer(serializers.ModelSerializer):
    street = serializers.SerializerMethodField()
    chief = serializers.SerializerMethodField()

    class Meta:
        model = RoadSegment
        fields = ["code", "name", "street", "line", "chief"]

    def get_street(self, obj) -> PlaceRefSerializer:
        return {"code": obj.street.code, "name": obj.street.name}

    def get_chief(self, obj) -> PersonRefSerializer(allow_null=True):
        current = getattr(obj, "current_chiefs", None) or []
        return _person(current[0].chief) if current else None


class RoadSegmentWriteSerializer(serializers.Serializer):
    code = serializers.RegexField(r"^[0-9A-Za-z-]{1,16}$", required=False)
    name = serializers.CharField(max_length=128)
    street = serializers.SlugRelatedField(slug_field="code", queryset=Street.objects.all())
    line = serializers.JSONField(required=False, allow_null=True)


class ChiefAssignSerializer(serializers.Serializer):
    chief = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))


class OfficerAssignmentSerializer(serializers.ModelSerializer):
    cell = serializers.SlugRelatedField(slug_field="code", read_only=True)
    officer = serializers.SerializerMethodField()
    assigned_by = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()

    class Meta:
        model = OfficerAssignment
        fields = ["id", "cell", "officer", "start", "end", "current", "assigned_by"]

    def get_officer(self, obj) -> PersonRefSerializer:
        return _person(obj.officer)

    def get_assigned_by(self, obj) -> PersonRefSerializer(allow_null=True):
        return _person(obj.assigned_by)

    def get_current(self, obj) -> bool:
        return obj.end is None


class OfficerAssignSerializer(serializers.Serializer):
    cell = serializers.SlugRelatedField(slug_field="code", queryset=GridCell.objects.all())
    officer = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))


class StreetLeaderAssignmentSerializer(serializers.ModelSerializer):
    street = serializers.SlugRelatedField(slug_field="code", read_only=True)
    user = serializers.SerializerMethodField()

    class Meta:
        model = StreetLeaderAssignment
        fields = ["id", "street", "user", "start", "end"]

    def get_user(self, obj) -> PersonRefSerializer:
        return _person(obj.user)


class StreetLeaderAssignSerializer(serializers.Serializer):
    street = serializers.SlugRelatedField(slug_field="code", queryset=Street.objects.all())
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
