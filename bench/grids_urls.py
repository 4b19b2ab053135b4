"""The project's URLs with one more route, `/api/v1/grid-cells-bare/`: the cheapest Django view (no DRF, no
authentication, a constant JSON answer), the yardstick for the locate endpoint. It sits in the same
`api/v1/` list right before the grids API, so resolving it walks the same routes as resolving
`/api/v1/grid-cells/locate/` does (URL resolution is a measurable part of a request's cost)."""
from django.http import JsonResponse
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bureau import urls as project


def bare(request):
    return JsonResponse({"ok": True})


class DRFFloor(APIView):
    """DRF's own floor: an APIView with no authentication, permission or throttle (a reference point)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def get(self, request):
        return Response({"ok": True})


def _with_bare(patterns):
    out = []
    for pattern in patterns:
        urlconf = getattr(pattern, "urlconf_name", None)
        if getattr(urlconf, "__name__", urlconf) == "grids.api.urls":
            out.append(path("grid-cells-bare/", bare))
            out.append(path("grid-cells-drf-floor/", DRFFloor.as_view()))
        out.append(pattern)
    return out


def _api_v1(pattern):
    return str(pattern.pattern) == "api/v1/"


urlpatterns = [
    path("api/v1/", include(_with_bare(project.api_v1))) if _api_v1(p) else p for p in project.urlpatterns
]
