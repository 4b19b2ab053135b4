"""Account writes: deactivation ends every session and token at once; password changes are audited."""
from django.contrib.auth import update_session_auth_hash
from django.contrib.sessions.models import Session
from django.db import transaction
from rest_framework.authtoken.models import Token

from bureau import clock
from bureau.audit.services import audit_record

from .models import User


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
