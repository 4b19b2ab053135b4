from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.renderers import JSONRenderer


class ObtainTokenView(ObtainAuthToken):
    """`POST {"username", "password"}` → `{"token"}`; wrong credentials get 400 (CONTRACT §3)."""

    renderer_classes = [JSONRenderer]
    throttle_scope = "auth"

    @extend_schema(
        request=inline_serializer("TokenRequest", {"username": serializers.CharField(),
                                                   "password": serializers.CharField()}),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
