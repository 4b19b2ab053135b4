"""The API documents of the published assessment. A ranking's document is rendered once, when it is published
(Ranking.payload); a bulletin's is rendered here from the stored content. The serializers below describe both
documents for the OpenAPI schema; the views serve the rendered bytes, not through them."""
from django.utils import timezone
from rest_framework import serializers

from ...models import Bulletin, Ranking
from ...periods import WEEK
from .patrols import StreetRefSerializer
from .rotas import BrigadeTimeTableSerializer


def _period_dates(document) -> dict:
    """A period's `start` and `end` as its first and last dates (2026-W47: 2026-11-16 and 2026-11-22).

    Rankings published before the dates were written into the stored document carry the bounding instants
    there, so the dates are always taken from the row."""
    return {"start": document.first_day.isoformat(), "end": document.last_day.isoformat()}


def ranking_payload(ranking: Ranking) -> dict:
    return {**ranking.payload, **_period_dates(ranking)}


def bulletin_payload(bulletin: Bulletin) -> dict:
    return {
        "period": bulletin.period, "kind": WEEK, **_period_dates(bulletin),
        "revision": bulletin.revision, "published_at": timezone.localtime(bulletin.published_at).isoformat(),
        **bulletin.content,
    }


class _PublishedDocumentSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="2026-W47 / 2026-10")
    kind = serializers.CharField(help_text="week / month")
    start = serializers.DateField(help_text="the period's first date")
    end = serializers.DateField(help_text="the period's last date (inclusive)")
    revision = serializers.IntegerField()
    published_at = serializers.DateTimeField()


class RankingSchemeSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()


class RankingIndicatorsSerializer(serializers.Serializer):
    due_count = serializers.IntegerField()
    closed_count = serializers.IntegerField()
    closed_on_time_count = serializers.IntegerField()
    close_rate = serializers.FloatField()
    on_time_close_rate = serializers.FloatField()
    rework_rate = serializers.FloatField()
    extension_rate = serializers.FloatField()
    overdue_count = serializers.IntegerField()
    bulletin_items = serializers.IntegerField()
    patrol_coverage = serializers.FloatField()


class RankingResultSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    street = StreetRefSerializer()
    score = serializers.DecimalField(max_digits=7, decimal_places=2)
    grade = serializers.CharField()
    indicators = RankingIndicatorsSerializer()


class RankingAnnexSerializer(serializers.Serializer):
    brigade_time = BrigadeTimeTableSerializer(
        required=False, help_text="each street brigade's hours: urban management, other street work by reason")


class RankingDocumentSerializer(_PublishedDocumentSerializer):
    scheme = RankingSchemeSerializer()
    results = RankingResultSerializer(many=True)
    annex = RankingAnnexSerializer(required=False, help_text="monthly rankings: where the brigades' time went")


class BulletinCountsSerializer(serializers.Serializer):
    due_count = serializers.IntegerField()
    closed_count = serializers.IntegerField()
    closed_on_time_count = serializers.IntegerField()
    overdue_count = serializers.IntegerField()
    bulletin_items = serializers.IntegerField()


class BulletinCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class BulletinCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class BulletinItemSerializer(serializers.Serializer):
    case = BulletinCaseSerializer()
    category = BulletinCategorySerializer()
    address = serializers.CharField()
    due_at = serializers.DateTimeField()
    overdue_hours = serializers.FloatField()
    handled_at = serializers.DateTimeField(allow_null=True)


class BulletinStreetSerializer(serializers.Serializer):
    street = StreetRefSerializer()
    counts = BulletinCountsSerializer()
    items = BulletinItemSerializer(many=True)


class DepartmentRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class BulletinDepartmentCountsSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="cases referred to the department in the week")
    refused = serializers.IntegerField(help_text="referrals it gave back (refused or returned) in the week")
    due_count = serializers.IntegerField(help_text="its referrals whose handling deadline fell in the week")
    on_time_count = serializers.IntegerField(help_text="of those, handled by the deadline")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="on_time_count / due_count; null with none due")


class BulletinDepartmentSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    department = DepartmentRefSerializer()
    counts = BulletinDepartmentCountsSerializer()


class BulletinDocumentSerializer(_PublishedDocumentSerializer):
    streets = BulletinStreetSerializer(many=True)
    departments = BulletinDepartmentSerializer(
        many=True, required=False,
        help_text="the departments ranked on their referrals (联动机制); absent in a week with none")
