"""Personal information (PIPL): the one place keys are derived and numbers are encrypted, hashed and masked.

Collect the minimum; a phone or ID number is masked wherever shown, and what must be found again is kept
as a keyed hash (HMAC-SHA256), never in plain text. Each use derives its own key from a master secret
with a label (`derive_key`), so the hash key and the encryption key are never the same bytes, and one
app's hashes cannot be matched against another's.

The master secret is FIELD_ENCRYPTION_KEY, or SECRET_KEY when that is unset (`field_secret`). Street
commerce's hashes were keyed by SECRET_KEY alone from the start, so its callers pass `secret=SECRET_KEY`:
a hash cannot be recomputed without the plain number, which is never stored, so the derivation of stored
values must never change.
"""
import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def field_secret() -> bytes:
    """The master secret for personal data: FIELD_ENCRYPTION_KEY, else SECRET_KEY."""
    return (settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY or "bureau-dev").encode()


def derive_key(label: str, *, secret: bytes | None = None) -> bytes:
    """A 32-byte key for one use, HMAC-SHA256(master secret, label)."""
    return hmac.new(field_secret() if secret is None else secret, label.encode(), hashlib.sha256).digest()


def keyed_hash(label: str, value: str, *, secret: bytes | None = None) -> str:
    """The hex HMAC of an already normalised value under the label's key; "" for no value."""
    if not value:
        return ""
    return hmac.new(derive_key(label, secret=secret), value.encode(), hashlib.sha256).hexdigest()


def _fernet(label: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive_key(label)))


def encrypt(label: str, value: str) -> str:
    """A Fernet token of `value` under the label's key; "" for no value."""
    return _fernet(label).encrypt(value.encode()).decode() if value else ""


def decrypt(label: str, token: str) -> str:
    """The plain value, or "" when there is none or the token does not open with the label's key."""
    if not token:
        return ""
    try:
        return _fernet(label).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s\-()+]", "", value or "")


def mask_phone(value: str) -> str:
    """138****5678: the first three and last four digits; shorter numbers keep only their last two."""
    value = normalise_phone(value)
    if not value:
        return ""
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) > 4:
        return "*" * (len(value) - 2) + value[-2:]
    return "*" * len(value)


def normalise_id(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def mask_id(value: str) -> str:
    """110101********1234: region code and last four only."""
    value = normalise_id(value)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
