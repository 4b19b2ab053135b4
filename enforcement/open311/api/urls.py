"""GeoReport v2 at /open311/v2/: every resource as .json and .xml."""
from django.urls import re_path

from . import views

FORMAT = r"\.(?P<format>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.DiscoveryView.as_view(), name="discovery"),
    re_path(r"^services" + FORMAT, views.ServiceListView.as_view(), name="services"),
    re_path(r"^services/(?P<service_code>[^/]{1,32}?)" + FORMAT, views.ServiceDefinitionView.as_view(),
            name="service"),
    re_path(r"^requests" + FORMAT, views.RequestListView.as_view(), name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]{1,32}?)" + FORMAT, views.RequestDetailView.as_view(),
            name="request"),
    re_path(r"^tokens/(?P<token>[^/]{1,64}?)" + FORMAT, views.TokenView.as_view(), name="token"),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not-found"),
]
