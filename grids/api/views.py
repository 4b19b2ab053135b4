"""Places API. Thin viewsets: places are reference data every member of field staff reads in full
(`readable_by`, not the work scope `visible_to`); rules in services; lookups by code."""
import shapely
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.fields import Field, FloatField
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from bureau.api.throttling import FixedWindowThrottle

from .. import geometry, services
from ..authentication import KeptTokenAuthentication
from ..filtersets import (
    CommunityFilterSet,
    GridCellFilterSet,
    OfficerAssignmentFilterSet,
    RoadSegmentFilterSet,
    StreetFilterSet,
    StreetLeaderAssignmentFilterSet,
)
from ..models import Community, GridCell, OfficerAssignment, RoadSegment, Street, StreetLeaderAssignment
from ..permissions import OfficerAssignmentPermission, PlacesPermission
from . import serializers as s

GEOJSON_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="GeoJSON FeatureCollection (RFC 7946, WGS84). Each feature's `id` and `properties.code` are the "
    "15-digit cell code; properties also carry street/community codes and names, area_m2, land_use, "
    "management_level, responsible_body, valid_from, valid_to and the current officer.",
    examples=[OpenApiExample("cells", value={"type": "FeatureCollection", "features": [{
        "type": "Feature", "id": "360802001001001",
        "geometry": {"type": "Polygon", "coordinates": [[[114.98, 27.13], [114.981, 27.13], [114.981, 27.129],
                                                         [114.98, 27.129], [114.98, 27.13]]]},
        "properties": {"code": "360802001001001", "street_code": "001", "community_code": "001"}}]})],
)


class LocateThrottle(FixedWindowThrottle):
    """The configured rate for cell lookups (at least 6,000 a minute for a signed-in client), counted apart
    from the other endpoints; the fast path (api/fast.py) counts in the same bucket."""

    bucket = "grids.locate"


class JSONOnlyNegotiation(BaseContentNegotiation):
    """The API renders JSON only: skip parsing Accept headers on the hot path (errors stay JSON too)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


_RANGES = {"lat": (-90.0, 90.0), "lng": (-180.0, 180.0)}


def _coordinates(params):
    """(lat, lng) from the query string, or 400 with an error per bad field. By hand: this is the hot path,
    and a serializer costs more than the lookup."""
    values, errors = {}, {}
    # DRF's own messages, so they come in Chinese and English from DRF's catalogs.
    messages = FloatField.default_error_messages
    for name, (low, high) in _RANGES.items():
        raw = params.get(name)
        if raw is None or raw == "":
            errors[name] = [Field.default_error_messages["required"]]
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            errors[name] = [messages["invalid"]]
            continue
        if value != value:  # NaN
            errors[name] = [messages["invalid"]]
        elif value < low:
            errors[name] = [messages["min_value"].format(min_value=low)]
        elif value > high:
            errors[name] = [messages["max_value"].format(max_value=high)]
        else:
            values[name] = value
    if errors:
        raise ValidationError(errors)
    return values["lat"], values["lng"]


def _cells_geojson(queryset):
    cells = queryset.with_current_officer().order_by("code")
    return Response(services.cells_feature_collection(cells, with_officers=True),
                    content_type="application/geo+json")


@extend_schema_view(
    list=extend_schema(summary="Streets and towns (3-digit codes)"),
    retrieve=extend_schema(summary="One street by code"),
    create=extend_schema(request=s.StreetWriteSerializer, responses={201: s.StreetSerializer}),
    partial_update=extend_schema(request=s.StreetWriteSerializer, responses={200: s.StreetSerializer}),
)
class StreetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.StreetSerializer
    filterset_class = StreetFilterSet
    permission_classes = [PlacesPermission]
    lookup_field = "code"
    lookup_value_regex = r"\d{3}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Street.objects.readable_by(self.request.user).order_by("code")

    def create(self, request, *args, **kwargs):
        data = s.StreetWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        street = services.street_create(acting_user=request.user, **data.validated_data)
        return Response(s.StreetSerializer(street).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        street = self.get_object()
        data = s.StreetWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k != "code"}
        street = services.street_update(acting_user=request.user, street=street, **changes)
        return Response(s.StreetSerializer(street).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(summary="A street's cells as GeoJSON", responses={200: GEOJSON_RESPONSE}, filters=False)
    @action(detail=True, methods=["get"], url_path="cells.geojson", pagination_class=None, filterset_class=None)
    def cells_geojson(self, request, code=None):
        street = self.get_object()
        return _cells_geojson(GridCell.objects.readable_by(request.user).filter(street=street))

    @extend_schema(summary="Street boundaries as GeoJSON (union of their cells where none is stored)",
                   responses={200: GEOJSON_RESPONSE})
    @action(detail=False, methods=["get"], url_path="geojson", pagination_class=None)
    def boundaries_geojson(self, request):
        streets = self.filter_queryset(self.get_queryset())
        features = []
        missing = [st.pk for st in streets if not st.boundary]
        unions = {}
        if missing:
            by_street: dict[int, list] = {}
            for street_id, raw in GridCell.objects.filter(street_id__in=missing).values_list("street_id", "geometry"):
                geom = geometry.polygon_from_geojson(raw)[0]
                if geom is not None:
                    by_street.setdefault(street_id, []).append(geom)
            unions = {k: shapely.geometry.mapping(shapely.union_all(v)) for k, v in by_street.items()}
        for street in streets:
            geom = street.boundary or unions.get(street.pk)
            if geom is None:
                continue
            features.append({"type": "Feature", "id": street.code, "geometry": geom,
                             "properties": {"code": street.code, "name": street.name, "kind": street.kind}})
        return Response({"type": "FeatureCollection", "features": features}, content_type="application/geo+json")


class CommunityViewSet(viewsets.ReadOnlyModelViewSet):
    """Communities; one is named by its 6-digit street + community code (`full_code`)."""

    serializer_class = s.CommunitySerializer
    filterset_class = CommunityFilterSet
    permission_classes = [PlacesPermission]
    lookup_field = "full_code"
    lookup_value_regex = r"\d{6}"

    def get_queryset(self):
        return Community.objects.readable_by(self.request.user).select_related("street").order_by("street__code", "code")

    def get_object(self):
        obj = self.get_queryset().by_full_code(self.kwargs["full_code"]).first()
        if obj is None:
            raise Http404
        self.check_object_permissions(self.request, obj)
        return obj

    @extend_schema(summary="A community's cells as GeoJSON", responses={200: GEOJSON_RESPONSE}, filters=False)
    @action(detail=True, methods=["get"], url_path="cells.geojson", pagination_class=None, filterset_class=None)
    def cells_geojson(self, request, full_code=None):
        community = self.get_object()
        return _cells_geojson(GridCell.objects.readable_by(request.user).filter(community=community))


class GridCellViewSet(viewsets.ReadOnlyModelViewSet):
    """Unit grid cells by 15-digit code. Cells are written by the import (command or admin upload)."""

    filterset_class = GridCellFilterSet
    permission_classes = [PlacesPermission]
    lookup_field = "code"
    lookup_value_regex = r"\d{15}"

    def get_queryset(self):
        return GridCell.objects.readable_by(self.request.user).with_current_officer().order_by("code")

    def get_serializer_class(self):
        return s.GridCellDetailSerializer if self.action == "retrieve" else s.GridCellSerializer

    @extend_schema(
        summary="The cell containing a WGS84 point",
        parameters=[OpenApiParameter("lat", float, required=True, description="latitude, -90..90 (WGS84)"),
                    OpenApiParameter("lng", float, required=True, description="longitude, -180..180 (WGS84)")],
        responses={200: s.LocatedCellSerializer, 400: OpenApiResponse(description="invalid coordinates"),
                   404: OpenApiResponse(description="outside the district")},
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="locate", pagination_class=None, filterset_class=None,
            throttle_classes=[LocateThrottle],
            authentication_classes=[KeptTokenAuthentication, SessionAuthentication],
            content_negotiation_class=JSONOnlyNegotiation)
    def locate(self, request):
        lat, lng = _coordinates(request.query_params)
        cell = geometry.locate(lat, lng)
        if cell is None:
            raise NotFound(_("该点不在本区任何单元网格内。"))
        return Response(s.LocatedCellSerializer(cell).data)

    @extend_schema(summary="Cells as one GeoJSON FeatureCollection (the list's filters apply; no paging)",
                   responses={200: GEOJSON_RESPONSE})
    @action(detail=False, methods=["get"], url_path="geojson", pagination_class=None)
    def geojson(self, request):
        queryset = self.filter_queryset(GridCell.objects.readable_by(request.user))
        return _cells_geojson(queryset)


@extend_schema_view(
    create=extend_schema(request=s.RoadSegmentWriteSerializer, responses={201: s.RoadSegmentSerializer}),
    partial_update=extend_schema(request=s.RoadSegmentWriteSerializer, responses={200: s.RoadSegmentSerializer}),
)
class RoadSegmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Road segments under street chiefs (街长制); named by code such as 001-01."""

    serializer_class = s.RoadSegmentSerializer
    filterset_class = RoadSegmentFilterSet
    permission_classes = [PlacesPermission]
    lookup_field = "code"
    lookup_value_regex = r"[0-9A-Za-z-]{1,16}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return RoadSegment.objects.readable_by(self.request.user).with_current_chief().order_by("street__code", "code")

    def _out(self, segment, code=status.HTTP_200_OK):
        return Response(s.RoadSegmentSerializer(self.get_queryset().get(pk=segment.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = s.RoadSegmentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        segment = services.road_segment_create(acting_user=request.user, **data.validated_data)
        return self._out(segment, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        segment = self.get_object()
        data = s.RoadSegmentWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k != "code"}
        segment = services.road_segment_update(acting_user=request.user, segment=segment, **changes)
        return self._out(segment)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(summary="Make a user the segment's street chief (bureau staff)", request=s.ChiefAssignSerializer,
                   responses={200: s.RoadSegmentSerializer})
    @action(detail=True, methods=["post"], url_path="chief")
    def chief(self, request, code=None):
        segment = self.get_object()
        data = s.ChiefAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.street_chief_assign(acting_user=request.user, segment=segment, chief=data.validated_data["chief"])
        return self._out(segment)


@extend_schema_view(
    create=extend_schema(
        summary="Assign a cell's grid officer (bureau staff, or the leader of the cell's street)",
        request=s.OfficerAssignSerializer, responses={201: s.OfficerAssignmentSerializer},
    ),
)
class OfficerAssignmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Grid officer assignments with their history (ended rows stay)."""

    serializer_class = s.OfficerAssignmentSerializer
    filterset_class = OfficerAssignmentFilterSet
    permission_classes = [OfficerAssignmentPermission]

    def get_queryset(self):
        return (OfficerAssignment.objects.readable_by(self.request.user)
                .select_related("cell", "officer", "assigned_by").order_by("cell__code", "-start", "-id"))

    def create(self, request, *args, **kwargs):
        data = s.OfficerAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = services.officer_assign(acting_user=request.user, cell=data.validated_data["cell"],
                                             officer=data.validated_data["officer"])
        assignment = self.get_queryset().get(pk=assignment.pk)
        return Response(s.OfficerAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    create=extend_schema(summary="Make a user a street's brigade leader (bureau staff)",
                         request=s.StreetLeaderAssignSerializer, responses={201: s.StreetLeaderAssignmentSerializer}),
)
class StreetLeaderAssignmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.StreetLeaderAssignmentSerializer
    filterset_class = StreetLeaderAssignmentFilterSet
    permission_classes = [PlacesPermission]

    def get_queryset(self):
        return (StreetLeaderAssignment.objects.readable_by(self.request.user)
                .select_related("street", "user").order_by("street__code", "-start", "-id"))

    def create(self, request, *args, **kwargs):
        data = s.StreetLeaderAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = services.street_leader_assign(acting_user=request.user, **data.validated_data)
        assignment = self.get_queryset().get(pk=assignment.pk)
        return Response(s.StreetLeaderAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


