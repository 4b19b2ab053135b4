from rest_framework.routers import SimpleRouter

from .views import (
    CleaningRoundViewSet,
    FarmersMarketViewSet,
    MarketComplaintViewSet,
    MarketInspectionViewSet,
    MarketRepairViewSet,
)

router = SimpleRouter()
router.register("farmers-markets", FarmersMarketViewSet, basename="farmers-market")
router.register("market-cleaning-rounds", CleaningRoundViewSet, basename="market-cleaning-round")
router.register("market-inspections", MarketInspectionViewSet, basename="market-inspection")
router.register("market-complaints", MarketComplaintViewSet, basename="market-complaint")
router.register("market-repairs", MarketRepairViewSet, basename="market-repair")

urlpatterns = router.urls
