"""Citizens' phone numbers on cases: encrypted at rest (the case handler may call back), a keyed hash to
find a repeat caller, masked when shown. The keys and the ciphers are bureau/pii.py's; this module names
the labels cases use, which must never change (stored values were made with them)."""
from bureau import pii
from bureau.pii import mask_phone, normalise_phone

__all__ = ["decrypt", "encrypt", "mask_phone", "normalise_phone", "phone_hash"]

ENCRYPT_LABEL = "enforcement.phone.encrypt"
HASH_LABEL = "enforcement.phone.hash"


def encrypt(value: str) -> str:
    return pii.encrypt(ENCRYPT_LABEL, value)


def decrypt(token: str) -> str:
    return pii.decrypt(ENCRYPT_LABEL, token)


def phone_hash(value: str) -> str:
    return pii.keyed_hash(HASH_LABEL, normalise_phone(value))
