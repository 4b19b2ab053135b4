"""Who may do what over Open311, in one place.

Reads (discovery, services, requests, tokens) are public: GeoReport v2 asks no key for them, and they
show nothing personal. Filing a request needs an active API key, sent as the form field `api_key`; no
key or a wrong one is 403 (never 401: Open311 clients do not speak WWW-Authenticate). The key pages are
for bureau staff, who issue and revoke keys.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiKey


def may_manage_keys(user) -> bool:
    return bool(user and user.is_authenticated and user.is_bureau_staff)


class ApiKeyAuthentication(BaseAuthentication):
    """`api_key` in the POST form: the key's service account becomes request.user, the key request.auth."""

    def authenticate(self, request):
        if request.method in SAFE_METHODS:
            return None
        data = request.data
        secret = data.get("api_key") if hasattr(data, "get") else None
        if not secret:
            return None
        from .services import api_key_for_secret

        key = api_key_for_secret(secret)
        if key is None or not key.user.is_active:
            raise AuthenticationFailed(_("api_key 无效或已被吊销。"))
        return key.user, key

    def authenticate_header(self, request):
        return None  # so DRF answers 403, as GeoReport v2 requires for a bad or missing key


class HasApiKeyToWrite(BasePermission):
    message = _("缺少 api_key：提交请求需要区城管局签发的密钥。")

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or isinstance(request.auth, ApiKey)


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Each key's own rate limit (requests a minute), set by the bureau when it issues the key."""

    scope = "open311"

    def __init__(self):  # the rate is the key's, not a setting
        self.rate, self.num_requests, self.duration = None, None, 60

    def get_cache_key(self, request, view):
        return f"throttle_open311_key_{request.auth.pk}_{request.auth.secret_hash[:12]}"

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return True
        self.num_requests = request.auth.rate_limit
        self.rate = f"{self.num_requests}/min"
        return super().allow_request(request, view)
