"""REST for patrol reports (CONTRACT §3) and patrol coverage: serializers, filters, permissions and views."""
import json
import re
from datetime import date as date_cls

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bureau import clock
from bureau.api.exceptions import Conflict
from bureau.api.idempotency import idempotent
from grids.models import Street

from ..models.patrols import SHIFT_USUAL_TIMES, PatrolCountField, PatrolReport, PatrolShift, PatrolSource
from ..services import patrols as services

# ---------------------------------------------------------------------------------------------- permissions


class PatrolReportPermission(permissions.BasePermission):
    """Street leaders and bureau staff read and file reports; every other role gets 403."""

    message = _("只有街道执法大队长和区局督查人员可以使用巡查日报")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (user.is_bureau_staff or user.is_street_leader))


# ---------------------------------------------------------------------------------------------- serializers


@extend_schema_field(OpenApiTypes.STR)
class TextOrListField(serializers.Field):
    """Team members as text ("张三、李四") or a list of names."""

    def to_internal_value(self, data):
        if isinstance(data, list):
            if not all(isinstance(x, str) for x in data):
                raise ValidationError(_("队员须为文字或文字列表"))
            data = "、".join(x.strip() for x in data if x.strip())
        if not isinstance(data, str):
            raise ValidationError(_("队员须为文字或文字列表"))
        if "\x00" in data:  # PostgreSQL refuses NUL in text: a 400 here, not a 500 at the insert
            raise ValidationError(_("队员中含有无效字符"))
        return data

    def to_representation(self, value):
        return value


class SafeDateTimeField(serializers.DateTimeField):
    """DRF's field lets an OverflowError escape for naive times at the edge of year 1 (its ambiguity check
    converts to UTC); answer 400 like it does for aware ones."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


class FindingInputSerializer(serializers.Serializer):
    category = serializers.CharField(max_length=5)
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    description = serializers.CharField(max_length=1000)
    handled_on_spot = serializers.BooleanField(default=False)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.CharField(trim_whitespace=False), required=False, default=list,
                                   max_length=services.MAX_PHOTOS_PER_FINDING)


class PatrolReportInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    shift = serializers.ChoiceField(choices=PatrolShift.choices)
    grid_cells = serializers.ListField(child=serializers.CharField(max_length=32), allow_empty=False,
                                       max_length=services.MAX_CELLS)
    started_at = SafeDateTimeField()
    ended_at = SafeDateTimeField()
    summary = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    findings = FindingInputSerializer(many=True, required=False, default=list, max_length=services.MAX_FINDINGS)
    squad = serializers.CharField(max_length=64, allow_blank=True, required=False, default="")
    team = TextOrListField(required=False, default="")
    track = serializers.JSONField(required=False, default=list)
    counts = serializers.JSONField(required=False, default=dict)


class PatrolReportAmendSerializer(serializers.Serializer):
    date = serializers.DateField()
    shift = serializers.ChoiceField(choices=PatrolShift.choices)
    grid_cells = serializers.ListField(child=serializers.CharField(max_length=32), allow_empty=False,
                                       max_length=services.MAX_CELLS)
    started_at = SafeDateTimeField()
    ended_at = SafeDateTimeField()
    summary = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    squad = serializers.CharField(max_length=64, allow_blank=True, required=False)
    team = TextOrListField(required=False)
    track = serializers.JSONField(required=False)
    counts = serializers.JSONField(required=False)
    reason = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")


class PatrolFindingSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    category = serializers.SerializerMethodField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    grid = serializers.SerializerMethodField()
    description = serializers.CharField()
    handled_on_spot = serializers.BooleanField()
    photo_count = serializers.IntegerField()
    case = serializers.SerializerMethodField()

    def get_category(self, obj) -> dict:
        return {"code": obj.category.code, "name": obj.category.name}

    def get_grid(self, obj) -> dict | None:
        return {"code": obj.grid.code} if obj.grid_id else None

    def get_case(self, obj) -> dict | None:
        if not obj.case_id:
            return None
        case = obj.case
        return {"id": case.pk, "number": case.number, "status": case.status, "self_handled": case.self_handled}


class PatrolReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField()
    street = serializers.SerializerMethodField()
    squad = serializers.CharField()
    leader = serializers.SerializerMethodField()
    date = serializers.DateField()
    shift = serializers.CharField()
    shift_usual_times = serializers.CharField(source="usual_times")
    team = serializers.CharField()
    grid_cells = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    track = serializers.JSONField()
    summary = serializers.CharField()
    counts = serializers.JSONField()
    findings = PatrolFindingSerializer(many=True)
    recorded_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    revision_count = serializers.IntegerField()
    amendable_until = serializers.SerializerMethodField()

    def get_street(self, obj) -> dict | None:
        return {"code": obj.street.code, "name": obj.street.name} if obj.street_id else None

    def get_leader(self, obj) -> dict:
        return {"id": obj.leader.pk, "username": obj.leader.username, "name": str(obj.leader)}

    def get_grid_cells(self, obj) -> list[str]:
        return sorted(c.code for c in obj.grid_cells.all())

    def get_amendable_until(self, obj) -> str:
        return timezone.localtime(obj.amendable_until()).isoformat()


class PatrolRevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    body = serializers.JSONField()
    amended_by = serializers.CharField(source="amended_by.username")
    amended_at = serializers.DateTimeField()
    reason = serializers.CharField()


# ---------------------------------------------------------------------------------------------- filters


class PatrolReportFilterSet(django_filters.FilterSet):
    date = django_filters.DateFilter(field_name="date")
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    street = django_filters.CharFilter(method="filter_street", label=_("街道代码"))
    shift = django_filters.ChoiceFilter(choices=PatrolShift.choices)
    source = django_filters.ChoiceFilter(choices=PatrolSource.choices)

    class Meta:
        model = PatrolReport
        fields = ["date", "date_after", "date_before", "street", "shift", "source"]

    def filter_street(self, queryset, name, value):
        street = Street.objects.filter(code=value).first()
        if street is None:
            return queryset.none()
        return queryset.covering_street(street)


# ---------------------------------------------------------------------------------------------- views

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


class PatrolReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                          viewsets.GenericViewSet):
    """Patrol reports: file (with Idempotency-Key), list, read, amend (CONTRACT §3)."""

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
    @idempotent
    def create(self, request, *args, **kwargs):
        payload, files = _report_payload(request)
        serializer = PatrolReportInputSerializer(data=payload)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        findings = [dict(f) for f in data.pop("findings", [])]
        for n, uploads in files.items():
            if n >= len(findings):
                raise ValidationError({"findings": [_("照片对应的第 %(n)d 项发现不存在") % {"n": n + 1}]})
            findings[n]["photos"] = list(findings[n].get("photos") or []) + uploads
        try:
            report = services.patrol_report_file(acting_user=request.user, findings=findings, **data)
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


class PatrolCountFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = PatrolCountField
        fields = ["code", "name", "unit", "order"]


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


class StreetRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PatrolCoverageSerializer(serializers.Serializer):
    street = StreetRefSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    cells_total = serializers.IntegerField()
    cells_patrolled = serializers.ListField(child=serializers.CharField())
    cells_missed = serializers.ListField(child=serializers.CharField())
    rate = serializers.FloatField()


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
