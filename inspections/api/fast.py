"""The published rankings in the API's fast lane (bureau/fastlane.py): a token client's `GET` of a ranking
whose document is in the cache, answered 200 or 304 with one round trip to the cache (the auth generation, the
document and the throttle's counter together) and no query. Anything else is answered by `RankingView`, whose
own cached answer (`answer_from_cache`) and DRF handling give every other status; the lane's answer is the
view's, byte for byte and header for header (tests/inspections/test_report_api_fast.py)."""
from django.core.exceptions import ValidationError

from bureau.fastlane import cached_and_allowed, caller

from ..periods import MONTH, WEEK, parse_period
from ..services.reports import report_cache_key
from .views.reports import RankingView, ReportsThrottle

_view = RankingView()
_ALLOW = "GET, HEAD, OPTIONS"  # as DRF answers for the view (HEAD answered by its GET)
_reader = RankingView.permission_classes[0]()


def lane_ranking(request, kind, period):
    if request.GET.get("format") not in (None, "", "json"):
        return None
    kind = WEEK if kind == "weekly" else MONTH
    if period != "latest":
        try:
            period = parse_period(kind, period).code
        except ValidationError:
            return None  # 400 from the view
    call = caller(request)
    if call is None or not _reader.has_permission(request, _view):  # caller() has set request.user
        return None
    found = cached_and_allowed(request, call, ReportsThrottle(), [report_cache_key("ranking", kind, period)])
    if found is None or found[0] is None:
        return None
    response = _view.cached_response(request, found[0])
    response["Allow"] = _ALLOW
    return response

