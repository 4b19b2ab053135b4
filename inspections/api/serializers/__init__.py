"""Serializers of the inspections API, one module per subject (patrols, reports)."""
from .patrols import (  # noqa: F401
    FindingInputSerializer,
    PatrolCountFieldSerializer,
    PatrolCoverageSerializer,
    PatrolFindingSerializer,
    PatrolReportAmendSerializer,
    PatrolReportInputSerializer,
    PatrolReportSerializer,
    PatrolRevisionSerializer,
    SafeDateTimeField,
    StreetRefSerializer,
    TextOrListField,
)
from .reports import (  # noqa: F401
    BulletinDocumentSerializer,
    RankingDocumentSerializer,
    bulletin_payload,
    ranking_payload,
)
