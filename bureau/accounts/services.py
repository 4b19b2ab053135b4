"""Account writes: deactivation ends every session and token at once; password changes are audited;
failed logins counted per (user, address)."""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.sessions.models import Session
from django.db import transaction
from rest_framework.authtoken.models import Token

from bureau import clock
from bureau.audit.services import audit_record

from .models import LoginFailure, User


@transaction.atomic
def user_deactivate(*, acting_user, user: User) -> User:
    user.is_active = False
    user.save(update_fields=["is_active"])
    Token.objects.filter(user=user).delete()
    for session in Session.objects.filter(expire_date__gt=clock.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    audit_record(actor=acting_user, action="account.deactivate", obj=user)
    return user


@transaction.atomic
def user_activate(*, acting_user, user: User) -> User:
    user.is_active = True
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["is_active", "failed_login_count", "locked_until"])
    LoginFailure.objects.filter(user=user).delete()
    audit_record(actor=acting_user, action="account.activate", obj=user)
    return user


@transaction.atomic
def user_change_password(*, acting_user, user: User, new_password: str, request=None) -> User:
    user.set_password(new_password)
    user.password_changed_at = clock.now()
    user.save(update_fields=["password", "password_changed_at"])
    Token.objects.filter(user=user).delete()
    if request is not None:
        update_session_auth_hash(request, user)
    audit_record(actor=acting_user, action="account.password_change", obj=user)
    return user


@transaction.atomic
def login_attempt_begin(*, user: User, address: str, now):
    """Count a login attempt of `user` from `address` before its password is checked.

    Returns the end of the lockout when the pair is locked (the password must then not be checked), else
    None. The row is locked for the count, so parallel guesses are counted one after another: the one
    that reaches LOGIN_FAILURE_LIMIT locks the pair, and none after it is checked.
    """
    row, _created = LoginFailure.objects.select_for_update().get_or_create(user=user, address=address)
    if row.locked_until and row.locked_until > now:
        return row.locked_until
    failures = (0 if row.locked_until else row.failures) + 1  # a lockout that has ended starts a new count
    locked_until = None
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    LoginFailure.objects.filter(pk=row.pk).update(failures=failures, locked_until=locked_until, last_attempt_at=now)
    return None


def login_attempt_succeeded(*, user: User, address: str) -> None:
    """The password was right: the pair's count starts again."""
    LoginFailure.objects.filter(user=user, address=address).delete()
