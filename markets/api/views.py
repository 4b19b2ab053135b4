"""Thin read-only viewsets over street commerce, every queryset through `visible_to(user)`."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from bureau import clock
from bureau.api.idempotency import idempotent
from bureau.api.throttling import FixedWindowThrottle
from enforcement.filtersets import _moment
from enforcement.models import Case
from grids import maplayers
from grids.api.views import JSONOnlyNegotiation, _coordinates
from grids.authentication import KeptTokenAuthentication
from grids.models import GridCell, Street

from .. import services, workflow
from ..check import UnknownVendor
from ..check import check as zone_check
from ..choices import SHOP_FLAG_CASES
from ..filtersets import OutdoorAdFilterSet, ShopFilterSet, StallPermitFilterSet, VendorZoneFilterSet
from ..models import (
    FrontageAgreement,
    OutdoorAd,
    Shop,
    ShopCommitment,
    StallPermit,
    Vendor,
    VendorCaseLink,
    VendorSlot,
    VendorZone,
)
from ..permissions import AdTargetPermission, MarketsReadPermission, MarketsWritePermission, ZoneWritePermission
from ..querysets import ad_ratios, frontage_coverage, frontage_coverage_by_cell, streets_in_scope
from .serializers import (
    AdApproveSerializer,
    AdFollowUpSerializer,
    AdRatioSerializer,
    AdRegisterSerializer,
    AdRemovalOrderSerializer,
    AdStatusSerializer,
    AdTargetSetSerializer,
    AdUpdateSerializer,
    AgreementSerializer,
    AgreementSignSerializer,
    CellCoverageSerializer,
    CommitmentRecordSerializer,
    CommitmentSerializer,
    FrontageCoverageSerializer,
    OutdoorAdSerializer,
    PermitApplySerializer,
    PermitRenewSerializer,
    PermitReviewSerializer,
    ReasonSerializer,
    RepeatOffenderQuerySerializer,
    RepeatOffenderSerializer,
    ShopRegisterSerializer,
    ShopSerializer,
    ShopUpdateSerializer,
    StallPermitSerializer,
    VendorRegisterSerializer,
    VendorSerializer,
    VendorZoneSerializer,
    ZoneCheckSerializer,
    ZoneWriteSerializer,
)


class CheckThrottle(FixedWindowThrottle):
    """The configured rate for vendor checks, counted apart from the other endpoints; the fast path
    (api/fast.py) counts in the same bucket."""

    bucket = "markets.check"


def _detail(serializer_class, obj, view, code=status.HTTP_200_OK):
    return Response(serializer_class(obj, context=view.get_serializer_context()).data, status=code)


def _refuse_unless(user, action_name):
    """Permission before scope and state: a role that may never take the action gets 403."""
    if not workflow.may(user, action_name):
        raise PermissionDenied(_("您的角色不能执行此操作。"))


@extend_schema_view(
    create=extend_schema(request=ZoneWriteSerializer, responses={201: VendorZoneSerializer}),
    partial_update=extend_schema(request=ZoneWriteSerializer, responses={200: VendorZoneSerializer}),
)
class VendorZoneViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Zones; the bureau creates and changes them (PATCH, windows replaced when given)."""

    serializer_class = VendorZoneSerializer
    permission_classes = [ZoneWritePermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = VendorZoneFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    @idempotent
    def create(self, request, *args, **kwargs):
        data = ZoneWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        zone = services.vendor_zone_create(acting_user=request.user, **data.validated_data)
        return _detail(VendorZoneSerializer, self.get_queryset().get(pk=zone.pk), self, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        zone = self.get_object()
        data = ZoneWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        changes.pop("slots", None)
        zone = services.vendor_zone_update(acting_user=request.user, zone=zone, **changes)
        return _detail(VendorZoneSerializer, self.get_queryset().get(pk=zone.pk), self)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return self.partial_update(request, *args, **kwargs)
        return super().update(request, *args, **kwargs)

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
            filter_backends=[], throttle_classes=[CheckThrottle],
            authentication_classes=[KeptTokenAuthentication, SessionAuthentication],
            content_negotiation_class=JSONOnlyNegotiation)
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

    @maplayers.geojson_action(
        "The zones that have an area: a Polygon, MultiPolygon or a road segment (LineString). Properties: id, name, "
        "kind, kind_label, street {code, name}, road, open_now, is_active, capacity, url (the zone's page).",
        summary="The zones in scope as GeoJSON (the district map's zones layer); filters as the list")
    def geojson(self, request):
        zones = self.filter_queryset(VendorZone.objects.visible_to(request.user).select_related("street")
                                     .prefetch_related("windows").exclude(geometry__isnull=True))
        now = clock.now()
        return maplayers.geojson_response(zones, lambda z: z.geometry, lambda z: {
            "name": z.name, "kind": z.kind, "kind_label": str(z.get_kind_display()),
            "street": maplayers.street_ref(z.street), "road": z.road, "open_now": z.is_open_at(now),
            "is_active": z.is_active, "capacity": z.capacity, "url": reverse("markets:zone", kwargs={"pk": z.pk})})

    def get_queryset(self):
        return (VendorZone.objects.visible_to(self.request.user).select_related("street")
                .prefetch_related("windows", Prefetch("slots", queryset=VendorSlot.objects.only("pk", "zone_id"))))


@extend_schema_view(create=extend_schema(request=PermitApplySerializer, responses={201: StallPermitSerializer}))
class StallPermitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Permits and applications. POST applies (the street, for a slot in its street); the steps are actions:
    review and reject (the street or the bureau), approve, renew and revoke (the bureau)."""

    serializer_class = StallPermitSerializer
    permission_classes = [MarketsWritePermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = StallPermitFilterSet

    def get_queryset(self):
        return StallPermit.objects.visible_to(self.request.user).select_related("zone__street", "vendor", "slot")

    @idempotent
    def create(self, request, *args, **kwargs):
        _refuse_unless(request.user, "apply")
        data = PermitApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        slot = VendorSlot.objects.visible_to(request.user).select_related("zone").filter(pk=params.pop("slot")).first()
        vendor = Vendor.objects.filter(pk=params.pop("vendor")).first()
        errors = {}
        if slot is None:
            errors["slot"] = [_("没有该摊位，或不在您的辖区内。")]
        if vendor is None:
            errors["vendor"] = [_("没有该摊贩。")]
        if errors:
            raise ValidationError(errors)
        permit = services.stall_permit_apply(acting_user=request.user, vendor=vendor, slot=slot, **params)
        return _detail(StallPermitSerializer, self.get_queryset().get(pk=permit.pk), self, status.HTTP_201_CREATED)

    def _step(self, request, name, body_class, call):
        _refuse_unless(request.user, name)
        data = body_class(data=request.data)
        data.is_valid(raise_exception=True)
        permit = call(self.get_object(), data.validated_data)
        return _detail(StallPermitSerializer, self.get_queryset().get(pk=permit.pk), self)

    @extend_schema(request=PermitReviewSerializer, responses={200: StallPermitSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._step(request, "review", PermitReviewSerializer, lambda p, d: services.stall_permit_review(
            acting_user=request.user, permit=p, **d))

    @extend_schema(request=ReasonSerializer, responses={200: StallPermitSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._step(request, "reject", ReasonSerializer, lambda p, d: services.stall_permit_reject(
            acting_user=request.user, permit=p, **d))

    @extend_schema(request=PermitReviewSerializer, responses={200: StallPermitSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, "approve", PermitReviewSerializer, lambda p, d: services.stall_permit_approve(
            acting_user=request.user, permit=p, **d))

    @extend_schema(request=ReasonSerializer, responses={200: StallPermitSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._step(request, "revoke", ReasonSerializer, lambda p, d: services.stall_permit_revoke(
            acting_user=request.user, permit=p, **d))

    @extend_schema(request=PermitRenewSerializer, responses={200: StallPermitSerializer})
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        """The renewal (a new permit from the day after this one ends)."""
        return self._step(request, "renew", PermitRenewSerializer, lambda p, d: services.stall_permit_renew(
            acting_user=request.user, permit=p, **d))


@extend_schema_view(create=extend_schema(request=VendorRegisterSerializer, responses={201: VendorSerializer}))
class VendorViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Vendors seen in the caller's streets (a permit or a case there); POST registers one (or finds the same
    person again by phone or ID number, district-wide). Phones and ID numbers leave only masked."""

    serializer_class = VendorSerializer
    permission_classes = [MarketsWritePermission]

    def get_queryset(self):
        return Vendor.objects.visible_to(self.request.user)

    @idempotent
    def create(self, request, *args, **kwargs):
        data = VendorRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vendor = services.vendor_register(acting_user=request.user, **data.validated_data)
        return _detail(VendorSerializer, vendor, self, status.HTTP_201_CREATED)


def _register_url(name, street, q):
    """A register page filtered to one row (shops and ads have no page of their own)."""
    return f"{reverse(name)}?{urlencode({'street': street.code, 'q': q[:64]})}"


def _shop_state(shop):
    state = _("已签门前包干责任书") if shop.has_agreement else _("未签门前包干责任书")
    if shop.frontage_case_count >= SHOP_FLAG_CASES:
        state += "；" + _("重点关注：近90天店外经营 %(n)d 起") % {"n": shop.frontage_case_count}
    return state


def _street_in_scope(user, code):
    street = Street.objects.visible_to(user).filter(code=code).first()
    if street is None:
        raise ValidationError({"street": [_("没有该街道，或不在您的辖区内。")]})
    return street


@extend_schema_view(
    create=extend_schema(request=AdRegisterSerializer, responses={201: OutdoorAdSerializer}),
    partial_update=extend_schema(request=AdUpdateSerializer, responses={200: OutdoorAdSerializer}),
)
class OutdoorAdViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Outdoor ads and shop signs; POST registers one in the caller's street; PATCH changes its description; its
    approval by `approval`, a hazard or a removal by `status` (removed is final), a removal order by
    `removal-order` and its follow-up by `removal-follow-up`. Never a status by PATCH."""

    serializer_class = OutdoorAdSerializer
    permission_classes = [MarketsWritePermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = OutdoorAdFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return OutdoorAd.objects.visible_to(self.request.user).select_related("street", "removal_order")

    def _answer(self, ad, code=status.HTTP_200_OK):
        return _detail(OutdoorAdSerializer, self.get_queryset().get(pk=ad.pk), self, code)

    @idempotent
    def create(self, request, *args, **kwargs):
        data = AdRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        street = _street_in_scope(request.user, params.pop("street"))
        ad = services.outdoor_ad_register(acting_user=request.user, street=street, **params)
        return self._answer(ad, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        ad = self.get_object()
        data = AdUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return self._answer(services.outdoor_ad_update(acting_user=request.user, ad=ad, **data.validated_data))

    @maplayers.geojson_action(
        "The ads in scope that have a point (standing ones, not removed, unless `status` is given) as Points. "
        "Properties: id, name (the owner), kind, kind_label, address (the location), street {code, name}, status, "
        "status_label, approval_number, approved_until, url (the ads register, filtered to it).",
        summary="The outdoor ads in scope as GeoJSON (the district map's ads layer); filters as the list")
    def geojson(self, request):
        ads = OutdoorAd.objects.visible_to(request.user).select_related("street").exclude(lat__isnull=True)
        if not request.query_params.get("status"):
            ads = ads.standing()
        return maplayers.geojson_response(self.filter_queryset(ads), lambda a: maplayers.point(a.lat, a.lng),
                                          lambda a: {
            "name": a.owner, "kind": a.kind, "kind_label": str(a.get_kind_display()), "address": a.location,
            "street": maplayers.street_ref(a.street), "status": a.status, "status_label": str(a.get_status_display()),
            "approval_number": a.approval_number, "approved_until": a.approved_until,
            "url": _register_url("markets:ads", a.street, a.approval_number or a.location)})

    @extend_schema(request=AdStatusSerializer, responses={200: OutdoorAdSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        data = AdStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ad = services.outdoor_ad_set_status(acting_user=request.user, ad=self.get_object(), **data.validated_data)
        return self._answer(ad)

    @extend_schema(request=AdApproveSerializer, responses={200: OutdoorAdSerializer})
    @action(detail=True, methods=["post"])
    def approval(self, request, pk=None):
        data = AdApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ad = services.outdoor_ad_approve(acting_user=request.user, ad=self.get_object(), **data.validated_data)
        return self._answer(ad)

    @extend_schema(request=AdRemovalOrderSerializer, responses={201: OutdoorAdSerializer})
    @action(detail=True, methods=["post"], url_path="removal-order")
    @idempotent
    def removal_order(self, request, pk=None):
        ad = self.get_object()
        data = AdRemovalOrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        case = Case.objects.visible_to(request.user).filter(pk=params.pop("case")).first()
        if case is None:
            raise ValidationError({"case": [_("没有该案件，或不在您的辖区内。")]})
        ad = services.outdoor_ad_order_removal(acting_user=request.user, ad=ad, case=case, **params)
        return self._answer(ad, status.HTTP_201_CREATED)

    @extend_schema(request=AdFollowUpSerializer, responses={200: OutdoorAdSerializer})
    @action(detail=True, methods=["post"], url_path="removal-follow-up")
    def removal_follow_up(self, request, pk=None):
        data = AdFollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ad = services.outdoor_ad_follow_up_removal(acting_user=request.user, ad=self.get_object(),
                                                   **data.validated_data)
        return self._answer(ad)


def _commitment_input(request):
    """The letter's fields and its scan, checked before the transaction (decoding a picture takes long)."""
    from enforcement.photos import photo_check

    data = CommitmentRecordSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        scan = photo_check(data.validated_data["scan"])
    except DjangoValidationError as exc:
        raise ValidationError({"scan": exc.message_dict.get("photos", exc.messages)}) from None
    return {**data.validated_data, "scan": scan}


@extend_schema_view(
    create=extend_schema(request=ShopRegisterSerializer, responses={201: ShopSerializer}),
    partial_update=extend_schema(request=ShopUpdateSerializer, responses={200: ShopSerializer}),
)
class ShopViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Shops along the streets, each with its frontage state and the 09005 flag; POST registers one, PATCH changes
    it; `agreements` lists the agreement versions or signs the next; `commitments` lists or records the signed
    commitment letters."""

    serializer_class = ShopSerializer
    permission_classes = [MarketsWritePermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ShopFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Shop.objects.visible_to(self.request.user).for_register()

    def _answer(self, shop, code=status.HTTP_200_OK):
        return _detail(ShopSerializer, self.get_queryset().get(pk=shop.pk), self, code)

    @idempotent
    def create(self, request, *args, **kwargs):
        data = ShopRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        street = _street_in_scope(request.user, params.pop("street"))
        code = params.pop("grid")
        grid = None
        if code:
            grid = GridCell.objects.filter(code=code, community__street=street).first()
            if grid is None:
                raise ValidationError({"grid": [_("单元网格不在该街道内。")]})
        shop = services.shop_register(acting_user=request.user, street=street, grid=grid, **params)
        return self._answer(shop, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        shop = self.get_object()
        data = ShopUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return self._answer(services.shop_update(acting_user=request.user, shop=shop, **data.validated_data))

    @maplayers.geojson_action(
        "The shops in scope that have a point (trading ones unless `is_active` is given) as Points. Properties: "
        "id, name, kind_label, address, licence_number, street {code, name}, is_active, covered (a frontage "
        "agreement on record), frontage_case_count, flagged, status_label, url (the shops register, filtered to it).",
        summary="The shops in scope as GeoJSON (the district map's shops layer); filters as the list")
    def geojson(self, request):
        shops = self.get_queryset().exclude(lat__isnull=True)
        if "is_active" not in request.query_params:
            shops = shops.active()
        return maplayers.geojson_response(self.filter_queryset(shops), lambda s: maplayers.point(s.lat, s.lng),
                                          lambda s: {
            "name": s.name, "kind_label": _("商户"), "address": s.address, "licence_number": s.licence_number,
            "street": maplayers.street_ref(s.street), "is_active": s.is_active, "covered": s.has_agreement,
            "frontage_case_count": s.frontage_case_count, "flagged": s.frontage_case_count >= SHOP_FLAG_CASES,
            "status_label": _shop_state(s), "url": _register_url("markets:shops", s.street, s.licence_number or s.name)})

    @extend_schema(methods=["GET"], responses={200: AgreementSerializer(many=True)})
    @extend_schema(methods=["POST"], request=AgreementSignSerializer, responses={201: AgreementSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def agreements(self, request, pk=None):
        if request.method == "GET":
            rows = FrontageAgreement.objects.filter(shop=self.get_object()).order_by("kind", "-version")
            return Response(AgreementSerializer(rows, many=True).data)
        return self._sign(request)

    @idempotent
    def _sign(self, request):
        shop = self.get_object()
        data = AgreementSignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.frontage_agreement_sign(acting_user=request.user, shop=shop, **data.validated_data)
        return _detail(AgreementSerializer, agreement, self, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: CommitmentSerializer(many=True)})
    @extend_schema(methods=["POST"], request={"multipart/form-data": CommitmentRecordSerializer},
                   responses={201: CommitmentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[],
            parser_classes=[MultiPartParser, FormParser])
    def commitments(self, request, pk=None):
        if request.method == "GET":
            rows = ShopCommitment.objects.filter(shop=self.get_object()).order_by("-signed_on", "-pk")
            return Response(CommitmentSerializer(rows, many=True).data)
        return self._record(request)

    @idempotent(prepare=lambda view, request: _commitment_input(request))
    def _record(self, request, *, prepared):
        shop = self.get_object()
        letter = services.shop_commitment_record(acting_user=request.user, shop=shop, **prepared)
        return _detail(CommitmentSerializer, letter, self, status.HTTP_201_CREATED)


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
    """Per street in scope: active shops, those with a signed frontage agreement on record, the ratio."""

    serializer_class = FrontageCoverageSerializer
    permission_classes = [MarketsReadPermission]
    queryset = Street.objects.none()  # for the schema; the real one is built per user

    def get_queryset(self):
        return frontage_coverage(streets_in_scope(self.request.user)).order_by("code")


@extend_schema(parameters=[OpenApiParameter("street", str, description="街道代码（3 位）")])
class FrontageCellCoverageView(generics.ListAPIView):
    """Per grid cell in scope: active shops, those with a signed frontage agreement on record, the ratio."""

    serializer_class = CellCoverageSerializer
    permission_classes = [MarketsReadPermission]
    queryset = GridCell.objects.none()  # for the schema; the real one is built per user

    def get_queryset(self):
        cells = GridCell.objects.visible_to(self.request.user).select_related("community__street")
        street = self.request.query_params.get("street")
        if street:
            cells = cells.filter(community__street__code=street[:3])
        return frontage_coverage_by_cell(cells).order_by("code")


@extend_schema_view(post=extend_schema(request=AdTargetSetSerializer, responses={200: AdRatioSerializer}))
class AdRatioView(generics.ListAPIView):
    """Per street in scope: standing ads, standing public-service ads, their ratio and the street's target. POST
    sets a street's target (bureau staff)."""

    serializer_class = AdRatioSerializer
    permission_classes = [AdTargetPermission]
    queryset = Street.objects.none()  # for the schema; the real one is built per user

    def get_queryset(self):
        return ad_ratios(streets_in_scope(self.request.user)).order_by("code")

    @idempotent
    def post(self, request, *args, **kwargs):
        data = AdTargetSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        street = _street_in_scope(request.user, data.validated_data["street"])
        services.ad_target_set(acting_user=request.user, street=street,
                               public_service_ratio=data.validated_data["public_service_ratio"])
        row = ad_ratios(Street.objects.filter(pk=street.pk)).get()
        return Response(AdRatioSerializer(row).data)
