"""Account writes. Every change of who may do what is made by the security administrator and audited; a change
of password, role or standing ends the account's sessions and tokens at once. Failed logins are counted per
(user, address)."""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from bureau.audit.services import audit_record

from .models import LoginFailure, User

# The fields that say what an account may do: a change to any of them is a role change.
PRIVILEGE_FIELDS = ("role", "is_superuser", "is_staff", "is_active")
# Fields whose old and new values go into the audit row of an account change (never the password hash).
AUDITED_FIELDS = (*PRIVILEGE_FIELDS, "username", "first_name", "last_name", "email", "phone")


def _end_sessions(user: User, *, keep_session_key: str | None = None) -> None:
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep_session_key:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


def _revoke_tokens(user: User) -> None:
    AuthToken.objects.filter(user=user).delete()


def token_issue(*, user: User) -> str:
    """A new API token for `user` (after their credentials were checked), valid for API_TOKEN_HOURS; returns
    the token to hand over once: only its digest is stored."""
    _instance, token = AuthToken.objects.create(user)
    return token


def tokens_purge_expired(*, now=None) -> int:
    """Delete the tokens past their expiry (they are refused anyway; this keeps the table small)."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=now or timezone.now()).delete()
    return deleted


def _require_security_admin(acting_user) -> None:
    if not getattr(acting_user, "is_security_admin", False):
        raise PermissionDenied(_("只有安全管理员可以管理账号与角色。"))


@transaction.atomic
def user_deactivate(*, acting_user, user: User) -> User:
    user.is_active = False
    user.save(update_fields=["is_active"])
    _revoke_tokens(user)
    _end_sessions(user)
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
def user_save(*, acting_user, user: User) -> User:
    """Create or change an account (the admin's user form): the security administrator's alone.

    The security administrator cannot change their own role or standing (another must), and the model's
    rules keep the three administrators apart. A new account's first password counts as expired, so its owner
    sets their own at the first login. A change of role, superuser, staff or active status ends
    the account's sessions and tokens, so its next request is made with what it may do now.
    """
    _require_security_admin(acting_user)
    before = User.objects.filter(pk=user.pk).first() if user.pk else None
    changes = {
        name: [getattr(before, name) if before else None, getattr(user, name)]
        for name in AUDITED_FIELDS
        if before is None or getattr(before, name) != getattr(user, name)
    }
    privileges = [name for name in PRIVILEGE_FIELDS if before is not None and name in changes]
    if privileges and user.pk == acting_user.pk:
        raise ValidationError(_("不能修改自己的角色或权限，请由另一位安全管理员办理。"))
    if before is None:
        # The security administrator chose the first password: its owner must replace it at the first login.
        user.password_changed_at = None
    user.full_clean()
    user.save()
    if before is None:
        audit_record(actor=acting_user, action="account.create", obj=user, detail={"changes": changes})
        return user
    if changes:
        audit_record(actor=acting_user, action="account.update", obj=user, detail={"changes": changes})
    if privileges:
        audit_record(actor=acting_user, action="account.role_change", obj=user,
                     detail={name: changes[name] for name in privileges})
        _revoke_tokens(user)
        _end_sessions(user)
    return user


@transaction.atomic
def user_change_password(*, acting_user, user: User, new_password: str, request=None) -> User:
    """A user changes their own password: checked against the password rules; their other sessions and
    every token end, the session they changed it in goes on."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    _revoke_tokens(user)
    keep = None
    if request is not None:
        update_session_auth_hash(request, user)
        keep = request.session.session_key
    _end_sessions(user, keep_session_key=keep)
    audit_record(actor=acting_user, action="account.password_change", obj=user)
    return user


@transaction.atomic
def user_reset_password(*, acting_user, user: User, new_password: str | None) -> User:
    """The security administrator sets another account's password (or disables password login with None):
    every session and token of the account ends, and its owner must change the password at the next login."""
    _require_security_admin(acting_user)
    if new_password is None:
        user.set_unusable_password()
    else:
        validate_password(new_password, user)
        user.set_password(new_password)
    # Only its owner should know the password: it counts as expired until they set their own.
    user.password_changed_at = None
    user.save(update_fields=["password", "password_changed_at"])
    _revoke_tokens(user)
    _end_sessions(user)
    audit_record(actor=acting_user, action="account.password_reset", obj=user,
                 detail={"usable": new_password is not None})
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
