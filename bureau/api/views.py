import math

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from bureau import clock
from bureau.accounts.second_factor import second_factor_verify
from bureau.accounts.services import token_issue


class TokenRequestSerializer(AuthTokenSerializer):
    # The administrators' one-time code (TOTP or a recovery code), beside their password.
    otp = serializers.CharField(required=False, allow_blank=True, max_length=16, write_only=True)


class ObtainTokenView(APIView):
    """`POST {"username", "password"}` → `{"token"}`; wrong credentials get 400, an account locked from
    this address 429 with Retry-After, an expired password 403 (it must be changed on the password page).
    The administrators send `otp` too (a TOTP or recovery code): missing or wrong, 400 with a field error."""

    authentication_classes = ()
    permission_classes = ()
    renderer_classes = [JSONRenderer]
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # the project's bounded parsers
    # Guesses are limited per client address (THROTTLE_AUTH), on top of the lockout per (account, address).
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=inline_serializer("TokenRequest", {"username": serializers.CharField(),
                                                   "password": serializers.CharField(),
                                                   "otp": serializers.CharField(required=False)}),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request, *args, **kwargs):
        serializer = self.serializer_class(data=request.data, context={"request": request, "view": self})
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            locked_until = getattr(request, "login_locked_until", None)  # set by the lockout backend
            if locked_until is None:
                raise
            wait = max(1, math.ceil((locked_until - clock.now()).total_seconds()))
            raise Throttled(wait=wait, detail=_("登录失败次数过多，账号在此地址已被暂时锁定。")) from None
        user = serializer.validated_data["user"]
        if user.requires_second_factor:
            code = serializer.validated_data.get("otp")
            if not code:
                raise ValidationError({"otp": [_("该账号须同时提供动态口令（otp）。")]})
            if second_factor_verify(user=user, code=code, request=request) is None:
                raise ValidationError({"otp": [_("动态口令错误或已使用。")]})
        if user.password_expired():
            raise PermissionDenied(_("密码已过期（超过 %(days)d 天未修改，或由管理员重置）：请先在 /accounts/password/ "
                                     "修改密码，再申请令牌。") % {"days": settings.PASSWORD_MAX_AGE_DAYS})
        return Response({"token": token_issue(user=user)})


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
