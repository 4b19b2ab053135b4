"""Views of the inspections API, one module per subject (patrols, reports, sites, campaigns, rotas)."""
from .approvals import OccupationApprovalViewSet  # noqa: F401
from .campaigns import CampaignViewSet, DemolitionViewSet  # noqa: F401
from .patrols import PatrolCountFieldViewSet, PatrolCoverageView, PatrolReportViewSet  # noqa: F401
from .reports import BulletinView, RankingView  # noqa: F401
from .rotas import BrigadeTimeView, KeyPointViewSet, RotaViewSet, SquadViewSet  # noqa: F401
from .sites import (  # noqa: F401
    ConstructionSiteViewSet,
    DustCheckItemViewSet,
    MuckApprovalViewSet,
    SiteCensusView,
    SiteInspectionViewSet,
)
