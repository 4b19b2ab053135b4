"""Platform pages: the dashboard and the health check."""
import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from bureau import dashboard as dashboard_registry

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    """One round trip to the database: `SELECT 1` on the driver's own cursor.

    Django's cursor would first run CONN_HEALTH_CHECKS' own probe of a reused connection (another `SELECT 1`),
    doubling the health check's round trips; this query is that probe. A connection that fails it is closed, so
    the next request opens a new one (as Django does after a failed probe)."""
    try:
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        try:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        finally:
            cursor.close()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 - the connection is already gone
            pass
        return False
    return True


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise."""
    if not database_answers():
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def dashboard(request):
    tiles = dashboard_registry.tiles_for(request)
    return render(request, "dashboard.html", {"tiles": tiles})


def _wants_json(request):
    # The API's errors are JSON, never HTML, even for a URL that matches no route.
    return request.path.startswith("/api/")


def _error(request, status, message, template):
    if _wants_json(request):
        return JsonResponse({"detail": str(message)}, status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, template, {"message": message}, status=status)


def permission_denied(request, exception=None):
    """handler403 for pages: the denial is audited (MLPS 2.0), then a 403 page in the user's language."""
    from bureau.audit.services import audit_permission_denied

    try:
        audit_permission_denied(request=request, reason=str(exception or "")[:500])
    except Exception:  # noqa: BLE001 - a failed audit write must not turn a 403 into a 500
        logger.exception("could not audit a permission denial")
    return _error(request, 403, _("您没有执行该操作的权限。"), "403.html")


def page_not_found(request, exception=None):
    return _error(request, 404, _("未找到。"), "404.html")


def bad_request(request, exception=None):
    return _error(request, 400, _("请求无效。"), "400.html")


def server_error(request):
    # No template context processors here: the database may be what failed.
    if _wants_json(request):
        return JsonResponse({"detail": str(_("服务器内部错误。"))}, status=500, json_dumps_params={"ensure_ascii": False})
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    """A refused CSRF check is a permission denial too: audited like the others (MLPS 2.0)."""
    from bureau.audit.services import audit_permission_denied

    try:
        audit_permission_denied(request=request, reason=f"CSRF: {reason}"[:500])
    except Exception:  # noqa: BLE001 - a failed audit write must not turn a 403 into a 500
        logger.exception("could not audit a CSRF failure")
    return _error(request, 403, _("请求已过期或来源无效，请刷新页面后重试。"), "403.html")
