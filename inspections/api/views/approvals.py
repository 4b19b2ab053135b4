"""REST for district approvals of temporary occupation: the bureau issues them; the patrols of every street
the area or route touches read them, and check a place (and a category, a muck truck's plate) against them."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from bureau import clock

from ...filtersets import OccupationApprovalFilterSet
from ...models import OccupationApproval
from ...permissions import OccupationApprovalPermission
from ...services import approvals as services
from ..serializers.approvals import (
    ApprovalCheckInputSerializer,
    ApprovalCheckSerializer,
    OccupationApprovalInputSerializer,
    OccupationApprovalSerializer,
)


def check_payload(check, moment) -> dict:
    occupations = [{
        "id": a.pk, "number": a.number, "kind": a.kind, "title": a.title,
        "until": timezone.localtime(until).strftime("%H:%M"), "message": check.occupation_message(a, until),
    } for a, until in check.occupations]
    muck = None
    if check.muck_checked:
        a = check.muck_approval
        muck = {"recognised": a is not None, "problems": check.muck_problems,
                "approval": {"id": a.pk, "number": a.number, "carrier": a.carrier} if a else None}
    return {"at": moment, "approved": check.approved, "message": check.note, "occupations": occupations,
            "muck": muck}


class OccupationApprovalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                                viewsets.GenericViewSet):
    serializer_class = OccupationApprovalSerializer
    filterset_class = OccupationApprovalFilterSet
    permission_classes = [OccupationApprovalPermission]
    queryset = OccupationApproval.objects.none()

    def get_queryset(self):
        return OccupationApproval.objects.visible_to(self.request.user).prefetch_related("streets", "categories")

    @extend_schema(request=OccupationApprovalInputSerializer, responses={201: OccupationApprovalSerializer})
    def create(self, request, *args, **kwargs):
        serializer = OccupationApprovalInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            approval = services.occupation_approval_issue(acting_user=request.user, **serializer.validated_data)
        except services.ApprovalForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(OccupationApprovalSerializer(self.get_queryset().get(pk=approval.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ApprovalCheckInputSerializer], responses={200: ApprovalCheckSerializer})
    @action(detail=False, methods=["get"], url_path="check", filterset_class=None, pagination_class=None)
    def check(self, request):
        """A place now (or `at`): the approved occupations covering it in their hours ("已批准占道：X，至 HH:MM"),
        whether `category` is one of them, and a muck truck's `plate` against the muck-transport approvals."""
        serializer = ApprovalCheckInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        moment = data["at"] or clock.now()
        try:
            check = services.approval_check(lat=data["lat"], lng=data["lng"], moment=moment,
                                            category=data["category"], plate=data["plate"],
                                            approvals=self.get_queryset())
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(ApprovalCheckSerializer(check_payload(check, moment)).data)
