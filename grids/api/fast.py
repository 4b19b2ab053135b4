"""The locate endpoint's fast path: the product's hottest request (every report, every phone, every case).

`GET /api/v1/grid-cells/locate/` is served here when everything is in order — a kept token or a session
of field staff, valid coordinates, a cell found, within the throttle — with the same JSON the DRF action
returns. Anything else (no or bad credentials, a role that may not read places, bad coordinates, a point
outside the district, a throttled client, another method) is handed to the DRF action
(`GridCellViewSet.locate`), so every status code, error body, header and audit record comes from the one
implementation of the API's rules. The DRF action is also what the OpenAPI schema documents.
"""
import json

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions

from .. import geometry
from ..authentication import KeptTokenAuthentication
from ..permissions import can_read_places
from .serializers import LocatedCellSerializer
from .views import GridCellViewSet, LocateThrottle

# Built as the router builds the action's view: with the action's own authentication, throttle, negotiation.
_drf_locate = GridCellViewSet.as_view({"get": "locate"}, basename="gridcell", detail=False,
                                      **GridCellViewSet.locate.kwargs)
_authenticator = KeptTokenAuthentication()
_to_json = LocatedCellSerializer().to_representation


def _user(request):
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is None:
        user = getattr(request, "user", None)  # the session, as DRF's SessionAuthentication reads it
        return user if user is not None and user.is_authenticated and user.is_active else None
    parts = header.split()
    if len(parts) != 2 or parts[0] != "Token":
        return None
    try:
        return _authenticator.authenticate_credentials(parts[1])[0]
    except exceptions.AuthenticationFailed:
        return None


def _coordinate(raw, low, high):
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None  # NaN fails both comparisons


@csrf_exempt
def locate(request):
    if request.method == "GET":
        user = _user(request)
        if user is not None and can_read_places(user):
            lat = _coordinate(request.GET.get("lat"), -90.0, 90.0)
            lng = _coordinate(request.GET.get("lng"), -180.0, 180.0)
            if lat is not None and lng is not None:
                cell = geometry.locate(lat, lng)
                if cell is not None:
                    request.user = user
                    throttle = LocateThrottle()
                    if throttle.allow_request(request, None):
                        body = json.dumps(_to_json(cell), ensure_ascii=False, separators=(",", ":"))
                        response = HttpResponse(body, content_type="application/json")
                        response["Vary"] = "Accept"
                        response["Allow"] = "GET, HEAD, OPTIONS"
                        return response
    return _drf_locate(request)


def lane_locate(request):
    """The lookup in the API's fast lane (bureau/fastlane.py): a kept token's lookup of a point inside the
    district, with the auth generation checked and the throttle counted in one round trip to the cache; None
    for anything else, which then takes the ordinary path (`locate` above, then the DRF action)."""
    from bureau.fastlane import cached_and_allowed, caller

    lat = _coordinate(request.GET.get("lat"), -90.0, 90.0)
    lng = _coordinate(request.GET.get("lng"), -180.0, 180.0)
    if lat is None or lng is None:
        return None
    call = caller(request)
    if call is None or not can_read_places(call.user):
        return None
    cell = geometry.locate(lat, lng)
    if cell is None or cached_and_allowed(request, call, LocateThrottle()) is None:
        return None
    response = HttpResponse(json.dumps(_to_json(cell), ensure_ascii=False, separators=(",", ":")),
                            content_type="application/json")
    response["Vary"] = "Accept"
    response["Allow"] = "GET, HEAD, OPTIONS"
    return response
