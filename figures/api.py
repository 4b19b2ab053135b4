"""REST for the figures: every figure of a period (and street) with the URL of the rows it counts, each figure's
rows, and the leadership dashboard's live data."""
from types import SimpleNamespace

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from bureau.accounts.authentication import ActiveTokenAuthentication
from bureau.api.pagination import StandardPagination
from bureau.api.throttling import FixedWindowThrottle
from bureau.statistics import Query, figure

from . import live
from .permissions import StatisticsPermission
from .readings import cached_document, document_bytes, number, reading_from

PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="第一天（含），默认今年 1 月 1 日"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="最后一天（含），默认今天"),
    OpenApiParameter("street", OpenApiTypes.STR, description="街道代码（3 位）；不填为全区（街道执法大队长：本街道）"),
]

class StatisticsFigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.FloatField()
    rows_url = serializers.URLField()


class StatisticsStreetSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StatisticsDocumentSerializer(serializers.Serializer):
    to = serializers.DateField()
    street = StatisticsStreetSerializer(allow_null=True)
    figures = StatisticsFigureSerializer(many=True)

    def get_fields(self):
        # `from` is a Python keyword, so it cannot be declared as a class attribute
        return {"from": serializers.DateField(), **super().get_fields()}


class FigureRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    street = serializers.CharField(allow_null=True)
    date = serializers.DateField(allow_null=True)
    amount = serializers.FloatField(help_text="该行计入数值的量（计数为 1）")


class StatisticsThrottle(FixedWindowThrottle):
    """The configured rates, counted apart from the other endpoints (and usable before DRF's handling)."""

    bucket = "statistics"


class StatisticsView(APIView):
    """Every figure over the period (and street), each with `rows_url`, the list of the rows it counts.

    The common request (a bureau token client asking for a document already in the cache) is answered before
    DRF's request handling, as the rankings are: the token, the document and the throttle's counter come from
    the cache. Everything else (sessions, leaders, refusals, bad input, a document not yet cached, a
    throttled client) goes through DRF, so every error comes from one implementation."""

    permission_classes = [StatisticsPermission]
    throttle_classes = [StatisticsThrottle]

    def dispatch(self, request, *args, **kwargs):
        response = self.answer_from_cache(request)
        if response is not None:
            self.headers = self.default_response_headers
            return self.finalize_response(request, response, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def answer_from_cache(self, request):
        if request.method != "GET":
            return None
        try:
            authenticated = ActiveTokenAuthentication().authenticate(request)
        except APIException:
            return None
        if authenticated is None:
            return None
        user = authenticated[0]
        if not (user.is_active and user.is_bureau_staff):
            return None  # a leader's scope needs their streets: DRF's path reads them
        body = cached_document(request.GET, request.build_absolute_uri("/")[:-1])
        if body is None:
            return None
        caller = SimpleNamespace(user=user, method=request.method, META=request.META)
        if not all(throttle().allow_request(caller, self) for throttle in self.throttle_classes):
            return None
        request.user = user  # as DRF leaves it for the middleware after the view
        return HttpResponse(body, content_type="application/json; charset=utf-8")

    @extend_schema(operation_id="statistics", parameters=PARAMETERS, responses=StatisticsDocumentSerializer,
                   summary="统计数据（每项附所计数据行的地址）")
    def get(self, request):
        reading = reading_from(request.query_params, request.user)
        body = document_bytes(reading, request.build_absolute_uri("/")[:-1])
        return HttpResponse(body, content_type="application/json; charset=utf-8")


class RowsPagination(StandardPagination):
    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["figure"] = self.figure_data
        return response


class FigureRowsView(APIView):
    """The rows a figure counts over the period (and street): exactly those, each with its share of the value."""

    permission_classes = [StatisticsPermission]
    pagination_class = RowsPagination

    @extend_schema(operation_id="statistics_rows", parameters=PARAMETERS,
                   responses=FigureRowSerializer(many=True), summary="某项统计所计的数据行")
    def get(self, request, code):
        fig = figure(code)
        if fig is None:
            raise NotFound()
        reading = reading_from(request.query_params, request.user)
        query = Query(reading.period, reading.street, reading.user)
        value, rows = fig.query(reading.period, reading.street, reading.user, query=query)
        rows = rows.select_related(*fig.select_related).order_by("pk") if fig.select_related else rows.order_by("pk")
        paginator = RowsPagination()
        paginator.figure_data = {"code": fig.code, "name": str(fig.name), "unit": str(fig.unit),
                                 "definition": str(fig.definition), "value": number(value)}
        page = paginator.paginate_queryset(rows, request, view=self)
        data = [{"id": row.pk, **fig.row_text(row), "amount": number(fig.row_amount(row))} for row in page]
        return paginator.get_paginated_response(FigureRowSerializer(data, many=True).data)


class LiveView(APIView):
    """The leadership dashboard's data now: counts and warnings, the latest cases, per-street comparisons for the
    month, campaign progress, the ranking trend and the case heat points of a period and category."""

    permission_classes = [StatisticsPermission]

    @extend_schema(operation_id="statistics_live", parameters=[
        OpenApiParameter("days", OpenApiTypes.INT, description="热力图的天数（1 至 366，默认 30）"),
        OpenApiParameter("category", OpenApiTypes.STR, description="热力图的案件大类（2 位）或类别（5 位）"),
    ], responses=OpenApiTypes.OBJECT, summary="领导驾驶舱实时数据")
    def get(self, request):
        options = live.options_from(request.query_params)
        return Response(live.snapshot(request.user, **options))
