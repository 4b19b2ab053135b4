"""The vendor check's fast path: `GET /api/v1/vendor-zones/check/`, asked by the patrol form at every
finding against a street vendor.

Served here when everything is in order (a kept token or a session of field staff, valid coordinates,
time and vendor, within the throttle) with the same JSON the DRF action returns; anything else (no or bad
credentials, a role that may not read zones, bad input, an unknown vendor, a throttled client, another
method) is handed to the DRF action (`VendorZoneViewSet.check`), so every status code, error body and
header comes from the one implementation of the API's rules, which the OpenAPI schema documents. The
same scheme as the grid cells' locate (grids/api/fast.py).
"""
import json

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from bureau import clock
from enforcement.filtersets import _moment
from grids.api.fast import _coordinate, _user

from ..check import UnknownVendor
from ..check import check as zone_check
from ..permissions import ZoneWritePermission
from .views import CheckThrottle, VendorZoneViewSet

# Built as the router builds the action's view: with the action's own authentication, throttle, negotiation.
_drf_check = VendorZoneViewSet.as_view({"get": "check"}, basename="vendor-zone", detail=False,
                                       **VendorZoneViewSet.check.kwargs)
_permission = ZoneWritePermission()


def _vendor(raw):
    """The vendor id, None when absent, False when malformed (the DRF action words the error)."""
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        return False
    return value if value >= 1 else False


def _answer(request):
    """The check's body, or None when the DRF action must answer."""
    if request.method != "GET":
        return None
    user = _user(request)
    if user is None:
        return None
    request.user = user
    if not _permission.has_permission(request, None):
        return None
    params = request.GET
    lat = _coordinate(params.get("lat"), -90.0, 90.0)
    lng = _coordinate(params.get("lng"), -180.0, 180.0)
    vendor = _vendor(params.get("vendor"))
    if lat is None or lng is None or vendor is False:
        return None
    moment = clock.now()
    if params.get("at"):
        try:
            moment = _moment("at", params["at"])
        except ValidationError:
            return None
    try:
        body = zone_check(lat, lng, moment, vendor)
    except UnknownVendor:
        return None
    return body if CheckThrottle().allow_request(request, None) else None


@csrf_exempt
def check(request):
    body = _answer(request)
    if body is None:
        return _drf_check(request)
    response = HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                            content_type="application/json")
    response["Vary"] = "Accept"
    response["Allow"] = "GET, HEAD, OPTIONS"
    return response
