from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import (
    AdRatioView,
    FrontageCellCoverageView,
    FrontageCoverageView,
    OutdoorAdViewSet,
    RepeatOffenderListView,
    ShopViewSet,
    StallPermitViewSet,
    VendorViewSet,
    VendorZoneViewSet,
)

router = SimpleRouter()
router.register("vendor-zones", VendorZoneViewSet, basename="vendor-zone")
router.register("stall-permits", StallPermitViewSet, basename="stall-permit")
router.register("outdoor-ads", OutdoorAdViewSet, basename="outdoor-ad")
router.register("vendors", VendorViewSet, basename="vendor")
router.register("shops", ShopViewSet, basename="shop")

urlpatterns = [
    path("vendors/repeat-offenders/", RepeatOffenderListView.as_view(), name="vendor-repeat-offenders"),
    path("frontage-coverage/", FrontageCoverageView.as_view(), name="frontage-coverage"),
    path("frontage-coverage/cells/", FrontageCellCoverageView.as_view(), name="frontage-coverage-cells"),
    path("ad-ratios/", AdRatioView.as_view(), name="ad-ratios"),
    *router.urls,
    path("", include("markets.farmers.api.urls")),  # farmers markets
]
