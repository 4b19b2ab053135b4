"""PIPL for citizens' phone numbers (DOMAIN §8): encrypted at rest, a keyed hash for lookup, masked when shown.

Keys derive from FIELD_ENCRYPTION_KEY (or SECRET_KEY when unset) with distinct labels, so the hash key
and the encryption key are never the same bytes.
"""
import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _secret() -> bytes:
    return (settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY or "bureau-dev").encode()


def _derive(label: bytes) -> bytes:
    return hmac.new(_secret(), label, hashlib.sha256).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"enforcement.phone.encrypt")))


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s\-()+]", "", value or "")


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def phone_hash(value: str) -> str:
    value = normalise_phone(value)
    return hmac.new(_derive(b"enforcement.phone.hash"), value.encode(), hashlib.sha256).hexdigest() if value else ""


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
