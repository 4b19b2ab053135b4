"""JSON errors for every API failure, in the request's language; never an HTML page, never a 500 for bad input."""
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """The caller may take this action, but not from the object's current state."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("当前状态下不能执行此操作。")
    default_code = "conflict"


class IdempotencyMismatch(exceptions.APIException):
    status_code = 422
    default_detail = _("此 Idempotency-Key 已用于另一个请求内容。")
    default_code = "idempotency_key_reused"


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif type(exc) is exceptions.ParseError:  # a subclass (bureau.api.parsers) already says it clearly
        # DRF's parser message is English only ("JSON parse error - ..."): say it in the request's language
        is_json = str(exc.detail).startswith("JSON parse error")
        exc = exceptions.ParseError(_("请求内容不是有效的 JSON。") if is_json else _("请求内容无法解析。"))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.PermissionDenied):
        from bureau.audit.services import audit_permission_denied

        request = context.get("request")
        audit_permission_denied(request=request, reason=str(exc.detail))
    if response is None:
        return None
    # Every error body is `{"detail": "..."}` (a string) or field errors `{"field": ["..."]}`.
    if isinstance(response.data, list):
        response.data = {"detail": " ".join(str(m) for m in response.data)}
    elif isinstance(response.data, dict) and isinstance(response.data.get("detail"), list):
        response.data["detail"] = " ".join(str(m) for m in response.data["detail"])
    return response


def conflict_response(detail, **extra):
    return Response({"detail": detail, **extra}, status=status.HTTP_409_CONFLICT)
