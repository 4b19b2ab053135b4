from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import BulletinView, PatrolCountFieldViewSet, PatrolCoverageView, PatrolReportViewSet, RankingView

router = SimpleRouter()
router.register("patrol-reports", PatrolReportViewSet, basename="patrol-report")
router.register("patrol-count-fields", PatrolCountFieldViewSet, basename="patrol-count-field")

urlpatterns = [
    path("patrol-coverage/", PatrolCoverageView.as_view(), name="patrol-coverage"),
    *router.urls,
    # the published assessment: a period code (2026-W47, 2026-10) or `latest`
    path("rankings/weekly/<str:period>/", RankingView.as_view(), {"kind": "week"}, name="ranking-weekly"),
    path("rankings/monthly/<str:period>/", RankingView.as_view(), {"kind": "month"}, name="ranking-monthly"),
    path("bulletins/weekly/<str:period>/", BulletinView.as_view(), name="bulletin-weekly"),
]
