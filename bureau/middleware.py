"""Language selection: pages are in Simplified Chinese unless the user chose English (the language
switch sets a cookie); a browser's own Accept-Language does not override the bureau's default.
The API follows Accept-Language: Chinese by default, English with `Accept-Language: en`."""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIXES = ("/api/", "/open311/")


class BureauLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path.startswith(API_PREFIXES):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            try:
                chosen = translation.get_supported_language_variant(chosen)
            except LookupError:
                chosen = None
        translation.activate(chosen or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        return None


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every response (PERMISSIONS_POLICY): what browser features pages may use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


class HealthCheckMiddleware:
    """`GET`/`HEAD /healthz` answered before the rest of the chain: a load balancer's probe needs no session,
    language, CSRF check, user or URL resolution, which were half of its cost. The security headers' middlewares
    sit before this one, so the answer carries them like any other. Other methods take the ordinary path.

    Like the HTTPS redirect (SECURE_REDIRECT_EXEMPT), the host check is not applied: a balancer probes each web
    host by its address, which need not be in ALLOWED_HOSTS."""

    PATH = "/healthz"

    def __init__(self, get_response):
        from bureau.views import healthz

        self.get_response = get_response
        self.healthz = healthz

    def __call__(self, request):
        if request.path_info == self.PATH and request.method in ("GET", "HEAD"):
            return self.healthz(request)
        return self.get_response(request)
