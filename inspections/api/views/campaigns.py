"""REST for campaigns (plan, read, progress) and demolitions (record, read)."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from ...models import Campaign, Demolition
from ...permissions import CampaignPermission, DemolitionPermission
from ...services import campaigns as services
from ..serializers.campaigns import (
    CampaignInputSerializer,
    CampaignProgressSerializer,
    CampaignSerializer,
    DemolitionInputSerializer,
    DemolitionSerializer,
    progress_payload,
)


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Campaigns: bureau staff plan them; field staff read them and their progress per street and in total."""

    serializer_class = CampaignSerializer
    permission_classes = [CampaignPermission]
    queryset = Campaign.objects.none()

    def get_queryset(self):
        return Campaign.objects.visible_to(self.request.user).prefetch_related(
            "streets", "cells", "categories", "targets__category")

    @extend_schema(request=CampaignInputSerializer, responses={201: CampaignSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CampaignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["targets"] = [dict(t) for t in data.get("targets", [])]
        try:
            campaign = services.campaign_create(acting_user=request.user, **data)
        except services.CampaignForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: CampaignProgressSerializer})
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Each target's count inside the campaign's dates, area and categories, per street and in total."""
        return Response(progress_payload(services.campaign_progress(self.get_object())))


class DemolitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Demolitions of illegal building, scoped by street (a grid officer: their cells)."""

    serializer_class = DemolitionSerializer
    permission_classes = [DemolitionPermission]
    queryset = Demolition.objects.none()

    def get_queryset(self):
        return Demolition.objects.visible_to(self.request.user).select_related("street", "grid", "case")

    @extend_schema(request=DemolitionInputSerializer, responses={201: DemolitionSerializer})
    def create(self, request, *args, **kwargs):
        from enforcement.models import Case

        serializer = DemolitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case_id = data.pop("case")
        case = None
        if case_id is not None:
            case = Case.objects.visible_to(request.user).filter(pk=case_id).first()
            if case is None:
                raise ValidationError({"case": [_("未知的案件")]})
        operation_id = data.pop("operation")
        operation = None
        if operation_id is not None:
            from enforcement.models import JointOperation

            operation = JointOperation.objects.visible_to(request.user).filter(pk=operation_id).first()
            if operation is None:
                raise ValidationError({"operation": [_("未知的联合执法行动")]})
        try:
            demolition = services.demolition_record(acting_user=request.user, case=case, operation=operation, **data)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(DemolitionSerializer(self.get_queryset().get(pk=demolition.pk)).data,
                        status=status.HTTP_201_CREATED)
