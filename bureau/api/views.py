import math

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from bureau import clock


class ObtainTokenView(ObtainAuthToken):
    """`POST {"username", "password"}` → `{"token"}`; wrong credentials get 400."""

    renderer_classes = [JSONRenderer]
    # ObtainAuthToken lists DRF's unbounded parsers itself: use the project's bounded ones.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
    # ObtainAuthToken turns throttling off; guesses are limited per client address (THROTTLE_AUTH), on top
    # of the lockout per (account, address).
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=inline_serializer("TokenRequest", {"username": serializers.CharField(),
                                                   "password": serializers.CharField()}),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            locked_until = getattr(request, "login_locked_until", None)  # set by the lockout backend
            if locked_until is None:
                raise
            wait = max(1, math.ceil((locked_until - clock.now()).total_seconds()))
            raise Throttled(wait=wait, detail=_("登录失败次数过多，账号在此地址已被暂时锁定。")) from None


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")


class MeView(APIView):
    """`GET` the caller's own account: lets a phone check that its login still holds before it sends."""

    permission_classes = [IsAuthenticated]
    serializer_class = MeSerializer

    def get(self, request):
        return Response(MeSerializer(request.user).data)
