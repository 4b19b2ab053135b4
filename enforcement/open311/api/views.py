"""GeoReport v2 endpoints under /open311/v2/, each as .json and .xml. Thin: reads come from the
querysets, the one write from services.open311_request_file; errors are the specification's list of
{code, description} (400 bad input, 403 no or bad api_key, 404 unknown resource), in XML for .xml.

Open311 is its own specification, so these views stay out of the project's OpenAPI schema."""
import logging
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from bureau import clock
from bureau.api.exceptions import Conflict, IdempotencyMismatch
from bureau.api.idempotency import idempotent
from enforcement.models import Category

from .. import services
from ..filtersets import filter_requests
from ..models import ServiceAttribute, ServiceRequest
from ..permissions import ApiKeyAuthentication, ApiKeyRateThrottle, HasApiKeyToWrite
from ..querysets import PUBLIC_FIELDS, public_cases
from .renderers import Open311JSONRenderer, Open311XMLRenderer

logger = logging.getLogger(__name__)
ATTRIBUTE = re.compile(r"^attribute\[([^\]]{1,64})\](\[\])?$")


def _messages(exc) -> list[str]:
    """Every message of a Django or DRF validation error, prefixed with its field."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return [f"{field}: {m}" if field not in ("__all__", "detail") else str(m)
                    for field, messages in exc.message_dict.items() for m in messages]
        return [str(m) for m in exc.messages]
    detail = exc.detail
    if isinstance(detail, dict):
        return [f"{field}: {m}" for field, messages in detail.items()
                for m in (messages if isinstance(messages, list) else [messages])]
    if isinstance(detail, list):
        return [str(m) for m in detail]
    return [str(detail)]


class Open311View(APIView):
    renderer_classes = [Open311JSONRenderer, Open311XMLRenderer]
    parser_classes = [FormParser, MultiPartParser]
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKeyToWrite]
    throttle_classes = [AnonRateThrottle, ApiKeyRateThrottle]
    schema = None  # GeoReport v2 is its own specification, not part of /api/schema/
    xml_root = "service_requests"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # One district per endpoint: jurisdiction_id is optional, and when given must be the district's code.
        source = request.data if request.method == "POST" else request.query_params
        jurisdiction = (source.get("jurisdiction_id") or "").strip() if hasattr(source, "get") else ""
        if jurisdiction and jurisdiction != settings.DISTRICT_CODE:
            raise exceptions.NotFound(_("未知的 jurisdiction_id：%(id)s（本接口为 %(code)s）") % {
                "id": jurisdiction[:20], "code": settings.DISTRICT_CODE})

    def handle_exception(self, exc):
        headers = {}
        if isinstance(exc, services.UnknownService | Http404 | exceptions.NotFound):
            code, messages = status.HTTP_404_NOT_FOUND, [str(exc) or _("未找到。")]
            if isinstance(exc, exceptions.NotFound):
                messages = _messages(exc)
        elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed
                        | exceptions.PermissionDenied | DjangoPermissionDenied):
            code = status.HTTP_403_FORBIDDEN
            messages = [str(getattr(exc, "detail", "") or exc) or _("api_key 无效。")]
            self._audit_denial(messages[0])
        elif isinstance(exc, DjangoValidationError | exceptions.ValidationError):
            code, messages = status.HTTP_400_BAD_REQUEST, _messages(exc)
        elif isinstance(exc, exceptions.ParseError | exceptions.UnsupportedMediaType):
            code, messages = status.HTTP_400_BAD_REQUEST, [
                _("请求内容须为 application/x-www-form-urlencoded（UTF-8）。")]
        elif isinstance(exc, exceptions.Throttled):
            code, messages = status.HTTP_429_TOO_MANY_REQUESTS, [_("请求过于频繁，请稍后重试。")]
            if exc.wait:
                headers["Retry-After"] = str(int(exc.wait) + 1)
        elif isinstance(exc, exceptions.MethodNotAllowed | Conflict | IdempotencyMismatch):
            code, messages = exc.status_code, _messages(exc)
        else:
            return super().handle_exception(exc)
        response = Response([{"code": code, "description": m} for m in messages], status=code, headers=headers)
        response.exception = True
        return response

    def _audit_denial(self, reason):
        from bureau.audit.services import audit_permission_denied

        try:
            audit_permission_denied(request=self.request, reason=reason[:500])
        except Exception:  # noqa: BLE001 - a failed audit write must not turn a 403 into a 500
            logger.exception("could not audit an Open311 denial")


class DiscoveryView(Open311View):
    xml_root = "discovery"

    def get(self, request, format=None):
        changed = ServiceAttribute.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
        changeset = timezone.localtime(changed).strftime("%Y-%m-%d %H:%M") if changed else "2026-01-01 00:00"
        base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"format": "json"})).rsplit("/", 1)[0]
        return Response({
            "changeset": changeset,
            "contact": _("%(district)s城市管理局（区城管局）") % {"district": settings.DISTRICT_NAME},
            "key_service": _("向区城管局申请 API 密钥：%(url)s") % {
                "url": request.build_absolute_uri(reverse("open311:guide"))},
            "endpoints": [{
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }],
        })


class ServiceListView(Open311View):
    xml_root = "services"

    def get(self, request, format=None):
        asks = ServiceAttribute.objects.filter(category=OuterRef("pk"))
        categories = Category.objects.active().annotate(has_attributes=Exists(asks)).order_by("code")
        return Response([services.service_row(c, c.has_attributes) for c in categories])


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    def get(self, request, service_code, format=None):
        category = Category.objects.active().filter(code=service_code).first()
        if category is None:
            raise services.UnknownService(_("未知的 service_code：%(code)s") % {"code": service_code[:20]})
        attributes = ServiceAttribute.objects.for_service(category)
        return Response({"service_code": category.code,
                         "attributes": [services.attribute_row(a) for a in attributes]})


def _attributes(data) -> dict:
    out: dict = {}
    for key in data:
        match = ATTRIBUTE.match(key)
        if match:
            out.setdefault(match.group(1), []).extend(data.getlist(key))
    return out


class RequestListView(Open311View):
    def get(self, request, format=None):
        queryset, page = filter_requests(public_cases(), request.query_params, now=clock.now())
        rows = queryset.values(*PUBLIC_FIELDS, "public_note")[page.offset:page.offset + page.size]
        return Response(services.request_rows(rows))

    @idempotent  # a client that lost the answer resends with the same Idempotency-Key: filed once
    def post(self, request, format=None):
        data = request.data
        filed = services.open311_request_file(
            api_key=request.auth, service_code=data.get("service_code"), lat=data.get("lat"),
            long=data.get("long"), address_string=data.get("address_string", ""), attributes=_attributes(data),
            description=data.get("description", ""), media_url=data.get("media_url", ""),
            email=data.get("email", ""), phone=data.get("phone", ""), first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""), account_id=data.get("account_id", ""),
            device_id=data.get("device_id", ""),
        )
        category = filed.case.category
        return Response([{
            "service_request_id": filed.case.number,
            "service_notice": services.service_notice(category.handle_limit, category.handle_unit),
            "account_id": filed.account_id or None,
        }], status=status.HTTP_201_CREATED)


class RequestDetailView(Open311View):
    def get(self, request, service_request_id, format=None):
        rows = list(public_cases().filter(number=service_request_id).values(*PUBLIC_FIELDS, "public_note")[:1])
        if not rows:
            raise Http404(_("未知的 service_request_id：%(id)s") % {"id": service_request_id[:32]})
        return Response(services.request_rows(rows))


class TokenView(Open311View):
    def get(self, request, token, format=None):
        filed = ServiceRequest.objects.by_token(token).first()
        if filed is None:
            raise Http404(_("未知的 token：%(token)s") % {"token": token[:32]})
        return Response([{"service_request_id": filed.case.number, "token": filed.token}])


class NotFoundView(Open311View):
    """Any other URL under /open311/v2/: the specification's 404, in XML when the URL asks for it."""

    def initial(self, request, *args, **kwargs):
        # Before authentication: an unknown resource is 404 whatever the method and the key.
        self.format_kwarg = "xml" if request.path.endswith(".xml") else "json"
        raise Http404(_("没有这个 Open311 资源：%(path)s") % {"path": request.path[:100]})

    def get(self, request, *args, **kwargs):  # pragma: no cover - initial() always raises
        raise Http404

    post = put = patch = delete = get
