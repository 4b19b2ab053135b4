"""Token authentication for the API, without a database query on every call.

The rules are DRF's: a wrong or deleted token, or an inactive user's, is refused with 401. A verified token is
kept in the shared cache (Redis in production, so every web process sees one copy) together with the cache's
*auth generation* read before the database was asked. Deleting a token or saving a user (deactivation, role
or password change) moves the generation on at once and again when its transaction commits, so the next
request of every process misses and asks the database: a deactivated account's token stops working at once.
Reading the generation before the database closes the race with a deactivation committing in between (the
entry is written under the old generation and never matches). A login only stamps `last_login` and moves
nothing. Entries also expire after a minute, as a backstop for writes that bypass signals
(`QuerySet.update`). Without a working cache every request asks the database, as DRF does.
"""
import hashlib
import uuid

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

GENERATION_KEY = "accounts:auth-generation"
ENTRY_SECONDS = 60
# Saves that change nothing authentication depends on (a login stamps last_login on every sign-in).
_HARMLESS_FIELDS = frozenset({"last_login"})
# DRF's own messages for a refused token, translated by DRF's catalogs (so not extracted into ours).
_INVALID_TOKEN = "Invalid token."  # noqa: S105 - a message, not a secret
_USER_INACTIVE = "User inactive or deleted."


def _entry_key(key: str) -> str:
    # The token itself never becomes a cache key: anyone who can list Redis keys could replay it.
    return "accounts:token:" + hashlib.sha256(key.encode()).hexdigest()


def _new_generation():
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001, S110 - a cache that is down keeps nothing to invalidate
        pass


def _invalidate(sender, instance=None, created=False, update_fields=None, **kwargs):
    if sender is Token and created:
        return  # a new token was never kept
    if update_fields is not None and set(update_fields) <= _HARMLESS_FIELDS:
        return
    _new_generation()
    transaction.on_commit(_new_generation)


post_delete.connect(_invalidate, sender=Token, dispatch_uid="accounts.auth.token_deleted")
post_save.connect(_invalidate, sender=Token, dispatch_uid="accounts.auth.token_saved")
post_save.connect(_invalidate, sender=get_user_model(), dispatch_uid="accounts.auth.user_saved")
post_delete.connect(_invalidate, sender=get_user_model(), dispatch_uid="accounts.auth.user_deleted")


class ActiveTokenAuthentication(TokenAuthentication):
    """DRF's token authentication (an inactive user's token gets 401), answered from the cache when it can."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        entry_key = _entry_key(key)
        try:
            found = cache.get_many([GENERATION_KEY, entry_key])
        except Exception:  # noqa: BLE001 - no cache: ask the database, as DRF does
            return self._from_database(key)
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
        kept = found.get(entry_key)
        if kept is not None and generation is not None and kept[0] == generation:
            token = kept[1]
            return token.user, token
        user, token = self._from_database(key)
        if generation is not None:
            cache.set(entry_key, (generation, token), ENTRY_SECONDS)
        return user, token

    def _from_database(self, key):
        # DRF's lookup and messages, without the password hash: it never goes into the cache (the field is
        # loaded on first use, and a save of a deferred instance writes only the fields it loaded).
        try:
            token = Token.objects.select_related("user").defer("user__password").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_(_INVALID_TOKEN)) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_(_USER_INACTIVE))
        return token.user, token
