"""REST for squads, key points and duty rotas: generate a month's rota, read it against the patrol reports."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from grids.models import Street

from ...models import KeyPoint, Rota, RotaDuty, Squad
from ...permissions import RotaPermission
from ...services import rotas as services
from ..serializers.rotas import (
    BrigadeTimeSerializer,
    KeyPointSerializer,
    RotaInputSerializer,
    RotaSerializer,
    SquadSerializer,
    TakenOffDutySerializer,
    TakeOffInputSerializer,
    plan_vs_done_payload,
)
from .sites import census_params


class SquadViewSet(viewsets.ReadOnlyModelViewSet):
    """The squads a report or a rota may name: a leader's street's, all for bureau staff."""

    serializer_class = SquadSerializer
    permission_classes = [RotaPermission]
    queryset = Squad.objects.none()

    def get_queryset(self):
        return Squad.objects.visible_to(self.request.user).active().select_related("street").prefetch_related("members")


class KeyPointViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = KeyPointSerializer
    permission_classes = [RotaPermission]
    queryset = KeyPoint.objects.none()

    def get_queryset(self):
        return KeyPoint.objects.visible_to(self.request.user).filter(is_active=True).select_related("street", "grid")


class RotaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RotaSerializer
    permission_classes = [RotaPermission]
    queryset = Rota.objects.none()

    def get_queryset(self):
        return Rota.objects.visible_to(self.request.user).select_related("street")

    @extend_schema(request=RotaInputSerializer, responses={201: RotaSerializer})
    def create(self, request, *args, **kwargs):
        """Generate a month's rota on the work calendar."""
        serializer = RotaInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        streets = Street.objects.visible_to(user)
        street = None
        if data["street"]:
            street = streets.filter(code=data["street"]).first()
            if street is None:
                raise ValidationError({"street": [_("未知的街道，或不在您负责的范围")]})
        towns = list(Street.objects.filter(code__in=data["towns"]))
        towns.sort(key=lambda s: data["towns"].index(s.code))
        if len(towns) != len(set(data["towns"])):
            raise ValidationError({"towns": [_("未知的街道代码")]})
        squads = {s.pk: s for s in Squad.objects.filter(pk__in=data["squads"] + [data["key_point_squad"] or 0])}
        if any(pk not in squads for pk in data["squads"]):
            raise ValidationError({"squads": [_("未知的中队，或不属于您所在的街道")]})
        key_points = list(KeyPoint.objects.visible_to(user).filter(pk__in=data["key_points"]))
        if len(key_points) != len(set(data["key_points"])):
            raise ValidationError({"key_points": [_("未知的重点点位")]})
        try:
            rota = services.rota_generate(
                acting_user=user, name=data["name"], month=data["month"], street=street,
                squads=[squads[pk] for pk in data["squads"]], towns=towns, shift=data["shift"], key_points=key_points,
                key_point_squad=squads.get(data["key_point_squad"]) if data["key_point_squad"] else None)
        except services.RotaForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(RotaSerializer(rota).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"], url_path="plan-vs-done")
    def plan_vs_done(self, request, pk=None):
        """Day by day: planned duties, done or not, and the gaps named."""
        rota = self.get_object()
        return Response(plan_vs_done_payload(rota, services.rota_plan_vs_done(rota)))

    @extend_schema(request=TakeOffInputSerializer, responses={200: TakenOffDutySerializer})
    @action(detail=True, methods=["post"], url_path="take-off")
    def take_off(self, request, pk=None):
        """Take a squad off one of the rota's duties for other street work, with the reason."""
        rota = self.get_object()
        serializer = TakeOffInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        duty = rota.duties.filter(pk=data["duty"]).first()
        if duty is None:
            raise ValidationError({"duty": [_("该排班表中没有此值班安排")]})
        try:
            duty = services.rota_duty_take_off(acting_user=request.user, duty=duty, reason=data["reason"],
                                               note=data["note"])
        except services.RotaForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        except RotaDuty.DoesNotExist as exc:
            raise Http404 from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(TakenOffDutySerializer(duty).data)


class BrigadeTimeView(APIView):
    """`?month=YYYY-MM&street=<code>`: each street brigade's duty hours that month, urban management against
    other street work by reason (a leader: their street's)."""

    permission_classes = [RotaPermission]

    @extend_schema(parameters=[OpenApiParameter("month", str), OpenApiParameter("street", str)],
                   responses={200: BrigadeTimeSerializer})
    def get(self, request):
        month, street, first, last = census_params(request.user, request.query_params)
        streets = [street] if street is not None else Street.objects.visible_to(request.user)
        report = services.brigade_time(streets, first, last)
        return Response(BrigadeTimeSerializer({**report, "month": month}).data)
