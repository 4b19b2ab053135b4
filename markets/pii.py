"""Vendors' and signers' phone and ID numbers: only a mask (what is shown) and a keyed hash (to find the
same person again) are stored; the plain number never reaches the database. The keys and masks are
bureau/pii.py's; this module names street commerce's labels, which must never change.

Hashes are made with PII_HASH_KEY's first key and found under any of its keys (`*_hashes`). Without it
(development, the demo) they are keyed by SECRET_KEY, as they always were before it existed: a stored hash
cannot be recomputed without the number, so a deployment moving to PII_HASH_KEY lists its old SECRET_KEY
after the new key for as long as its old vendors must still be recognised."""
from django.conf import settings

from bureau import pii
from bureau.pii import mask_id, mask_phone, normalise_id, normalise_phone

__all__ = ["id_hash", "id_hashes", "mask_id", "mask_phone", "normalise_id", "phone_hash", "phone_hashes"]


def _legacy() -> bytes:
    return settings.SECRET_KEY.encode()


def phone_hash(value: str) -> str:
    return pii.keyed_hash("markets.phone", normalise_phone(value), legacy=_legacy())


def id_hash(value: str) -> str:
    return pii.keyed_hash("markets.id", normalise_id(value), legacy=_legacy())


def phone_hashes(value: str) -> list[str]:
    """The phone's hash under every configured key, the current one first (to find a vendor again)."""
    return pii.keyed_hashes("markets.phone", normalise_phone(value), legacy=_legacy())


def id_hashes(value: str) -> list[str]:
    return pii.keyed_hashes("markets.id", normalise_id(value), legacy=_legacy())
