"""Token authentication for the API: expiring tokens stored hashed (django-rest-knox), without a database query
on every call.

A token is handed out once by `POST /api/v1/auth/token/` and sent as `Authorization: Token <token>`. The
database keeps only its SHA-512 digest (knox's `AuthToken`), with an expiry API_TOKEN_HOURS after it was
issued; an expired token is refused with 401 and deleted. A wrong or deleted token, or an inactive user's,
is refused with 401, as DRF does.

A verified token is kept in the shared cache (Redis in production, so every web process sees one copy) under
its digest, never the token itself (anyone who can list Redis keys could replay a token), together with the
cache's *auth generation* read before the database was asked. Deleting a token or saving a user
(deactivation, role or password change) moves the generation on at once and again when its transaction
commits, so the next request of every process misses and asks the database: a deactivated account's token
stops working at once. Reading the generation before the database closes the race with a deactivation
committing in between (the entry is written under the old generation and never matches). A login only stamps
`last_login` and moves nothing. Entries also expire after a minute, as a backstop for writes that bypass
signals (`QuerySet.update`). Without a working cache every request asks the database.
"""
import binascii
import uuid

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

GENERATION_KEY = "accounts:auth-generation"
ENTRY_SECONDS = 60
# Saves that change nothing authentication depends on (a login stamps last_login on every sign-in).
_HARMLESS_FIELDS = frozenset({"last_login"})
# DRF's own messages for a refused token, translated by DRF's catalogs (so not extracted into ours).
_INVALID_TOKEN = "Invalid token."  # noqa: S105 - a message, not a secret
_USER_INACTIVE = "User inactive or deleted."


def token_digest(key: str) -> str:
    """The digest a token is stored and kept under (knox's hash)."""
    try:
        return hash_token(key)
    except (TypeError, ValueError, binascii.Error):
        raise exceptions.AuthenticationFailed(_(_INVALID_TOKEN)) from None


def _entry_key(key: str) -> str:
    # The token itself never becomes a cache key: anyone who can list Redis keys could replay it.
    return "accounts:token:" + token_digest(key)


def _new_generation():
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001, S110 - a cache that is down keeps nothing to invalidate
        pass


def _invalidate(sender, instance=None, created=False, update_fields=None, **kwargs):
    if sender is AuthToken and created:
        return  # a new token was never kept
    if update_fields is not None and set(update_fields) <= _HARMLESS_FIELDS:
        return
    _new_generation()
    transaction.on_commit(_new_generation)


post_delete.connect(_invalidate, sender=AuthToken, dispatch_uid="accounts.auth.token_deleted")
post_save.connect(_invalidate, sender=AuthToken, dispatch_uid="accounts.auth.token_saved")
post_save.connect(_invalidate, sender=get_user_model(), dispatch_uid="accounts.auth.user_saved")
post_delete.connect(_invalidate, sender=get_user_model(), dispatch_uid="accounts.auth.user_deleted")


def token_expired(token) -> bool:
    """Past its expiry (wall-clock time, as knox stamps it)."""
    return token.expiry is not None and token.expiry <= timezone.now()


class ActiveTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token <token>` header over knox's hashed, expiring tokens, answered from the
    cache when it can."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        digest = token_digest(key)
        entry_key = "accounts:token:" + digest
        try:
            found = cache.get_many([GENERATION_KEY, entry_key])
        except Exception:  # noqa: BLE001 - no cache: ask the database
            return self._checked(self._from_database(digest))
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
        kept = found.get(entry_key)
        if kept is not None and generation is not None and kept[0] == generation:
            return self._checked((kept[1].user, kept[1]))
        user, token = self._checked(self._from_database(digest))
        if generation is not None:
            cache.set(entry_key, (generation, token), ENTRY_SECONDS)
        return user, token

    def _from_database(self, digest):
        # Without the password hash: it never goes into the cache (the field is loaded on first use, and a
        # save of a deferred instance writes only the fields it loaded).
        try:
            token = AuthToken.objects.select_related("user").defer("user__password").get(digest=digest)
        except AuthToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(_(_INVALID_TOKEN)) from None
        return token.user, token

    def _checked(self, found):
        user, token = found
        if token_expired(token):
            AuthToken.objects.filter(digest=token.digest).delete()
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新申请。"))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_(_USER_INACTIVE))
        return user, token
