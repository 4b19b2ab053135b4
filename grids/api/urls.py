from django.urls import path
from rest_framework.routers import SimpleRouter

from . import fast, views

router = SimpleRouter()
router.register("streets", views.StreetViewSet, basename="street")
router.register("communities", views.CommunityViewSet, basename="community")
router.register("grid-cells", views.GridCellViewSet, basename="gridcell")
router.register("road-segments", views.RoadSegmentViewSet, basename="roadsegment")
router.register("officer-assignments", views.OfficerAssignmentViewSet, basename="officerassignment")
router.register("street-leader-assignments", views.StreetLeaderAssignmentViewSet, basename="streetleaderassignment")

_street_cells = views.StreetViewSet.as_view({"get": "cells_geojson"})
_community_cells = views.CommunityViewSet.as_view({"get": "cells_geojson"})


def _street_cells_alias(request, code):
    return _street_cells(request, code=code)


def _community_cells_alias(request, full_code):
    return _community_cells(request, full_code=full_code)


# `.geojson` names a file, so the same answers without the trailing slash the router adds (plain function
# views: the OpenAPI schema documents the router's paths once).
urlpatterns = [
    # The hot lookup answers here when all is in order and defers to the DRF action otherwise (fast.py).
    path("grid-cells/locate/", fast.locate),
    path("streets/<str:code>/cells.geojson", _street_cells_alias),
    path("communities/<str:full_code>/cells.geojson", _community_cells_alias),
    *router.urls,
]
