"""Platform pages: the dashboard and the health check."""
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from bureau import dashboard as dashboard_registry


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise (CONTRACT §3)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def dashboard(request):
    tiles = dashboard_registry.tiles_for(request)
    return render(request, "dashboard.html", {"tiles": tiles})


def permission_denied(request, exception=None):
    """handler403 for pages: the denial is audited (MLPS 2.0), then a 403 page in the user's language."""
    from bureau.audit.services import audit_permission_denied

    try:
        audit_permission_denied(request=request, reason=str(exception or "")[:500])
    except Exception:  # noqa: BLE001 - a failed audit write must not turn a 403 into a 500
        import logging

        logging.getLogger(__name__).exception("could not audit a permission denial")
    return render(request, "403.html", status=403)
