from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    BrigadeTimeView,
    BulletinView,
    CampaignViewSet,
    ConstructionSiteViewSet,
    DemolitionViewSet,
    DustCheckItemViewSet,
    KeyPointViewSet,
    MuckApprovalViewSet,
    OccupationApprovalViewSet,
    PatrolCountFieldViewSet,
    PatrolCoverageView,
    PatrolReportViewSet,
    RankingView,
    RotaViewSet,
    SiteCensusView,
    SiteInspectionViewSet,
    SquadViewSet,
)

router = SimpleRouter()
router.register("patrol-reports", PatrolReportViewSet, basename="patrol-report")
router.register("patrol-count-fields", PatrolCountFieldViewSet, basename="patrol-count-field")
router.register("construction-sites", ConstructionSiteViewSet, basename="construction-site")
router.register("dust-check-items", DustCheckItemViewSet, basename="dust-check-item")
router.register("site-inspections", SiteInspectionViewSet, basename="site-inspection")
router.register("muck-approvals", MuckApprovalViewSet, basename="muck-approval")
router.register("occupation-approvals", OccupationApprovalViewSet, basename="occupation-approval")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("demolitions", DemolitionViewSet, basename="demolition")
router.register("squads", SquadViewSet, basename="squad")
router.register("key-points", KeyPointViewSet, basename="key-point")
router.register("rotas", RotaViewSet, basename="rota")

urlpatterns = [
    path("patrol-coverage/", PatrolCoverageView.as_view(), name="patrol-coverage"),
    path("site-census/", SiteCensusView.as_view(), name="site-census"),
    path("brigade-time/", BrigadeTimeView.as_view(), name="brigade-time"),
    *router.urls,
    # the published assessment: a period code (2026-W47, 2026-10) or `latest`
    path("rankings/weekly/<str:period>/", RankingView.as_view(), {"kind": "week"}, name="ranking-weekly"),
    path("rankings/monthly/<str:period>/", RankingView.as_view(), {"kind": "month"}, name="ranking-monthly"),
    path("bulletins/weekly/<str:period>/", BulletinView.as_view(), name="bulletin-weekly"),
]
