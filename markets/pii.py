"""Vendors' and signers' phone and ID numbers: only a mask (what is shown) and a keyed hash (to find the
same person again) are stored; the plain number never reaches the database. The keys and masks are
bureau/pii.py's; this module names street commerce's labels and master secret, which must never change:
its hashes have always been keyed by SECRET_KEY alone (not FIELD_ENCRYPTION_KEY), and a stored hash
cannot be recomputed without the number."""
from django.conf import settings

from bureau import pii
from bureau.pii import mask_id, mask_phone, normalise_id, normalise_phone

__all__ = ["id_hash", "mask_id", "mask_phone", "normalise_id", "phone_hash"]


def _hash(label: str, value: str) -> str:
    return pii.keyed_hash(f"markets.{label}", value, secret=settings.SECRET_KEY.encode())


def phone_hash(value: str) -> str:
    return _hash("phone", normalise_phone(value))


def id_hash(value: str) -> str:
    return _hash("id", normalise_id(value))
