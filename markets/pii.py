"""PIPL for vendors' and signers' phone and ID numbers (DOMAIN §8): only a mask (what is shown) and a keyed
HMAC (to find the same person again) are stored; the plain number never reaches the database."""
import hashlib
import hmac
import re

from django.conf import settings

from enforcement.pii import mask_phone, normalise_phone

__all__ = ["id_hash", "mask_id", "mask_phone", "normalise_id", "phone_hash"]


def _hmac(label: str, value: str) -> str:
    if not value:
        return ""
    key = hmac.new(settings.SECRET_KEY.encode(), f"markets.{label}".encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def normalise_id(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def phone_hash(value: str) -> str:
    return _hmac("phone", normalise_phone(value))


def id_hash(value: str) -> str:
    return _hmac("id", normalise_id(value))


def mask_id(value: str) -> str:
    """110101********1234: region code and last four only."""
    value = normalise_id(value)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
