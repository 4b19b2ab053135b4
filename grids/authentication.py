"""Token authentication for the point lookup, the product's hottest endpoint (every report, every phone).

The same tokens and the same rules as the platform's `ActiveTokenAuthentication` (an inactive user's or a
deleted token is refused with 401), without a database query on every call: a verified token is kept
in this process with the shared cache's *auth generation* at the time. Deleting a token or saving a user
(deactivation, role change, password change, login) bumps the generation when its transaction commits,
so every process drops what it kept before its next answer; entries also expire after a minute, as a
backstop for writes that bypass signals (`QuerySet.update`). Entries are kept under the token's digest, never
the token, and a token past its expiry is refused even while kept.
"""
import threading
import time
import uuid

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from knox.models import AuthToken
from rest_framework.exceptions import AuthenticationFailed

from bureau.accounts.authentication import ActiveTokenAuthentication, token_digest, token_expired

GENERATION_KEY = "grids:auth-generation"
ENTRY_SECONDS = 60.0
_MAX_ENTRIES = 10_000
_kept: dict[str, tuple] = {}  # digest -> (user, generation, expires, token)
_lock = threading.Lock()


def _generation() -> str | None:
    try:
        value = cache.get(GENERATION_KEY)
        if value is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            value = cache.get(GENERATION_KEY)
        return value
    except Exception:  # noqa: BLE001 - no shared cache: keep nothing, ask the database every time
        return None


def _bump(sender=None, created=False, update_fields=None, **kwargs):
    # A new token was never kept, and a login only stamps last_login: neither changes what a kept token means
    # (as accounts.authentication's own invalidation), and every login would otherwise drop every kept token.
    if sender is AuthToken and created:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return

    def publish():
        with _lock:
            _kept.clear()
        try:
            cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:  # noqa: BLE001, S110 - entries still expire after ENTRY_SECONDS
            pass

    with _lock:
        _kept.clear()
    transaction.on_commit(publish)


post_delete.connect(_bump, sender=AuthToken, dispatch_uid="grids.auth.token_deleted")
post_save.connect(_bump, sender=AuthToken, dispatch_uid="grids.auth.token_saved")
post_save.connect(_bump, sender=get_user_model(), dispatch_uid="grids.auth.user_saved")


class KeptTokenAuthentication(ActiveTokenAuthentication):
    def authenticate_credentials(self, key):
        generation = _generation()
        now = time.monotonic()
        digest = token_digest(key)
        kept = _kept.get(digest)
        if (kept is not None and generation is not None and kept[1] == generation and kept[2] > now
                and not token_expired(kept[3])):
            return kept[0], kept[3]
        user, auth = super().authenticate_credentials(key)
        _keep(digest, generation, user, auth)
        return user, auth


def _keep(digest, generation, user, auth):
    """Keep a verified token here under `generation` (nothing without a shared cache to check it against)."""
    if generation is None:
        return
    with _lock:
        if len(_kept) >= _MAX_ENTRIES:
            _kept.clear()
        _kept[digest] = (user, generation, time.monotonic() + ENTRY_SECONDS, auth)


def forget():
    """Drop every kept token in this process (tests)."""
    with _lock:
        _kept.clear()



def keep_fresh(key):
    """Authenticate `key` against the database (not the shared cache's entry, which may be a minute old) and keep
    it here under the generation now published: the fast lane's way in for a token this process does not keep.
    Raises AuthenticationFailed as the API does."""
    generation = _generation()
    digest = token_digest(key)
    authenticator = ActiveTokenAuthentication()
    user, auth = authenticator._checked(authenticator._from_database(digest))
    _keep(digest, generation, user, auth)
    return user, auth


def forget_token(key):
    """Drop one token this process keeps (the fast lane found the shared generation moved on)."""
    try:
        digest = token_digest(key)
    except AuthenticationFailed:
        return
    with _lock:
        _kept.pop(digest, None)


def kept(key):
    """(user, the auth generation it was kept under) for a token this process keeps and that has not expired,
    without asking the cache: the API's fast lane checks the generation in its own round trip
    (bureau/fastlane.py). None when not kept (or past its time)."""
    try:
        digest = token_digest(key)
    except AuthenticationFailed:  # a malformed token: the ordinary path refuses it
        return None
    entry = _kept.get(digest)
    if entry is None or entry[2] <= time.monotonic() or token_expired(entry[3]):
        return None
    return entry[0], entry[1]
