"""Thin viewsets over cases and categories; every write goes through enforcement.services."""
from django.db.models import Count, Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bureau import clock
from bureau.api.exceptions import conflict_response
from bureau.api.idempotency import idempotent
from bureau.api.throttling import FixedWindowThrottle

from .. import services
from ..choices import OPEN_STATUSES, CaseAction, CaseStatus, OrderStatus, PenaltyAction, PenaltyStatus
from ..filtersets import CaseFilterSet
from ..models import (
    Case,
    CaseEvent,
    CasePhoto,
    Category,
    DiscretionStandard,
    Party,
    PenaltyDecision,
    PenaltyStep,
    RectificationOrder,
)
from ..pagination import CasePagination
from ..permissions import (
    CasePermission,
    CategoryPermission,
    EnforcementDocumentPermission,
    NearbyPermission,
    PartyPermission,
    RepeatOffenderPermission,
    can_register_parties,
    may_report,
    role_may_enforce,
    role_may_take,
)
from ..photos import CheckedPhoto, photos_check
from ..services import orders as order_services
from ..services import parties as party_services
from ..services import penalties as penalty_services
from ..workflow import TRANSITIONS
from .serializers import (
    LIST_FIELDS,
    CaseCreatedSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CasePartySerializer,
    CaseSerializer,
    CategorySerializer,
    DiscretionStandardSerializer,
    NearbyCaseSerializer,
    NearbyListSerializer,
    NearbyQuerySerializer,
    OrderCreateSerializer,
    OrderEscalateSerializer,
    OrderFollowUpSerializer,
    OrderSerializer,
    PartyCreateSerializer,
    PartySerializer,
    PenaltyCreateSerializer,
    PenaltySerializer,
    PenaltyStepSerializer,
    RepeatQuerySerializer,
    RepeatReportSerializer,
    TransitionSerializer,
    _dt,
    case_row,
)

# The nearest this many are listed: within 50 m and 7 days there are rarely more than a few.
NEARBY_LIMIT = 50


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


class CasesThrottle(FixedWindowThrottle):
    """The configured rates for the case endpoints, counted in fixed windows (one increment a request, which
    the fast lane's round trip to the cache includes: enforcement/api/fast.py)."""

    bucket = "cases"


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases in the caller's scope (404 outside it). No PATCH: status changes only through transitions."""

    serializer_class = CaseSerializer
    permission_classes = [CasePermission]
    filterset_class = CaseFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = CasePagination
    throttle_classes = [CasesThrottle]

    def get_queryset(self):
        qs = Case.objects.visible_to(self.request.user).for_list()
        if self.action != "list":
            qs = qs.select_related("party")
        if self.action == "retrieve":
            qs = self._with_history(qs)
        return qs

    def _with_history(self, qs):
        """The case page's reads: the case (with whether the viewer leads its street, for its actions), its
        events with their actors, their photos: three queries however long the history."""
        return qs.with_viewer_leads_street(self.request.user).with_repeat_flag().prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor").prefetch_related("photos"))
        )

    @extend_schema(responses={200: CaseSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        rows = self.filter_queryset(self.get_queryset())
        self.paginator.counted = rows  # counted without the joins `.values()` of the related columns adds
        page = self.paginate_queryset(rows.with_repeat_flag().values(*LIST_FIELDS, "repeat_offender"))
        return self.get_paginated_response([case_row(r) for r in page])

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CaseDetailSerializer
        return CaseSerializer

    def _detail(self, case, *, acted=False):
        # `acted`: the caller has just taken an action on the case that may have taken it out of their scope
        # (a department's refusal): they are answered with the case as it now stands.
        rows = Case.objects.all() if acted else Case.objects.visible_to(self.request.user)
        case = self._with_history(rows.for_list().select_related("party")).get(pk=case.pk)
        return CaseDetailSerializer(case, context=self.get_serializer_context()).data

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseCreatedSerializer})
    # Phones resend queued reports (Idempotency-Key, see bureau/api/idempotency.py); the photos are decoded
    # before its transaction begins.
    @idempotent(prepare=lambda view, request: request_photos(request, allowed=may_report(request.user)))
    def create(self, request, *args, prepared, **kwargs):
        if not may_report(request.user):
            raise PermissionDenied()
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_report(acting_user=request.user, **{**data.validated_data, "photos": prepared})
        from ..offenders import earlier_nearby

        # offered, never blocking: the standing cases this one may repeat, as the caller may see them
        nearby = earlier_nearby(case, user=request.user, limit=NEARBY_LIMIT)
        return Response({**self._detail(case), "nearby": [NearbyCaseSerializer().to_representation(n) for n in nearby]},
                        status=status.HTTP_201_CREATED)

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
        return Response(self._detail(case, acted=True))

    @extend_schema(request=CasePartySerializer, responses={200: CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def party(self, request, pk=None):
        """Name the case's party: `{"party": id}` or `{"new": {name, kind, id_number, phone, ...}}` (found
        again by its ID number when already known)."""
        from ..permissions import may_name_party

        if not role_may_enforce(request.user):
            raise PermissionDenied(_("您的角色不能指定当事人"))
        data = CasePartySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = self.get_object()
        if not may_name_party(request.user, case):
            raise PermissionDenied(_("您不能指定该案件的当事人"))
        if "new" in data.validated_data:
            party = party_services.party_register(acting_user=request.user, **data.validated_data["new"])
        else:
            party = data.validated_data.get("party")
            if party is not None:
                party = get_object_or_404(Party.objects.all(), pk=party)
        try:
            case = party_services.case_set_party(acting_user=request.user, case=case, party=party)
        except party_services.PartyForbidden as exc:
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

    @extend_schema(parameters=[NearbyQuerySerializer], responses={200: NearbyListSerializer})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None,
            permission_classes=[NearbyPermission])
    def nearby(self, request):
        """Standing cases of a category near a point, reported in the last days, in the caller's scope, nearest
        first: what a reporter is offered before filing a duplicate (enforcement/offenders.py)."""
        from django.conf import settings

        from ..offenders import nearby_cases

        query = NearbyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = nearby_cases(user=request.user, category=params["category"], lat=params["lat"], lng=params["lng"],
                             exclude=params.get("exclude"), limit=NEARBY_LIMIT)
        return Response({"count": len(found), "distance_m": settings.DUPLICATE_DISTANCE_M,
                         "days": settings.DUPLICATE_WINDOW_DAYS,
                         "results": [NearbyCaseSerializer().to_representation(n) for n in found]})

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


# ---------------------------------------------------------------------------------------------- parties,
# rectification orders, penalty decisions: thin viewsets over enforcement.services.{parties,orders,penalties}.
# Who may write is decided from the role first (403), then scope (404 through visible_to), then state (409).


def _refuse_unless(allowed: bool):
    if not allowed:
        raise PermissionDenied(_("您的角色不能执行此操作"))


class PartyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The register of parties in the caller's scope (numbers masked). POST finds or adds a party."""

    serializer_class = PartySerializer
    permission_classes = [PartyPermission]

    def get_queryset(self):
        qs = Party.objects.visible_to(self.request.user)
        return qs.search(self.request.query_params.get("q")) if self.action == "list" else qs

    @extend_schema(request=PartyCreateSerializer, responses={201: PartySerializer})
    def create(self, request, *args, **kwargs):
        _refuse_unless(can_register_parties(request.user))
        data = PartyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        party = party_services.party_register(acting_user=request.user, **data.validated_data)
        return Response(PartySerializer(party).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """The party's cases, orders and decisions across streets, as far as the caller's scope reaches."""
        party = self.get_object()
        cases = Case.objects.visible_to(request.user).filter(party=party).for_list().order_by("-reported_at")
        orders = RectificationOrder.objects.visible_to(request.user).filter(party=party).for_list()
        penalties = PenaltyDecision.objects.visible_to(request.user).filter(party=party).for_list()
        return Response({
            "party": PartySerializer(party).data,
            "cases": [{"id": c.pk, "number": c.number, "status": c.status, "reported_at": _dt(c.reported_at),
                       "category": {"code": c.category.code, "name": c.category.name},
                       "street": {"code": c.street.code, "name": c.street.name}} for c in cases[:200]],
            "orders": [OrderSerializer(o).data for o in orders[:200]],
            "penalties": [PenaltySerializer(d).data for d in penalties[:200]],
        })


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rectification orders in the caller's scope. `?status=`, `?street=`, `?overdue=true`."""

    serializer_class = OrderSerializer
    permission_classes = [EnforcementDocumentPermission]
    pagination_class = CasePagination

    def get_queryset(self):
        qs = RectificationOrder.objects.visible_to(self.request.user).for_list().select_related(
            "followed_up_by", "escalated_by")
        params = self.request.query_params
        if self.action == "list":
            if params.get("status"):
                if params["status"] not in OrderStatus.values:
                    raise ValidationError({"status": [_("未知的状态：%(value)s") % {"value": params["status"]}]})
                qs = qs.filter(status=params["status"])
            if params.get("street"):
                qs = qs.filter(case__street__code=params["street"])
            if params.get("overdue") == "true":
                qs = qs.overdue(clock.now())
        return qs

    def _write(self, fn, **kwargs):
        _refuse_unless(role_may_enforce(self.request.user))
        try:
            order = fn(acting_user=self.request.user, **kwargs)
        except order_services.OrderStateConflict as exc:
            return conflict_response(exc.message, current_status=exc.current_status)
        except order_services.OrderForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(OrderSerializer(self.get_queryset().get(pk=order.pk)).data,
                        status=status.HTTP_201_CREATED if fn is order_services.order_issue else 200)

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    def create(self, request, *args, **kwargs):
        _refuse_unless(role_may_enforce(request.user))
        data = OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        params["case"] = get_object_or_404(Case.objects.visible_to(request.user), pk=params["case"])
        return self._write(order_services.order_issue, **params)

    @extend_schema(request=OrderFollowUpSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        _refuse_unless(role_may_enforce(request.user))
        data = OrderFollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._write(order_services.order_follow_up, order=self.get_object(), **data.validated_data)

    @extend_schema(request=OrderEscalateSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        _refuse_unless(role_may_enforce(request.user))
        data = OrderEscalateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._write(order_services.order_escalate, order=self.get_object(), **data.validated_data)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        from django.http import HttpResponse

        from ..documents import order_pdf

        order = self.get_object()
        response = HttpResponse(order_pdf(order), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="order-{order.pk}.pdf"'
        return response


class PenaltyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Penalty decisions in the caller's scope. `?status=`, `?street=`, `?awaiting=me`."""

    serializer_class = PenaltySerializer
    permission_classes = [EnforcementDocumentPermission]
    pagination_class = CasePagination

    def get_queryset(self):
        qs = PenaltyDecision.objects.visible_to(self.request.user).for_list()
        params = self.request.query_params
        if self.action == "list":
            if params.get("status"):
                if params["status"] not in PenaltyStatus.values:
                    raise ValidationError({"status": [_("未知的状态：%(value)s") % {"value": params["status"]}]})
                qs = qs.filter(status=params["status"])
            if params.get("street"):
                qs = qs.filter(case__street__code=params["street"])
            if params.get("awaiting") == "me":
                qs = qs.awaiting(self.request.user)
        else:
            qs = qs.prefetch_related(Prefetch("steps", queryset=PenaltyStep.objects.select_related("actor")))
        return qs

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    @extend_schema(request=PenaltyCreateSerializer, responses={201: PenaltySerializer})
    def create(self, request, *args, **kwargs):
        _refuse_unless(role_may_enforce(request.user))
        data = PenaltyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        params["case"] = get_object_or_404(Case.objects.visible_to(request.user), pk=params["case"])
        try:
            decision = penalty_services.penalty_draft(acting_user=request.user, **params)
        except penalty_services.PenaltyStateConflict as exc:
            return conflict_response(exc.message, current_status=exc.current_status)
        except penalty_services.PenaltyForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(self._detail(decision), status=status.HTTP_201_CREATED)

    def _detail(self, decision):
        self.action = "retrieve"
        return PenaltySerializer(self.get_queryset().get(pk=decision.pk), context=self.get_serializer_context()).data

    @extend_schema(request=PenaltyStepSerializer, responses={200: PenaltySerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        raw = request.data.get("action") if hasattr(request.data, "get") else None
        if isinstance(raw, str) and raw in penalty_services.STEPS and not penalty_services.role_may_step(
                request.user, raw):
            raise PermissionDenied(_("您的角色不能执行「%(action)s」") % {"action": PenaltyAction(raw).label})
        data = PenaltyStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        decision = self.get_object()
        try:
            decision = penalty_services.penalty_step(acting_user=request.user, decision=decision, **params)
        except penalty_services.PenaltyStateConflict as exc:
            return conflict_response(exc.message, current_status=exc.current_status)
        except penalty_services.PenaltyForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(self._detail(decision))


class DiscretionStandardViewSet(viewsets.ReadOnlyModelViewSet):
    """The discretion standard's versions (reference data for field staff; bureau staff edit it in the admin).
    `current/range/?category=&level=` gives the range new decisions must keep to."""

    serializer_class = DiscretionStandardSerializer
    permission_classes = [EnforcementDocumentPermission]
    queryset = DiscretionStandard.objects.all()

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"], url_path="current/range")
    def current_range(self, request):
        params = request.query_params
        rule = penalty_services.discretion_range(category=params.get("category", ""), level=params.get("level", ""))
        standard = rule["standard"]
        return Response({"standard": {"code": standard.code, "version": standard.version},
                         "category": params.get("category"), "level": params.get("level"),
                         "min": str(rule["fine_min"]), "max": str(rule["fine_max"]),
                         "measures": rule.get("measures", ""),
                         "first_offence": standard.first_offence_entry(params.get("category", "")) is not None})


class RepeatOffenderView(APIView):
    """The district view of repeat offenders: parties and spots met in two or more streets within the window
    (`?days=`, `?distance_m=` override the settings; `?months=` the monthly counts shown). Bureau staff only."""

    permission_classes = [RepeatOffenderPermission]

    @extend_schema(parameters=[RepeatQuerySerializer], responses={200: RepeatReportSerializer})
    def get(self, request):
        from ..offenders import repeat_offenders

        query = RepeatQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        report = repeat_offenders(days=params.get("days"), metres=params.get("distance_m"), months=params["months"])
        return Response(RepeatReportSerializer().to_representation(report))
