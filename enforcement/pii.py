"""Citizens' phone numbers on cases: encrypted at rest (the case handler may call back), a keyed hash to
find a repeat caller, masked when shown. The keys and the ciphers are bureau/pii.py's; this module names
the labels cases use, which must never change (stored values were made with them)."""
from bureau import pii
from bureau.pii import mask_id, mask_phone, normalise_id, normalise_phone

__all__ = ["decrypt", "encrypt", "mask_id", "mask_phone", "normalise_id", "normalise_phone", "phone_hash"]

ENCRYPT_LABEL = "enforcement.phone.encrypt"
HASH_LABEL = "enforcement.phone.hash"


def encrypt(value: str) -> str:
    return pii.encrypt(ENCRYPT_LABEL, value)


def decrypt(token: str) -> str:
    return pii.decrypt(ENCRYPT_LABEL, token)


def phone_hash(value: str) -> str:
    return pii.keyed_hash(HASH_LABEL, normalise_phone(value))


# ---------------------------------------------------------------------------------------------- parties
# A party's ID number and phone are encrypted under enforcement's own labels. Their keyed hashes are the
# district's identity hashes, which street commerce has always made for vendors (labels "markets.id" and
# "markets.phone" keyed by SECRET_KEY alone): parties use the very same ones, so a vendor's stored hash
# finds its party although the number itself was never stored. Neither derivation may ever change.
PARTY_ID_LABEL = "enforcement.party.id.encrypt"
PARTY_PHONE_LABEL = "enforcement.party.phone.encrypt"
IDENTITY_ID_HASH_LABEL = "markets.id"
IDENTITY_PHONE_HASH_LABEL = "markets.phone"


def _identity_hash(label: str, value: str) -> str:
    from django.conf import settings

    return pii.keyed_hash(label, value, secret=settings.SECRET_KEY.encode())


def party_id_hash(value: str) -> str:
    return _identity_hash(IDENTITY_ID_HASH_LABEL, pii.normalise_id(value))


def party_phone_hash(value: str) -> str:
    return _identity_hash(IDENTITY_PHONE_HASH_LABEL, normalise_phone(value))


def party_encrypt_id(value: str) -> str:
    return pii.encrypt(PARTY_ID_LABEL, pii.normalise_id(value))


def party_decrypt_id(token: str) -> str:
    return pii.decrypt(PARTY_ID_LABEL, token)


def party_encrypt_phone(value: str) -> str:
    return pii.encrypt(PARTY_PHONE_LABEL, normalise_phone(value))


def party_decrypt_phone(token: str) -> str:
    return pii.decrypt(PARTY_PHONE_LABEL, token)
