"""Thin viewsets over cases and categories; every write goes through enforcement.services."""
from django.db.models import Count, Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from bureau.api.exceptions import conflict_response
from bureau.api.idempotency import idempotent

from .. import services
from ..choices import OPEN_STATUSES, CaseAction, CaseStatus
from ..filtersets import CaseFilterSet
from ..models import Case, CaseEvent, CasePhoto, Category
from ..pagination import CasePagination
from ..permissions import CasePermission, CategoryPermission, may_report, role_may_take
from ..photos import CheckedPhoto, photos_check
from ..workflow import TRANSITIONS
from .serializers import (
    LIST_FIELDS,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    CategorySerializer,
    TransitionSerializer,
    case_row,
)


def request_photos(request, *, allowed=True) -> list[CheckedPhoto]:
    """The request's uploads in `photos`, checked (count, type, pixels, decoded); 400 for a bad one.

    Nothing is decoded for a caller who may not write (`allowed=False`): the view answers 403 anyway."""
    if not allowed:
        return []
    files = request.FILES.getlist("photos") if hasattr(request.FILES, "getlist") else []
    return photos_check(files)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.active().select_related("department")
    serializer_class = CategorySerializer
    permission_classes = [CasePermission, CategoryPermission]
    lookup_field = "code"


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases in the caller's scope (404 outside it). No PATCH: status changes only through transitions."""

    serializer_class = CaseSerializer
    permission_classes = [CasePermission]
    filterset_class = CaseFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = CasePagination

    def get_queryset(self):
        qs = Case.objects.visible_to(self.request.user).for_list()
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("events", queryset=CaseEvent.objects.select_related("actor").prefetch_related("photos"))
            )
        return qs

    @extend_schema(responses={200: CaseSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).values(*LIST_FIELDS)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response([case_row(r) for r in page])

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CaseDetailSerializer
        return CaseSerializer

    def _detail(self, case):
        case = self.get_queryset().prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor").prefetch_related("photos"))
        ).get(pk=case.pk)
        return CaseDetailSerializer(case, context=self.get_serializer_context()).data

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    # Phones resend queued reports (Idempotency-Key, see bureau/api/idempotency.py); the photos are decoded
    # before its transaction begins.
    @idempotent(prepare=lambda view, request: request_photos(request, allowed=may_report(request.user)))
    def create(self, request, *args, prepared, **kwargs):
        if not may_report(request.user):
            raise PermissionDenied()
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_report(acting_user=request.user, **{**data.validated_data, "photos": prepared})
        return Response(self._detail(case), status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionSerializer, responses={200: CaseDetailSerializer})
    @action(detail=True, methods=["post"], url_path="transitions")
    def transitions(self, request, pk=None):
        # Permission before anything else: a role that may never take the action gets 403 even
        # when the rest of the body is invalid.
        raw = request.data.get("action") if hasattr(request.data, "get") else None
        if isinstance(raw, str) and raw in TRANSITIONS and not role_may_take(request.user, raw):
            raise PermissionDenied(_("您的角色不能执行「%(action)s」") % {"action": CaseAction(raw).label})
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        act = params.pop("action")
        # Permission before scope and state: a role that may never take the action gets 403 whatever the case.
        if not role_may_take(request.user, act):
            raise PermissionDenied(_("您的角色不能执行「%(action)s」") % {"action": CaseAction(act).label})
        params["photos"] = request_photos(request)  # decoded before the case is locked
        case = self.get_object()
        note = params.pop("note", "")
        try:
            case = services.case_transition(acting_user=request.user, case=case, action=act, note=note, **params)
        except services.CaseStateConflict as exc:
            return conflict_response(exc.message, current_status=exc.current_status)
        except services.CaseActionForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(self._detail(case))

    @extend_schema(responses={(200, "image/jpeg"): bytes})
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>\d+)")
    def photo(self, request, pk=None, photo_id=None):
        """An evidence photo of this case: the copy with EXIF/GPS stripped (originals only on staff pages)."""
        case = self.get_object()
        obj = get_object_or_404(CasePhoto, pk=photo_id, case=case)
        field = obj.display_file or obj.file
        return FileResponse(field.open("rb"), content_type=obj.content_type)

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"], url_path="counts-by-cell", filter_backends=[])
    def counts_by_cell(self, request):
        """`{"<cell code>": n}` for the map; `?status=open` (default) or one status."""
        wanted = request.query_params.get("status", "open")
        qs = Case.objects.visible_to(request.user)
        if wanted == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif wanted in CaseStatus.values:
            qs = qs.filter(status=wanted)
        elif wanted != "all":
            return Response({"status": [_("未知的状态：%(value)s") % {"value": wanted}]},
                            status=status.HTTP_400_BAD_REQUEST)
        rows = qs.values("grid__code").annotate(n=Count("id")).order_by()
        return Response({r["grid__code"]: r["n"] for r in rows})
