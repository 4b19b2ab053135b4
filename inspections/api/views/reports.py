"""REST for the published rankings and bulletins.

Read-mostly documents: the ranking's API document is rendered once when it is published (Ranking.payload),
so a GET is one lookup, answered from the cache (Redis when configured) as ready bytes with its ETag;
`If-None-Match` with the current ETag gets 304 without touching the database.

The common request (a token client of a reading role, the JSON of a period whose document is in the cache,
within the throttle) is answered before DRF's request handling (`answer_from_cache`): the token from the
cache, the role, the document, the throttle's counter, then 200 or 304. Everything else (no or bad
credentials, a refused role, a malformed period, a document not yet cached, a throttled client, the
spreadsheet, other methods, session callers) goes through DRF as before, so every refusal, status and error
body comes from one implementation; a test checks both answer with the same bytes and headers.
"""
import hashlib
import json
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from bureau import clock
from bureau.accounts.authentication import ActiveTokenAuthentication
from bureau.api.throttling import FixedWindowThrottle

from ... import exports
from ...models import Bulletin, Ranking
from ...periods import MONTH, WEEK, parse_period
from ...permissions import ReportReaderPermission
from ...services.reports import report_cache_key as cache_key
from ..serializers.reports import (
    BulletinDocumentSerializer,
    RankingDocumentSerializer,
    bulletin_payload,
    ranking_payload,
)


def ranking_lookup(kind: str, period: str):
    qs = Ranking.objects.all()
    if period == "latest":
        return qs.filter(kind=kind, end__lte=clock.now()).order_by("-start", "-published_at", "-id").first()
    return qs.of_period(kind, period).first()


def bulletin_lookup(period: str):
    qs = Bulletin.objects.all()
    if period == "latest":
        return qs.filter(end__lte=clock.now()).order_by("-start", "-revision").first()
    return qs.filter(period=period).order_by("-revision").first()


class ReportsThrottle(FixedWindowThrottle):
    """The configured rates for the published documents, counted apart from the other endpoints."""

    bucket = "reports"


def _cache_seconds() -> int:
    """A publication clears the entries in the cache the publishing process sees. Redis is shared by the web
    and worker processes; a process-local cache (the embedded deployment) is not, so there an entry lives only
    briefly and `latest` follows the Monday compile within seconds."""
    backend = settings.CACHES["default"]["BACKEND"]
    if "LocMemCache" in backend or "DummyCache" in backend:
        return 10
    return getattr(settings, "REPORTS_CACHE_SECONDS", 3600)


class _PublishedDocumentView(APIView):
    """GET one published document by period code or `latest`; `?format=xlsx` for the spreadsheet."""

    permission_classes = [ReportReaderPermission]
    throttle_classes = [ReportsThrottle]
    renderer_classes = [JSONRenderer]
    document = ""
    filename = ""

    def dispatch(self, request, *args, **kwargs):
        response = self.answer_from_cache(request, **kwargs)
        if response is not None:
            self.headers = self.default_response_headers
            return self.finalize_response(request, response, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def answer_from_cache(self, request, period, kind=WEEK):
        """The 200 or 304 of a cached document for a token client allowed to read it, or None for DRF to
        answer (see the module docstring). Costs no query: the token, the document and the throttle's
        counter are in the cache."""
        if request.method != "GET" or request.GET.get("format") not in (None, "", "json"):
            return None
        kind = kind if self.document == "ranking" else WEEK
        try:
            authenticated = ActiveTokenAuthentication().authenticate(request)
            if period != "latest":
                period = parse_period(kind, period).code
        except (APIException, DjangoValidationError):
            return None  # refused credentials or a malformed period: DRF answers with the right status
        if authenticated is None:
            return None  # a session or an anonymous caller
        caller = SimpleNamespace(user=authenticated[0], method=request.method, META=request.META,
                                 _fast_lane_count=getattr(request, "_fast_lane_count", None))
        if not all(permission().has_permission(caller, self) for permission in self.permission_classes):
            return None
        entry = cache.get(cache_key(self.document, kind, period))
        if entry is None:
            return None
        if not all(throttle().allow_request(caller, self) for throttle in self.throttle_classes):
            return None
        request.user = authenticated[0]  # as DRF leaves it for the middleware after the view
        return self.cached_response(request, entry)

    def cached_response(self, request, entry):
        if self.not_modified(request, entry):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(entry["body"], content_type="application/json")
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = entry["modified"]
        response["Cache-Control"] = "private, no-cache"
        return response

    def perform_content_negotiation(self, request, force=False):
        # `?format=xlsx` is this view's own choice of export, not one of DRF's renderers.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def load(self, kind, period):
        """(payload dict, the row's tag, published_at) or None. The ETag is the tag and a hash of the bytes
        served, so it changes whenever the representation does, even for the same revision."""
        raise NotImplementedError

    def xlsx(self, payload) -> bytes:
        raise NotImplementedError

    def entry(self, kind, period):
        key = cache_key(self.document, kind, period)
        entry = cache.get(key)
        if entry is None:
            loaded = self.load(kind, period)
            if loaded is None:
                return None
            payload, tag, published_at = loaded
            body = json.dumps(payload, ensure_ascii=False).encode()
            entry = {"etag": f'"{tag}-{hashlib.sha256(body).hexdigest()[:16]}"',
                     "modified": http_date(published_at.timestamp()), "body": body}
            cache.set(key, entry, _cache_seconds())
        return entry

    def get(self, request, period, kind=WEEK):
        if period != "latest":
            period = parse_period(kind, period).code  # malformed: ValidationError -> 400
        entry = self.entry(kind, period)
        if entry is None:
            raise NotFound(_("该周期尚未编制"))
        fmt = request.query_params.get("format")
        if fmt not in (None, "", "json", "xlsx"):
            raise ValidationError({"format": [_("不支持的格式：%(fmt)s（可用 json、xlsx）") % {"fmt": fmt}]})
        if fmt == "xlsx":
            # the spreadsheet is another representation of the same revision: its own validator, same date
            entry = {**entry, "etag": entry["etag"][:-1] + '-xlsx"' if entry["etag"].endswith('"')
                     else entry["etag"] + "-xlsx"}
            if self.not_modified(request, entry):
                response = HttpResponseNotModified()
            else:
                body = self.xlsx(json.loads(entry["body"]))
                response = HttpResponse(body, content_type=exports.XLSX)
                code = json.loads(entry["body"])["period"]
                response["Content-Disposition"] = f'attachment; filename="{self.filename}-{code}.xlsx"'
            response["ETag"] = entry["etag"]
            response["Last-Modified"] = entry["modified"]
            response["Cache-Control"] = "private, no-cache"
            return response
        return self.cached_response(request, entry)

    @staticmethod
    def not_modified(request, entry) -> bool:
        # META rather than request.headers, which builds a mapping of every header on first use
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return entry["etag"] in tags or "*" in tags
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE") or "")
        modified = parse_http_date_safe(entry["modified"])
        return since is not None and modified is not None and modified <= since


period_parameter = OpenApiParameter("period", OpenApiTypes.STR, OpenApiParameter.PATH,
                                    description="2026-W47 / 2026-10, or latest")
format_parameter = OpenApiParameter("format", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=["xlsx"], required=False)


class RankingView(_PublishedDocumentView):
    """A published ranking of the streets (the newest revision of the period)."""

    document = "ranking"
    filename = "ranking"

    def load(self, kind, period):
        ranking = ranking_lookup(kind, period)
        if ranking is None:
            return None
        return ranking_payload(ranking), f"r{ranking.pk}", ranking.published_at

    def xlsx(self, payload):
        return exports.ranking_xlsx(payload)

    @extend_schema(parameters=[period_parameter, format_parameter], responses={200: RankingDocumentSerializer})
    def get(self, request, period, kind=WEEK):
        return super().get(request, period, kind=kind)


class BulletinView(_PublishedDocumentView):
    """A published weekly bulletin (the newest revision of the week)."""

    document = "bulletin"
    filename = "bulletin"

    def load(self, kind, period):
        bulletin = bulletin_lookup(period)
        if bulletin is None:
            return None
        return bulletin_payload(bulletin), f"b{bulletin.pk}", bulletin.published_at

    def xlsx(self, payload):
        return exports.bulletin_xlsx(payload)

    @extend_schema(parameters=[period_parameter, format_parameter], responses={200: BulletinDocumentSerializer})
    def get(self, request, period, kind=WEEK):
        return super().get(request, period, kind=WEEK)


__all__ = ["RankingView", "BulletinView", "MONTH", "WEEK"]
