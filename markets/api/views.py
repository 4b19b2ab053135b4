"""Thin read-only viewsets over street commerce, every queryset through `visible_to(user)`."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from bureau import clock
from enforcement.filtersets import _moment
from grids.api.views import _coordinates
from grids.models import Street

from ..check import UnknownVendor
from ..check import check as zone_check
from ..filtersets import OutdoorAdFilterSet, StallPermitFilterSet, VendorZoneFilterSet
from ..models import OutdoorAd, StallPermit, Vendor, VendorCaseLink, VendorSlot, VendorZone
from ..permissions import MarketsReadPermission
from ..querysets import frontage_coverage, streets_in_scope
from .serializers import (
    FrontageCoverageSerializer,
    OutdoorAdSerializer,
    RepeatOffenderQuerySerializer,
    RepeatOffenderSerializer,
    StallPermitSerializer,
    VendorZoneSerializer,
    ZoneCheckSerializer,
)


class VendorZoneViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VendorZoneSerializer
    permission_classes = [MarketsReadPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = VendorZoneFilterSet

    @extend_schema(
        summary="May this vendor trade here now? The zone at a point, open or not, the vendor's permit for it",
        parameters=[
            OpenApiParameter("lat", float, required=True), OpenApiParameter("lng", float, required=True),
            OpenApiParameter("at", str, description="ISO 8601 datetime (default: now)"),
            OpenApiParameter("vendor", int, description="a vendor's id (without it, permitted is null)"),
        ],
        responses={200: ZoneCheckSerializer},
    )
    @action(detail=False, methods=["get"], url_path="check", pagination_class=None, filterset_class=None,
            filter_backends=[])
    def check(self, request):
        params = request.query_params
        lat, lng = _coordinates(params)
        errors, moment, vendor = {}, clock.now(), None
        if params.get("at"):
            try:
                moment = _moment("at", params["at"])
            except DjangoValidationError as exc:
                errors.update(exc.message_dict)
        if params.get("vendor") not in (None, ""):
            try:
                vendor = int(params["vendor"])
                if vendor < 1:
                    raise ValueError
            except ValueError:
                errors["vendor"] = [_("无效的摊贩编号。")]
        if errors:
            raise ValidationError(errors)
        try:
            body = zone_check(lat, lng, moment, vendor)
        except UnknownVendor:
            raise ValidationError({"vendor": [_("没有该摊贩。")]}) from None
        return Response(body)

    def get_queryset(self):
        return (VendorZone.objects.visible_to(self.request.user).select_related("street")
                .prefetch_related("windows", Prefetch("slots", queryset=VendorSlot.objects.only("pk", "zone_id"))))


class StallPermitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StallPermitSerializer
    permission_classes = [MarketsReadPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = StallPermitFilterSet

    def get_queryset(self):
        return StallPermit.objects.visible_to(self.request.user).select_related("zone__street", "vendor", "slot")


class OutdoorAdViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OutdoorAdSerializer
    permission_classes = [MarketsReadPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = OutdoorAdFilterSet

    def get_queryset(self):
        return OutdoorAd.objects.visible_to(self.request.user).select_related("street")


@extend_schema(parameters=[
    OpenApiParameter("min_cases", int, description="案件数下限（默认 2）"),
    OpenApiParameter("since", str, description="只计此时间之后上报的案件（ISO 8601）"),
])
class RepeatOffenderListView(generics.ListAPIView):
    """Vendors with cases in two or more streets, or at least `min_cases` cases, counted district-wide."""

    serializer_class = RepeatOffenderSerializer
    permission_classes = [MarketsReadPermission]

    def get_queryset(self):
        params = RepeatOffenderQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        links = VendorCaseLink.objects.select_related("case__street").only("vendor_id", "case__street__code")
        return (
            Vendor.objects.visible_to(self.request.user)
            .repeat_offenders(min_cases=params.validated_data["min_cases"], since=params.validated_data.get("since"))
            .prefetch_related(Prefetch("case_links", queryset=links))
        )


class FrontageCoverageView(generics.ListAPIView):
    """Per street in scope: registered shops, shops with an active frontage agreement, the ratio."""

    serializer_class = FrontageCoverageSerializer
    permission_classes = [MarketsReadPermission]
    queryset = Street.objects.none()  # for the schema; the real one is built per user

    def get_queryset(self):
        return frontage_coverage(streets_in_scope(self.request.user)).order_by("code")
