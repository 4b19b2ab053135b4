"""Serializers of squads, key points, rotas and planned against done."""
from rest_framework import serializers

from ...choices import OffRotaReason, PatrolShift


def _street(street) -> dict | None:
    return {"code": street.code, "name": street.name} if street is not None else None


class SquadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    street = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()

    def get_street(self, obj) -> dict | None:
        return _street(obj.street)

    def get_members(self, obj) -> list[str]:
        return sorted(u.username for u in obj.members.all())


class KeyPointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    street = serializers.SerializerMethodField()
    grid = serializers.CharField(source="grid.code")
    windows = serializers.JSONField()

    def get_street(self, obj) -> dict:
        return _street(obj.street)


class RotaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    month = serializers.SerializerMethodField()
    street = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_month(self, obj) -> str:
        return obj.month.strftime("%Y-%m")

    def get_street(self, obj) -> dict | None:
        return _street(obj.street)


class RotaInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128)
    month = serializers.RegexField(r"^\d{4}-\d{2}$")
    street = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
    squads = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), required=False,
                                   default=list, max_length=20)
    towns = serializers.ListField(child=serializers.CharField(max_length=3), required=False, default=list,
                                  max_length=50)
    shift = serializers.ChoiceField(choices=PatrolShift.choices, required=False, default=PatrolShift.DAY)
    key_points = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
                                       required=False, default=list, max_length=100)
    key_point_squad = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                               max_value=2**31 - 1)


def plan_vs_done_payload(rota, days) -> dict:
    return {
        "rota": {"id": rota.pk, "name": rota.name, "month": rota.month.strftime("%Y-%m")},
        "days": [{
            "date": day["date"].isoformat(),
            "planned": [{"duty": p["duty"].pk, "off_reason": p["duty"].off_reason, "squad": p["duty"].squad.name, "shift": p["duty"].shift, "what": p["what"], "done": p["done"],
                         "key_point": p["duty"].key_point.name if p["duty"].key_point_id else None}
                        for p in day["planned"]],
            "gaps": day["gaps"],
        } for day in days],
    }


class TakeOffInputSerializer(serializers.Serializer):
    duty = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.ChoiceField(choices=OffRotaReason.choices)
    note = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")


class TakenOffDutySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    shift = serializers.CharField()
    squad = serializers.CharField(source="squad.name")
    off_reason = serializers.CharField()
    off_note = serializers.CharField()
    taken_off_at = serializers.DateTimeField()


class BrigadeTimeRowSerializer(serializers.Serializer):
    urban_hours = serializers.FloatField()
    other_hours = serializers.FloatField()
    by_reason = serializers.DictField(child=serializers.FloatField())
    total_hours = serializers.FloatField()
    urban_share = serializers.FloatField(allow_null=True)


class BrigadeTimeStreetSerializer(BrigadeTimeRowSerializer):
    street = serializers.DictField(child=serializers.CharField())


class BrigadeTimeTableSerializer(serializers.Serializer):
    streets = BrigadeTimeStreetSerializer(many=True)
    total = BrigadeTimeRowSerializer()


class BrigadeTimeSerializer(BrigadeTimeTableSerializer):
    month = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
