from django.urls import path
from rest_framework.routers import SimpleRouter

from .patrols import PatrolCoverageView, PatrolReportViewSet

router = SimpleRouter()
router.register("patrol-reports", PatrolReportViewSet, basename="patrol-report")

urlpatterns = [
    path("patrol-coverage/", PatrolCoverageView.as_view(), name="patrol-coverage"),
    *router.urls,
]
