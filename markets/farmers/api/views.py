"""Thin viewsets over farmers markets, every queryset through `visible_to(user)`; creates and actions call the
services, creates take an Idempotency-Key."""
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from bureau import clock
from bureau.api.idempotency import idempotent
from enforcement.api.views import request_photos
from grids import maplayers
from grids.models import GridCell, Street

from ...permissions import MarketsWritePermission
from .. import services
from ..filtersets import (
    CleaningRoundFilterSet,
    FarmersMarketFilterSet,
    MarketComplaintFilterSet,
    MarketInspectionFilterSet,
    MarketRepairFilterSet,
)
from ..models import (
    CleaningRound,
    CleaningSlot,
    FarmersMarket,
    ManagementStation,
    MarketComplaint,
    MarketInspection,
    MarketRepair,
    StationPost,
    VolunteerPoint,
)
from ..permissions import FieldWorkPermission, may_manage, may_record
from .serializers import (
    CleaningRoundCreateSerializer,
    CleaningRoundSerializer,
    ComplaintHandleSerializer,
    FarmersMarketDetailSerializer,
    FarmersMarketSerializer,
    MarketComplaintCreateSerializer,
    MarketComplaintSerializer,
    MarketCreateSerializer,
    MarketInspectionCreateSerializer,
    MarketInspectionSerializer,
    MarketRepairCreateSerializer,
    MarketRepairSerializer,
    RepairFixSerializer,
)


def _valid(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _market_in_scope(user, pk) -> FarmersMarket:
    market = FarmersMarket.objects.visible_to(user).filter(pk=pk).first()
    if market is None:
        raise ValidationError({"market": [_("没有该市场，或不在您的辖区内。")]})
    return market


def _refuse_unless(allowed: bool):
    """Permission before scope and state: a role that may never do this gets 403."""
    if not allowed:
        raise PermissionDenied(_("您的角色不能执行此操作。"))


def _created(serializer_class, view, obj):
    fresh = view.get_queryset().get(pk=obj.pk)
    return Response(serializer_class(fresh, context=view.get_serializer_context()).data, status=status.HTTP_201_CREATED)


@extend_schema_view(create=extend_schema(request=MarketCreateSerializer, responses={201: FarmersMarketDetailSerializer}))
class FarmersMarketViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Farmers markets in the caller's streets; POST registers one (leaders in their street, bureau staff)."""

    permission_classes = [MarketsWritePermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = FarmersMarketFilterSet

    def get_serializer_class(self):
        return FarmersMarketSerializer if self.action == "list" else FarmersMarketDetailSerializer

    def get_queryset(self):
        qs = FarmersMarket.objects.visible_to(self.request.user).for_list()
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("volunteer_points", queryset=VolunteerPoint.objects.filter(is_active=True)))
        return qs

    @maplayers.geojson_action(
        "The markets in scope (active ones unless `is_active` is given) at their Points. Properties: id, name, "
        "kind_label, address, street {code, name}, stall_count, is_active, missed_today (cleaning rounds whose "
        "time has passed today with no record), status_label, url (the market's page).",
        summary="The farmers markets in scope as GeoJSON (the district map's markets layer); filters as the list")
    def geojson(self, request):
        now = clock.now()
        markets = FarmersMarket.objects.visible_to(request.user).select_related("street").with_missed_today(now)
        if "is_active" not in request.query_params:
            markets = markets.active()
        return maplayers.geojson_response(self.filter_queryset(markets), lambda m: maplayers.point(m.lat, m.lng),
                                          lambda m: {
            "name": m.name, "kind_label": _("农贸市场"), "address": m.address, "street": maplayers.street_ref(m.street),
            "stall_count": m.stall_count, "is_active": m.is_active, "missed_today": m.missed_today,
            "status_label": (_("今日漏保洁 %(n)d 次") % {"n": m.missed_today} if m.missed_today
                             else _("今日无漏保洁")),
            "url": reverse("markets:farmers:detail", kwargs={"pk": m.pk})})

    @idempotent
    def create(self, request, *args, **kwargs):
        _refuse_unless(may_manage(request.user))
        params = _valid(MarketCreateSerializer, request)
        street = Street.objects.visible_to(request.user).filter(code=params.pop("street")).first()
        if street is None:
            raise ValidationError({"street": [_("没有该街道，或不在您的辖区内。")]})
        code, station_id = params.pop("grid"), params.pop("station")
        grid = None
        if code:
            grid = GridCell.objects.filter(code=code, street=street).first()
            if grid is None:
                raise ValidationError({"grid": [_("单元网格不在该街道内。")]})
        station = None
        if station_id is not None:
            station = ManagementStation.objects.filter(pk=station_id, street=street).first()
            if station is None:
                raise ValidationError({"station": [_("管理站不在该街道内。")]})
        market = services.farmers_market_register(acting_user=request.user, street=street, grid=grid,
                                                  station=station, **params)
        return _created(FarmersMarketDetailSerializer, self, market)


@extend_schema_view(create=extend_schema(request=CleaningRoundCreateSerializer, responses={201: CleaningRoundSerializer}))
class CleaningRoundViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cleaning rounds recorded; POST records one (a slot of a market in scope, once a day: 409 for a second)."""

    serializer_class = CleaningRoundSerializer
    permission_classes = [FieldWorkPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = CleaningRoundFilterSet

    def get_queryset(self):
        return CleaningRound.objects.visible_to(self.request.user).select_related("market", "slot", "recorded_by")

    @idempotent
    def create(self, request, *args, **kwargs):
        _refuse_unless(may_record(request.user))
        params = _valid(CleaningRoundCreateSerializer, request)
        slot = CleaningSlot.objects.filter(
            pk=params.pop("slot"), market__in=FarmersMarket.objects.visible_to(request.user)).select_related(
            "market").first()
        if slot is None:
            raise ValidationError({"slot": [_("没有该保洁时段，或不在您的辖区内。")]})
        post_id = params.pop("post")
        post = None
        if post_id is not None:
            post = StationPost.objects.filter(pk=post_id, station_id=slot.market.station_id).first()
            if post is None:
                raise ValidationError({"post": [_("该岗位不属于本市场的管理站。")]})
        params["date"] = params["date"] or timezone.localdate(clock.now())
        row = services.cleaning_round_record(acting_user=request.user, slot=slot, post=post, **params)
        return _created(CleaningRoundSerializer, self, row)


@extend_schema_view(create=extend_schema(request=MarketInspectionCreateSerializer,
                                         responses={201: MarketInspectionSerializer}))
class MarketInspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections of markets; POST records one with the whole checklist (JSON, or multipart with `photos`)."""

    serializer_class = MarketInspectionSerializer
    permission_classes = [FieldWorkPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = MarketInspectionFilterSet

    def get_queryset(self):
        return (MarketInspection.objects.visible_to(self.request.user)
                .select_related("market__street", "inspector").annotate(photo_count=Count("photos"))
                .order_by("-inspected_at", "-pk"))

    # the photos are decoded before the key's transaction begins
    @idempotent(prepare=lambda view, request: request_photos(request, allowed=may_record(request.user)))
    def create(self, request, *args, prepared, **kwargs):
        _refuse_unless(may_record(request.user))
        params = _valid(MarketInspectionCreateSerializer, request)
        params.pop("photos")
        market = _market_in_scope(request.user, params.pop("market"))
        inspection = services.market_inspection_record(acting_user=request.user, market=market, photos=prepared,
                                                       **params)
        return _created(MarketInspectionSerializer, self, inspection)


@extend_schema_view(create=extend_schema(request=MarketComplaintCreateSerializer,
                                         responses={201: MarketComplaintSerializer}))
class MarketComplaintViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Complaints about markets with their handling deadlines on the work calendar; POST records one received;
    `handle` answers it (leaders and bureau staff)."""

    serializer_class = MarketComplaintSerializer
    permission_classes = [FieldWorkPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = MarketComplaintFilterSet

    def get_queryset(self):
        return MarketComplaint.objects.visible_to(self.request.user).select_related("market__street")

    @idempotent
    def create(self, request, *args, **kwargs):
        _refuse_unless(may_record(request.user))
        params = _valid(MarketComplaintCreateSerializer, request)
        market = _market_in_scope(request.user, params.pop("market"))
        complaint = services.market_complaint_receive(acting_user=request.user, market=market, **params)
        return _created(MarketComplaintSerializer, self, complaint)

    @extend_schema(request=ComplaintHandleSerializer, responses={200: MarketComplaintSerializer})
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        _refuse_unless(may_manage(request.user))
        complaint = self.get_object()
        params = _valid(ComplaintHandleSerializer, request)
        complaint = services.market_complaint_handle(acting_user=request.user, complaint=complaint, **params)
        return Response(MarketComplaintSerializer(self.get_queryset().get(pk=complaint.pk)).data)


@extend_schema_view(create=extend_schema(request=MarketRepairCreateSerializer, responses={201: MarketRepairSerializer}))
class MarketRepairViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Facility repairs of markets; POST reports one; `fix` records it fixed (leaders and bureau staff)."""

    serializer_class = MarketRepairSerializer
    permission_classes = [FieldWorkPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = MarketRepairFilterSet

    def get_queryset(self):
        return MarketRepair.objects.visible_to(self.request.user).select_related("market__street")

    @idempotent
    def create(self, request, *args, **kwargs):
        _refuse_unless(may_record(request.user))
        params = _valid(MarketRepairCreateSerializer, request)
        market = _market_in_scope(request.user, params.pop("market"))
        repair = services.market_repair_report(acting_user=request.user, market=market, **params)
        return _created(MarketRepairSerializer, self, repair)

    @extend_schema(request=RepairFixSerializer, responses={200: MarketRepairSerializer})
    @action(detail=True, methods=["post"])
    def fix(self, request, pk=None):
        _refuse_unless(may_manage(request.user))
        repair = self.get_object()
        params = _valid(RepairFixSerializer, request)
        repair = services.market_repair_fix(acting_user=request.user, repair=repair, note=params["note"],
                                            fixed_on=params["fixed_on"])
        return Response(MarketRepairSerializer(self.get_queryset().get(pk=repair.pk)).data)
