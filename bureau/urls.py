"""URL wiring: the one place that knows every app."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bureau import views
from bureau.accounts import views as account_views
from bureau.api import views as api_views
from markets.api import fast as markets_fast

api_v1 = [
    path("auth/token/", api_views.ObtainTokenView.as_view(), name="api-token"),
    path("auth/me/", api_views.MeView.as_view(), name="api-me"),
    path("", include("bureau.api.urls")),
    # The vendor check's hot path (markets/api/fast.py) is resolved here, before the apps' routers, as the
    # grid cells' locate is by coming first: resolving through every earlier router costs as much as the check.
    path("vendor-zones/check/", markets_fast.check),
    path("", include("grids.api.urls")),
    path("", include("enforcement.api.urls")),
    path("", include("markets.api.urls")),
    path("", include("inspections.api.urls")),
    path("", include("figures.api_urls")),
]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/login/otp/", account_views.login_otp, name="login-otp"),
    path("accounts/logout/", account_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    # before the admin's own login form, which would sign an administrator in without the second factor
    path("admin/login/", account_views.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves Swagger UI's start-up script as a file: no inline script (Content Security Policy)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("platform/", include("bureau.pages_urls")),
    path("grids/", include("grids.urls")),
    path("cases/", include("enforcement.urls")),
    path("open311/", include("enforcement.open311.urls")),
    path("markets/", include("markets.urls")),
    path("inspections/", include("inspections.urls")),
    path("figures/", include("figures.urls")),
]

# Page-level permission denials are audited like the API's (the API's are in its exception handler).
handler403 = "bureau.views.permission_denied"
# Under /api/ every error is JSON; elsewhere a page in the user's language.
handler400 = "bureau.views.bad_request"
handler404 = "bureau.views.page_not_found"
handler500 = "bureau.views.server_error"
