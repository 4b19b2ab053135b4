"""The administrators' second factor (MLPS 2.0: two factors for administrators), with django-otp.

The system, security and audit administrators (`User.requires_second_factor`) confirm a one-time code after
their password: a TOTP code from an authenticator app (RFC 6238, 30-second steps, one step of clock
difference allowed, each code accepted once), or one of their single-use recovery codes. The security
administrator enrols the authenticator and issues recovery codes in the admin; `manage.py totp_enrol`
enrols the first administrator of a new installation from the server's shell.
"""
import base64
import binascii
import secrets

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bureau.audit.models import AuditEntry
from bureau.audit.services import audit_record

from .models import User

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"
RECOVERY_CODE_COUNT = 10


def _require_enroller(acting_user) -> None:
    # None: the platform itself (seed_demo, the bootstrap command run on the server)
    if acting_user is not None and not getattr(acting_user, "is_security_admin", False):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("只有安全管理员可以管理动态口令。"))


def has_second_factor(user: User) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def secret_to_key(secret_base32: str) -> str:
    """A base32 secret (as authenticator apps show it) as the hex key django-otp stores."""
    cleaned = secret_base32.replace(" ", "").upper()
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the TOTP secret is not valid base32") from exc
    if len(raw) < 10:
        raise ValueError("the TOTP secret is shorter than 80 bits")
    return raw.hex()


def key_to_secret(hex_key: str) -> str:
    return base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")


@transaction.atomic
def totp_enrol(*, acting_user, user: User, secret_base32: str | None = None) -> TOTPDevice:
    """Give `user` a new authenticator secret (random unless given), replacing any earlier one. The caller
    shows the secret (`key_to_secret(device.key)`) or `device.config_url` to the user once."""
    _require_enroller(acting_user)
    TOTPDevice.objects.filter(user=user).delete()
    key = secret_to_key(secret_base32) if secret_base32 else secrets.token_hex(20)
    device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)
    device.full_clean()
    device.save()
    audit_record(actor=acting_user, action="account.totp_enrol", obj=user, username="system")
    return device


@transaction.atomic
def recovery_codes_issue(*, acting_user, user: User, count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """New single-use recovery codes for `user`, replacing any earlier ones; returned to be shown once."""
    _require_enroller(acting_user)
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_record(actor=acting_user, action="account.recovery_codes", obj=user, detail={"count": count},
                 username="system")
    return codes


def second_factor_verify(*, user: User, code, request=None):
    """The device that accepts `code` for `user` (a TOTP code or a recovery code, each used once), or None.
    A wrong code is audited; django-otp slows down each device after failures."""
    code = str(code or "").strip().replace(" ", "").lower()
    if code and len(code) <= 16:
        with transaction.atomic():
            for device in devices_for_user(user, confirmed=True, for_verify=True):
                if device.verify_token(code):
                    return device
    audit_record(actor=None, action="auth.otp_failed", outcome=AuditEntry.Outcome.FAILURE, request=request,
                 username=user.get_username())
    return None
