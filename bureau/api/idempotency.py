"""Idempotency-Key for create endpoints, usable by any app's view.

Phones that lose the signal resend what they queued; the key makes each submission count once:
- the header must be 1 to 255 characters (else 400); the key is scoped to the user;
- the same key with the same request (method, path and body compared as parsed JSON) replays the first
  response, status and body, and does nothing else;
- the same key with another request gets 422;
- a replay while the first request is still running gets 409;
- only a 2xx or a validation 400 is stored; after anything else (a 5xx, a 429, a 403 ...) nothing is kept
  and the key is free again. The work and the stored response commit in one transaction.

"Still running" is a lock, not a row: the request takes a transaction-level advisory lock on (user, key)
on PostgreSQL before it looks the key up, and holds it until its transaction ends. A worker that dies
takes its connection with it, so the lock and the work are gone at once and a retry proceeds; a request
that is merely slow holds the lock however long it runs, so it is never run a second time beside itself.
On SQLite the transaction takes the database's write lock when it begins, which serialises them anyway.

Use `IdempotentCreateMixin` on a ViewSet (it wraps `create`) or `@idempotent` on a view method.

Work that takes long and writes nothing (decoding uploaded photos) belongs before the transaction, which
holds the key's lock and, on SQLite, the database's write lock: `@idempotent(prepare=...)` runs
`prepare(view, request)` first, outside any transaction, and hands its result to the view method as
`prepared=`. An error it raises is answered inside the transaction as if the view had raised it, so a
validation 400 is stored and replayed like any other.
"""
import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from bureau.api.exceptions import Conflict, IdempotencyMismatch

HEADER = "Idempotency-Key"
_META_KEY = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 255
REPLAY_HEADER = "Idempotent-Replayed"


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


IN_PROGRESS = _lazy("使用此 Idempotency-Key 的请求仍在处理中，请稍后重试。")


def _lock(user, key) -> bool:
    """Take the key's lock until the end of the current transaction; False while a live request holds it."""
    if connection.vendor != "postgresql":
        return True  # SQLite: the transaction already holds the database's write lock
    digest = hashlib.sha256(f"idempotency-key:{user.pk}:{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])
        return cursor.fetchone()[0]


def _answer_from(record, fingerprint) -> Response:
    if record.fingerprint != fingerprint:
        raise IdempotencyMismatch(_("此 Idempotency-Key 已用于另一个请求内容。"))
    return _replay(record)


class _NotStored(Exception):
    def __init__(self, response):
        super().__init__(response.status_code)
        self.response = response


class _Raised(Exception):
    def __init__(self, exc):
        super().__init__(str(exc))
        self.exc = exc


def _run(view, call):
    """The view's response; the work it wrote is undone (a savepoint) unless the response is kept."""
    try:
        with transaction.atomic():
            try:
                response = call()
            except Exception as exc:  # noqa: BLE001 - turned into the response the client gets, or re-raised
                raise _Raised(exc) from exc
            if not _is_stored(response.status_code):
                raise _NotStored(response)
    except _Raised as raised:
        # The error becomes a response only after the work was rolled back, so what the handler itself writes
        # (the audit entry of a permission denial) is kept.
        return view.handle_exception(raised.exc)
    except _NotStored as not_stored:
        return not_stored.response
    return response


def _after(prepare, call):
    """`prepare()` now; then a call that runs `call(prepared)`, or raises what `prepare()` raised."""
    try:
        prepared = prepare()
    except Exception as exc:  # noqa: BLE001 - raised again where the view's own errors are handled
        failure = exc

        def failed():
            raise failure

        return failed
    return lambda: call(prepared)


def run_idempotent(view, request, call, *, prepare=None):
    """Run `call()` (the view's own handling) under the request's Idempotency-Key, if it has one.

    With `prepare`, `prepare()` runs first, before any transaction, and `call` takes its result."""
    from bureau.idempotency.models import IdempotencyRecord

    if _META_KEY not in request.META:
        return call(prepare()) if prepare is not None else call()
    key = request.META[_META_KEY]
    # Control characters are not allowed in an HTTP field value; NUL would also make PostgreSQL fail (500).
    if not 1 <= len(key) <= MAX_KEY_LENGTH or any(ord(c) < 0x20 or ord(c) == 0x7F for c in key):
        raise ValidationError({"detail": [_("Idempotency-Key 须为 1 到 255 个字符。")]})
    if prepare is not None:
        call = _after(prepare, call)
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return call()
    fingerprint = request_fingerprint(request)
    try:
        with transaction.atomic():
            if not _lock(user, key):
                raise Conflict(IN_PROGRESS)
            existing = IdempotencyRecord.objects.for_key(user, key).first()
            if existing is not None and existing.state == IdempotencyRecord.State.DONE:
                return _answer_from(existing, fingerprint)
            if existing is not None:
                # marked in progress by a request that died before this lock existed: nobody holds it now
                existing.delete()
            response = _run(view, call)
            if _is_stored(response.status_code):
                now = timezone.now()
                IdempotencyRecord.objects.create(
                    user=user, key=key, fingerprint=fingerprint, method=request.method[:8], path=request.path[:255],
                    state=IdempotencyRecord.State.DONE, response_status=response.status_code,
                    response_body=_rendered(response.data), created_at=now, completed_at=now,
                )
            return response
    except IntegrityError:
        # Without the advisory lock (SQLite in deferred mode) a concurrent request may store the key first: its
        # unique row wins and this request's work was rolled back with the failed insert.
        existing = IdempotencyRecord.objects.for_key(user, key).first()
        if existing is None:
            raise
        if existing.state != IdempotencyRecord.State.DONE:
            raise Conflict(IN_PROGRESS) from None
        return _answer_from(existing, fingerprint)


def idempotent(method=None, *, prepare=None):
    """Decorate a DRF view method `(self, request, *args, **kwargs)` to honour the Idempotency-Key header.

    `@idempotent(prepare=f)`: `f(view, request)` runs before the transaction; the method gets `prepared=`."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, request, *args, **kwargs):
            if prepare is None:
                return run_idempotent(self, request, lambda: method(self, request, *args, **kwargs))
            return run_idempotent(self, request,
                                  lambda prepared: method(self, request, *args, prepared=prepared, **kwargs),
                                  prepare=lambda: prepare(self, request))

        return wrapper

    return decorate(method) if method is not None else decorate


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
