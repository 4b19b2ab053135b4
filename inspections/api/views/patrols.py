"""REST for patrol reports and patrol coverage: the views (serializers, filters and permissions
live in their own modules)."""
import json
import re
from datetime import date as date_cls

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bureau import clock
from bureau.api.exceptions import Conflict
from bureau.api.idempotency import idempotent
from grids.models import Street

from ...choices import SHIFT_USUAL_TIMES, PatrolShift
from ...filtersets import PatrolReportFilterSet
from ...models import PatrolCountField, PatrolReport
from ...permissions import PatrolReportPermission
from ...services import patrols as services
from ..serializers.patrols import (
    PatrolCountFieldSerializer,
    PatrolCoverageSerializer,
    PatrolReportAmendSerializer,
    PatrolReportInputSerializer,
    PatrolReportSerializer,
    PatrolRevisionSerializer,
)

_PHOTO_FIELD = re.compile(r"^findings\[(\d+)\]\.photos$")


def _report_payload(request):
    """The report from a JSON body (photos as base64), or from multipart: the report as JSON in the field
    `report` and each finding's photos as files named `findings[<n>].photos` (n counted from 0)."""
    if not hasattr(request.data, "getlist"):
        return request.data, {}
    raw = request.data.get("report")
    if raw is None:
        raise ValidationError({"report": [_("multipart 请求须在 report 字段中提供日报 JSON")]})
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValidationError({"report": [_("report 字段不是有效的 JSON")]}) from exc
    if not isinstance(data, dict):
        raise ValidationError({"report": [_("report 字段须为 JSON 对象")]})
    files = {}
    for key in request.FILES:
        match = _PHOTO_FIELD.match(key)
        if match is None:
            raise ValidationError({key: [_("未知的文件字段；照片应为 findings[序号].photos")]})
        files[int(match[1])] = request.FILES.getlist(key)
    return data, files


def _report_input(request) -> dict:
    """The report's arguments for the service, validated, with every finding's photos checked and decoded.

    It runs before the Idempotency-Key's transaction begins (decoding takes long); its 400 is answered in it."""
    payload, files = _report_payload(request)
    serializer = PatrolReportInputSerializer(data=payload)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    findings = [dict(f) for f in data.pop("findings", [])]
    for n, uploads in files.items():
        if n >= len(findings):
            raise ValidationError({"findings": [_("照片对应的第 %(n)d 项发现不存在") % {"n": n + 1}]})
        findings[n]["photos"] = list(findings[n].get("photos") or []) + uploads
    return {**data, "findings": services.patrol_photos_check(findings)}


class PatrolReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                          viewsets.GenericViewSet):
    """Patrol reports: file (with Idempotency-Key), list, read, amend."""

    serializer_class = PatrolReportSerializer
    filterset_class = PatrolReportFilterSet
    permission_classes = [PatrolReportPermission]
    queryset = PatrolReport.objects.none()

    def get_queryset(self):
        return PatrolReport.objects.visible_to(self.request.user).for_list()

    def get_serializer_class(self):
        if self.action == "create":
            return PatrolReportInputSerializer
        if self.action in ("update", "partial_update"):
            return PatrolReportAmendSerializer
        return PatrolReportSerializer

    def _fetch(self, pk):
        return self.get_queryset().get(pk=pk)

    @extend_schema(request=PatrolReportInputSerializer, responses={201: PatrolReportSerializer})
    @idempotent(prepare=lambda view, request: _report_input(request))
    def create(self, request, *args, prepared, **kwargs):
        try:
            report = services.patrol_report_file(acting_user=request.user, **prepared)
        except services.PatrolReportForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(PatrolReportSerializer(self._fetch(report.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PatrolReportAmendSerializer, responses={200: PatrolReportSerializer})
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        report = self.get_object()
        if partial and "findings" in request.data:
            raise ValidationError({"findings": [_("巡查发现已转为案件，不能在日报中修改；请在案件中处理")]})
        serializer = PatrolReportAmendSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        reason = changes.pop("reason", "")
        try:
            services.patrol_report_amend(acting_user=request.user, report=report, reason=reason, **changes)
        except services.PatrolReportForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.PatrolReportLocked as exc:
            raise Conflict(exc.message) from exc
        return Response(PatrolReportSerializer(self._fetch(report.pk)).data)

    @extend_schema(responses={200: PatrolRevisionSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        """The report's amendment history, oldest first: each row keeps the body as it was before."""
        report = self.get_object()
        rows = report.revisions.select_related("amended_by").order_by("number")
        return Response(PatrolRevisionSerializer(rows, many=True).data)


class PatrolCountFieldViewSet(viewsets.ReadOnlyModelViewSet):
    """The counts a patrol report may carry (`counts: {code: n}`), as staff configured them; active ones only."""

    serializer_class = PatrolCountFieldSerializer
    permission_classes = [PatrolReportPermission]
    lookup_field = "code"
    queryset = PatrolCountField.objects.none()

    def get_queryset(self):
        return PatrolCountField.objects.visible_to(self.request.user).active()

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        # The shifts travel with the fields: a phone app needs both to draw its form.
        if isinstance(response.data, dict):
            response.data["shifts"] = [{"code": v, "name": str(label), "usual_times": SHIFT_USUAL_TIMES[v]}
                                       for v, label in PatrolShift.choices]
        return response


class PatrolCoverageView(APIView):
    """`?street=<code>&date=YYYY-MM-DD` or `&week=2026-W47`: the street's cells patrolled and missed."""

    permission_classes = [PatrolReportPermission]

    @extend_schema(parameters=[
        OpenApiParameter("street", str, required=True), OpenApiParameter("date", str),
        OpenApiParameter("week", str),
    ], responses={200: PatrolCoverageSerializer})
    def get(self, request):
        street, first, last = coverage_params(request.user, request.query_params)
        return Response(coverage_body(street, first, last))


def coverage_params(user, params):
    """Street (scoped: a leader's own; another is 404) and the first and last day; bad input is 400."""
    from inspections.periods import WEEK, parse_period

    code = (params.get("street") or "").strip()
    if "\x00" in code:  # no street has it; PostgreSQL would refuse the lookup with a 500
        raise Http404
    if not code and user.is_street_leader:
        led = Street.objects.led_by(user).first()
        code = led.code if led else ""
    if not code:
        raise ValidationError({"street": [_("请指定街道代码")]})
    streets = Street.objects.all() if user.is_bureau_staff else Street.objects.led_by(user)
    street = get_object_or_404(streets, code=code)
    if params.get("week"):
        try:
            period = parse_period(WEEK, params["week"])
        except DjangoValidationError as exc:
            raise ValidationError({"week": exc.message_dict.get("period", exc.messages)}) from exc
        except OverflowError as exc:  # 9999-W52 ends past the last date Python knows
            raise ValidationError({"week": [_("无效的周：%(week)s") % {"week": params["week"]}]}) from exc
        return street, period.first_day, period.last_day
    text = (params.get("date") or "").strip()
    if not text:
        day = timezone.localtime(clock.now()).date()
    else:
        try:
            day = date_cls.fromisoformat(text)
        except ValueError as exc:
            raise ValidationError({"date": [_("日期格式应为 YYYY-MM-DD")]}) from exc
    return street, day, day


def coverage_body(street, first, last):
    detail = services.patrol_coverage_detail(street, first, last)
    return {"street": {"code": street.code, "name": street.name}, "start": first.isoformat(),
            "end": last.isoformat(), **detail}
