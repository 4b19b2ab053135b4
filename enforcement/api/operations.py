"""Joint operations over the API: bureau staff plan them; bureau staff and the leaders of the streets taking
part read them, with their results, and record cases and orders into them (demolitions are recorded with
`operation` on POST /api/v1/demolitions/)."""
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from bureau.accounts.permissions import ALL, AudiencePermission, bureau_staff, street_leader

from ..choices import OperationIndicator
from ..models import Case, JointOperation, RectificationOrder
from ..pagination import CasePagination
from ..services import operations as services
from .serializers import CodeNameSerializer, _dt


class JointOperationPermission(AudiencePermission):
    """Bureau staff, and street leaders (the operations of their streets: `visible_to`); planning is the
    bureau's alone (the service answers 403 to anybody else)."""

    rights = ((bureau_staff, ALL), (street_leader, ALL))


class TargetSerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=OperationIndicator.choices)
    target = serializers.DecimalField(max_digits=11, decimal_places=2, min_value=Decimal("0.01"))


class StreetValueSerializer(serializers.Serializer):
    street = serializers.CharField(help_text="street code")
    value = serializers.DecimalField(max_digits=14, decimal_places=2)


class ResultSerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=OperationIndicator.choices)
    label = serializers.CharField()
    target = serializers.DecimalField(max_digits=11, decimal_places=2, allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    percent = serializers.FloatField(allow_null=True, help_text="total / target × 100")
    by_street = StreetValueSerializer(many=True)


class JointOperationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()
    date = serializers.DateField()
    area = serializers.JSONField(allow_null=True, help_text="a GeoJSON Polygon (WGS84) or null")
    cells = serializers.ListField(child=serializers.CharField(), help_text="grid cell codes")
    streets = CodeNameSerializer(many=True)
    departments = CodeNameSerializer(many=True)
    targets = TargetSerializer(many=True)
    description = serializers.CharField()
    created_at = serializers.DateTimeField()

    def to_representation(self, op):
        return {
            "id": op.pk, "number": op.number, "name": op.name, "date": op.date.isoformat(), "area": op.area,
            "cells": sorted(c.code for c in op.cells.all()),
            "streets": [{"code": s.code, "name": s.name} for s in sorted(op.streets.all(), key=lambda s: s.code)],
            "departments": [{"code": d.code, "name": d.name}
                            for d in sorted(op.departments.all(), key=lambda d: d.code)],
            "targets": op.targets or [], "description": op.description, "created_at": _dt(op.created_at),
        }


def _two(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


class JointOperationDetailSerializer(JointOperationSerializer):
    results = ResultSerializer(many=True)

    def to_representation(self, op):
        data = super().to_representation(op)
        results = services.operation_results(op)
        codes = {s.pk: s.code for s in results["streets"]}
        data["results"] = [{
            "indicator": row["indicator"], "label": str(row["label"]),
            "target": None if row["target"] is None else _two(row["target"]), "total": _two(row["total"]),
            "percent": None if row["percent"] is None else float(row["percent"]),
            "by_street": [{"street": codes[pk], "value": _two(value)} for pk, value in row["by_street"].items()],
        } for row in results["rows"]]
        return data


class JointOperationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128)
    date = serializers.DateField()
    streets = serializers.ListField(child=serializers.CharField(max_length=3), min_length=1, max_length=100)
    departments = serializers.ListField(child=serializers.CharField(max_length=16), required=False, default=list,
                                        max_length=50)
    cells = serializers.ListField(child=serializers.CharField(max_length=15), required=False, default=list,
                                  max_length=2000)
    area = serializers.JSONField(required=False, allow_null=True, default=None,
                                 help_text="a GeoJSON Polygon geometry (WGS84)")
    targets = TargetSerializer(many=True, required=False, default=list)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class RecordSerializer(serializers.Serializer):
    case = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    order = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def validate(self, attrs):
        if ("case" in attrs) == ("order" in attrs):
            raise serializers.ValidationError(_("请指定一个案件或一份整改通知书"))
        return attrs


class JointOperationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Joint operations in the caller's scope (404 outside it); the detail carries the results."""

    serializer_class = JointOperationSerializer
    permission_classes = [JointOperationPermission]
    pagination_class = CasePagination

    def get_queryset(self):
        return JointOperation.objects.visible_to(self.request.user).prefetch_related("streets", "departments", "cells")

    def get_serializer_class(self):
        return JointOperationDetailSerializer if self.action in ("retrieve", "record") else JointOperationSerializer

    @extend_schema(request=JointOperationCreateSerializer, responses={201: JointOperationDetailSerializer})
    def create(self, request, *args, **kwargs):
        if not request.user.is_bureau_staff:
            raise PermissionDenied(_("只有区局可以部署联合执法行动"))
        data = JointOperationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        params["targets"] = [{"indicator": t["indicator"], "target": t["target"]} for t in params["targets"]]
        operation = services.operation_create(acting_user=request.user, **params)
        return Response(JointOperationDetailSerializer(self.get_queryset().get(pk=operation.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=RecordSerializer, responses={200: JointOperationDetailSerializer})
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record a case (`{"case": id}`) or an order (`{"order": id}`) found in the operation into its results."""
        operation = self.get_object()
        data = RecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            if "case" in data.validated_data:
                case = get_object_or_404(Case.objects.visible_to(request.user), pk=data.validated_data["case"])
                services.operation_record_case(acting_user=request.user, operation=operation, case=case)
            else:
                order = get_object_or_404(RectificationOrder.objects.visible_to(request.user),
                                          pk=data.validated_data["order"])
                services.operation_record_order(acting_user=request.user, operation=operation, order=order)
        except services.OperationForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(JointOperationDetailSerializer(self.get_queryset().get(pk=operation.pk)).data)
