"""Idempotency-Key for create endpoints (CONTRACT §3), usable by any app's view.

Phones that lose the signal resend what they queued; the key makes each submission count once:
- the header must be 1 to 255 characters (else 400); the key is scoped to the user;
- the same key with the same request (method, path and body compared as parsed JSON) replays the first
  response, status and body, and does nothing else;
- the same key with another request gets 422;
- a replay while the first request is still running gets 409: the first request commits an IN_PROGRESS
  row in its own short transaction before doing any work, and the unique (user, key) insert of a
  concurrent second request waits for it and then fails;
- only a 2xx or a validation 400 is stored; after anything else (a 5xx, a 429, a 403 ...) the row is
  deleted and the key is free again. The work and the stored response commit in one transaction.

Use `IdempotentCreateMixin` on a ViewSet (it wraps `create`) or `@idempotent` on a view method.
"""
import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from bureau.api.exceptions import Conflict, IdempotencyMismatch

HEADER = "Idempotency-Key"
_META_KEY = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 255
REPLAY_HEADER = "Idempotent-Replayed"


def _in_progress_timeout() -> timedelta:
    # A request that died without cleaning up (a killed worker) must not block its key for ever.
    return timedelta(seconds=getattr(settings, "IDEMPOTENCY_IN_PROGRESS_SECONDS", 300))


def _is_stored(status_code: int) -> bool:
    return 200 <= status_code < 300 or status_code == status.HTTP_400_BAD_REQUEST


def _file_digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return "sha256:" + digest.hexdigest()


def request_fingerprint(request) -> str:
    """SHA-256 of the method, path and parsed body; JSON key order and whitespace do not matter."""
    data = request.data
    if hasattr(data, "lists"):  # form or multipart: a QueryDict, files included
        body = {k: [_file_digest(v) if hasattr(v, "chunks") else v for v in values] for k, values in data.lists()}
    else:
        body = data
    canonical = json.dumps(
        {"method": request.method, "path": request.path, "body": body},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _rendered(data) -> str:
    """The response body exactly as the client got it (JSON text, keys in the same order)."""
    if data is None:
        return ""
    return JSONRenderer().render(data).decode("utf-8")


def _replay(record) -> Response:
    data = json.loads(record.response_body) if record.response_body else None
    return Response(data, status=record.response_status, headers={REPLAY_HEADER: "true"})


def _claim(user, key, fingerprint, request):
    """Insert the IN_PROGRESS row (committed at once), or answer from the row already there."""
    from bureau.idempotency.models import IdempotencyRecord

    for _attempt in range(3):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    user=user, key=key, fingerprint=fingerprint, method=request.method[:8],
                    path=request.path[:255], created_at=timezone.now(),
                ), None
        except IntegrityError:
            existing = IdempotencyRecord.objects.for_key(user, key).first()
            if existing is None:  # freed meanwhile (the first request failed): try again
                continue
            in_progress = existing.state == IdempotencyRecord.State.IN_PROGRESS
            if in_progress and existing.created_at < timezone.now() - _in_progress_timeout():
                IdempotencyRecord.objects.filter(pk=existing.pk, state=IdempotencyRecord.State.IN_PROGRESS).delete()
                continue
            if existing.fingerprint != fingerprint:
                raise IdempotencyMismatch(_("此 Idempotency-Key 已用于另一个请求内容。")) from None
            if not in_progress:
                return None, _replay(existing)
            raise Conflict(_("使用此 Idempotency-Key 的请求仍在处理中，请稍后重试。")) from None
    raise Conflict(_("使用此 Idempotency-Key 的请求仍在处理中，请稍后重试。"))


class _NotStored(Exception):
    def __init__(self, response):
        super().__init__(response.status_code)
        self.response = response


class _Raised(Exception):
    def __init__(self, exc):
        super().__init__(str(exc))
        self.exc = exc


def _store(record, response):
    from bureau.idempotency.models import IdempotencyRecord

    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyRecord.State.DONE, response_status=response.status_code,
        response_body=_rendered(response.data), completed_at=timezone.now(),
    )


def run_idempotent(view, request, call):
    """Run `call()` (the view's own handling) under the request's Idempotency-Key, if it has one."""
    from bureau.idempotency.models import IdempotencyRecord

    if _META_KEY not in request.META:
        return call()
    key = request.META[_META_KEY]
    # Control characters are not allowed in an HTTP field value; NUL would also make PostgreSQL fail (500).
    if not 1 <= len(key) <= MAX_KEY_LENGTH or any(ord(c) < 0x20 or ord(c) == 0x7F for c in key):
        raise ValidationError({"detail": [_("Idempotency-Key 须为 1 到 255 个字符。")]})
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return call()
    record, replay = _claim(user, key, request_fingerprint(request), request)
    if replay is not None:
        return replay
    try:
        with transaction.atomic():
            try:
                response = call()
            except Exception as exc:  # noqa: BLE001 - turned into the response the client gets, or re-raised
                raise _Raised(exc) from exc  # rolls back the work first: see below
            if not _is_stored(response.status_code):
                raise _NotStored(response)  # rolls back whatever the request wrote
            _store(record, response)
    except _Raised as raised:
        # The error becomes a response only after the work was rolled back, so what the handler itself writes
        # (the audit entry of a permission denial) is kept.
        try:
            response = view.handle_exception(raised.exc)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if _is_stored(response.status_code):
            _store(record, response)
        else:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return response
    except _NotStored as not_stored:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return not_stored.response
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    return response


def idempotent(method):
    """Decorate a DRF view method `(self, request, *args, **kwargs)` to honour the Idempotency-Key header."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        return run_idempotent(self, request, lambda: method(self, request, *args, **kwargs))

    return wrapper


class IdempotentCreateMixin:
    """For a ViewSet: `POST` to the list URL (create) honours the Idempotency-Key header."""

    def create(self, request, *args, **kwargs):
        return run_idempotent(self, request, lambda: super(IdempotentCreateMixin, self).create(request, *args, **kwargs))


def idempotency_purge_expired(*, now=None) -> int:
    """Forget keys older than IDEMPOTENCY_RETENTION_DAYS (a phone retries within hours, not weeks)."""
    from bureau.idempotency.models import IdempotencyRecord

    now = now or timezone.now()
    cutoff = now - timedelta(days=getattr(settings, "IDEMPOTENCY_RETENTION_DAYS", 30))
    deleted, _counts = IdempotencyRecord.objects.older_than(cutoff).delete()
    return deleted
