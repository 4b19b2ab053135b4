from django.urls import path
from rest_framework.routers import SimpleRouter

from .operations import JointOperationViewSet
from .views import (
    CaseViewSet,
    CategoryViewSet,
    DiscretionStandardViewSet,
    OrderViewSet,
    PartyViewSet,
    PenaltyViewSet,
    RepeatOffenderView,
)

router = SimpleRouter()
router.register("categories", CategoryViewSet, basename="category")
router.register("cases", CaseViewSet, basename="case")
router.register("parties", PartyViewSet, basename="party")
router.register("orders", OrderViewSet, basename="order")
router.register("penalties", PenaltyViewSet, basename="penalty")
router.register("discretion-standards", DiscretionStandardViewSet, basename="discretion-standard")
router.register("joint-operations", JointOperationViewSet, basename="joint-operation")

urlpatterns = [
    *router.urls,
    path("repeat-offenders/", RepeatOffenderView.as_view(), name="repeat-offenders"),
]
