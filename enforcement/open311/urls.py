"""/open311/: the integrators' guide and the key pages; the GeoReport v2 endpoints under v2/."""
from django.urls import include, path

from . import views

app_name = "open311"

urlpatterns = [
    path("", views.guide, name="guide"),
    path("keys/", views.key_list, name="keys"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key-revoke"),
    path("v2/", include("enforcement.open311.api.urls")),
]
