"""Views of the inspections API, one module per subject (patrols, reports)."""
from .patrols import PatrolCountFieldViewSet, PatrolCoverageView, PatrolReportViewSet  # noqa: F401
from .reports import BulletinView, RankingView  # noqa: F401
