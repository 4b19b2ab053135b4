"""REST for construction sites, their dust-control inspections (filed from phones with Idempotency-Key), the
monthly census and muck-transport approvals. Scope is each model's `visible_to`: out of scope is 404."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bureau import clock
from bureau.api.idempotency import idempotent
from grids import maplayers
from grids.models import Street

from ...choices import SiteInspectionResult
from ...filtersets import ConstructionSiteFilterSet, MuckApprovalFilterSet, SiteInspectionFilterSet
from ...models import ConstructionSite, DustCheckItem, MuckTransportApproval, SiteInspection
from ...permissions import MuckApprovalPermission, SitePermission
from ...services import sites as services
from ..serializers.sites import (
    ConstructionSiteInputSerializer,
    ConstructionSiteSerializer,
    DustCheckItemSerializer,
    MuckApprovalInputSerializer,
    MuckApprovalSerializer,
    SiteCensusSerializer,
    SiteInspectionInputSerializer,
    SiteInspectionSerializer,
)


def _service_call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except services.SiteForbidden as exc:
        raise PermissionDenied(str(exc)) from exc


class ConstructionSiteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                              mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The site file: register (bureau anywhere, a leader in their street), list, read, correct."""

    serializer_class = ConstructionSiteSerializer
    filterset_class = ConstructionSiteFilterSet
    permission_classes = [SitePermission]
    queryset = ConstructionSite.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return ConstructionSite.objects.visible_to(self.request.user).select_related("street", "grid")

    @maplayers.geojson_action(
        "The sites under construction today (or on `active_on`): the site's red-line Polygon where recorded, else "
        "its Point. Properties: id, name, kind_label (contractor), street {code, name}, open_follow_ups (failed "
        "items awaiting their follow-up), agreement_signed, url (the site's page).",
        parameters=[OpenApiParameter("street", str), OpenApiParameter("active_on", str),
                    OpenApiParameter("agreement_signed", bool)])
    def geojson(self, request):
        """The sites layer of the district map (grids/maplayers.py), scoped as the rest of the site file."""
        from django.db.models import Count, Q
        from django.urls import reverse

        sites = self.filter_queryset(self.get_queryset())
        if not request.query_params.get("active_on"):
            today = timezone.localtime(clock.now()).date()
            sites = sites.active_between(today, today)
        failed_open = Q(inspections__results__result=SiteInspectionResult.FAILED,
                        inspections__results__resolved_by__isnull=True)
        sites = sites.annotate(open_follow_ups=Count("inspections__results", filter=failed_open))
        return maplayers.geojson_response(
            sites, lambda s: s.boundary or maplayers.point(s.lat, s.lng), lambda s: {
                "name": s.name, "kind_label": s.contractor, "street": maplayers.street_ref(s.street),
                "open_follow_ups": s.open_follow_ups, "agreement_signed": s.agreement_signed,
                "url": reverse("inspections:site-detail", kwargs={"pk": s.pk})})

    @extend_schema(request=ConstructionSiteInputSerializer, responses={201: ConstructionSiteSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ConstructionSiteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        site = _service_call(services.site_register, acting_user=request.user, **serializer.validated_data)
        return Response(ConstructionSiteSerializer(self.get_queryset().get(pk=site.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ConstructionSiteInputSerializer, responses={200: ConstructionSiteSerializer})
    def partial_update(self, request, *args, **kwargs):
        site = self.get_object()
        serializer = ConstructionSiteInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k in request.data}
        _service_call(services.site_update, acting_user=request.user, site=site, **changes)
        return Response(ConstructionSiteSerializer(self.get_queryset().get(pk=site.pk)).data)


class DustCheckItemViewSet(viewsets.ReadOnlyModelViewSet):
    """The dust-control checklist as staff keep it: the active items, in order."""

    serializer_class = DustCheckItemSerializer
    permission_classes = [SitePermission]
    lookup_field = "code"
    queryset = DustCheckItem.objects.none()

    def get_queryset(self):
        return DustCheckItem.objects.visible_to(self.request.user).active().select_related("category")


class SiteInspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Site inspections: file one (from a phone, with Idempotency-Key: sent twice, filed once), list, read."""

    serializer_class = SiteInspectionSerializer
    filterset_class = SiteInspectionFilterSet
    permission_classes = [SitePermission]
    queryset = SiteInspection.objects.none()

    def get_queryset(self):
        return SiteInspection.objects.visible_to(self.request.user).for_list()

    @extend_schema(request=SiteInspectionInputSerializer, responses={201: SiteInspectionSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = SiteInspectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        site = ConstructionSite.objects.visible_to(request.user).filter(pk=data.pop("site")).first()
        if site is None:
            raise ValidationError({"site": [_("未知的工地，或不在您负责的街道")]})
        inspection = _service_call(services.site_inspection_record, acting_user=request.user, site=site,
                                   results=[dict(r) for r in data.pop("results")], **data)
        return Response(SiteInspectionSerializer(self.get_queryset().get(pk=inspection.pk)).data,
                        status=status.HTTP_201_CREATED)


class SiteCensusView(APIView):
    """`?month=YYYY-MM&street=<code>`: every site under construction that month, inspected or not."""

    permission_classes = [SitePermission]

    @extend_schema(parameters=[OpenApiParameter("month", str), OpenApiParameter("street", str)],
                   responses={200: SiteCensusSerializer})
    def get(self, request):
        month, street, first, last = census_params(request.user, request.query_params)
        sites = ConstructionSite.objects.visible_to(request.user)
        if street is not None:
            sites = sites.in_street(street)
        census = services.site_census(sites, first, last)
        return Response(SiteCensusSerializer({**census, "month": month, "street": street}).data)


def census_params(user, params):
    """The month (default this one) and an optional street, scoped (another leader's street is 404)."""
    month = (params.get("month") or "").strip() or timezone.localtime(clock.now()).strftime("%Y-%m")
    try:
        first, last = services.month_bounds(month)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    code = (params.get("street") or "").strip()
    street = None
    if code:
        if "\x00" in code:
            raise Http404
        street = get_object_or_404(Street.objects.visible_to(user), code=code)
    return month, street, first, last


class MuckApprovalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Muck-transport approvals: the bureau issues them; the patrols of every street on the route read them."""

    serializer_class = MuckApprovalSerializer
    filterset_class = MuckApprovalFilterSet
    permission_classes = [MuckApprovalPermission]
    queryset = MuckTransportApproval.objects.none()

    def get_queryset(self):
        return (MuckTransportApproval.objects.visible_to(self.request.user).select_related("site")
                .prefetch_related("streets"))

    @extend_schema(request=MuckApprovalInputSerializer, responses={201: MuckApprovalSerializer})
    def create(self, request, *args, **kwargs):
        serializer = MuckApprovalInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        site_id = data.pop("site")
        site = None
        if site_id is not None:
            site = ConstructionSite.objects.visible_to(request.user).filter(pk=site_id).first()
            if site is None:
                raise ValidationError({"site": [_("未知的工地")]})
        approval = _service_call(services.muck_approval_issue, acting_user=request.user, site=site, **data)
        return Response(MuckApprovalSerializer(self.get_queryset().get(pk=approval.pk)).data,
                        status=status.HTTP_201_CREATED)
