"""Citizens' phone numbers on cases: encrypted at rest (the case handler may call back), a keyed hash to
find a repeat caller, masked when shown. The keys and the ciphers are bureau/pii.py's; this module names
the labels cases use, which must never change (stored values were made with them)."""
from bureau import pii
from bureau.pii import Undecryptable, mask_id, mask_phone, normalise_id, normalise_phone

__all__ = ["Undecryptable", "decrypt", "encrypt", "mask_id", "mask_phone", "normalise_id", "normalise_phone",
           "phone_hash"]

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


def _legacy_identity_secret() -> bytes:
    """What identity hashes were keyed by before PII_HASH_KEY (still, when it is unset)."""
    from django.conf import settings

    return settings.SECRET_KEY.encode()


def party_id_hash(value: str) -> str:
    return pii.keyed_hash(IDENTITY_ID_HASH_LABEL, pii.normalise_id(value), legacy=_legacy_identity_secret())


def party_phone_hash(value: str) -> str:
    return pii.keyed_hash(IDENTITY_PHONE_HASH_LABEL, normalise_phone(value), legacy=_legacy_identity_secret())


def party_id_hashes(value: str) -> list[str]:
    """The ID number's hash under every configured key, the current one first (to find a party again)."""
    return pii.keyed_hashes(IDENTITY_ID_HASH_LABEL, pii.normalise_id(value), legacy=_legacy_identity_secret())


def party_phone_hashes(value: str) -> list[str]:
    return pii.keyed_hashes(IDENTITY_PHONE_HASH_LABEL, normalise_phone(value), legacy=_legacy_identity_secret())


def party_encrypt_id(value: str) -> str:
    return pii.encrypt(PARTY_ID_LABEL, pii.normalise_id(value))


def party_decrypt_id(token: str) -> str:
    return pii.decrypt(PARTY_ID_LABEL, token)


def party_encrypt_phone(value: str) -> str:
    return pii.encrypt(PARTY_PHONE_LABEL, normalise_phone(value))


def party_decrypt_phone(token: str) -> str:
    return pii.decrypt(PARTY_PHONE_LABEL, token)


BATCH = 500


@pii.rotation("enforcement.case_reporter_phone")
def rotate_case_phones() -> dict:
    """Re-encrypt and re-hash every case's reporter phone under the current keys; a value no configured key
    opens is counted as unreadable and left as it is."""
    from .models import Case

    return _rotate(Case.objects.exclude(reporter_phone_encrypted=""), "reporter_phone_encrypted", ENCRYPT_LABEL,
                   hash_field="reporter_phone_hash", hasher=phone_hash)


@pii.rotation("enforcement.open311_email")
def rotate_open311_emails() -> dict:
    from .open311.models import ServiceRequest

    return _rotate(ServiceRequest.objects.exclude(email_encrypted=""), "email_encrypted", ENCRYPT_LABEL)


@pii.rotation("enforcement.party_id_number")
def rotate_party_id_numbers() -> dict:
    from .models import Party

    return _rotate(Party.objects.exclude(id_number_encrypted=""), "id_number_encrypted", PARTY_ID_LABEL,
                   hash_field="id_number_hash", hasher=party_id_hash)


@pii.rotation("enforcement.party_phone")
def rotate_party_phones() -> dict:
    from .models import Party

    return _rotate(Party.objects.exclude(phone_encrypted=""), "phone_encrypted", PARTY_PHONE_LABEL,
                   hash_field="phone_hash", hasher=party_phone_hash)


def _rotate(queryset, field, label, *, hash_field=None, hasher=None) -> dict:
    from django.db import transaction

    counts = {"rewritten": 0, "current": 0, "unreadable": 0}
    fields = [field] + ([hash_field] if hash_field else [])
    last = 0
    while True:
        with transaction.atomic():
            rows = list(queryset.filter(pk__gt=last).order_by("pk").select_for_update().only("pk", *fields)[:BATCH])
            if not rows:
                return counts
            last = rows[-1].pk
            changed = []
            for row in rows:
                token = getattr(row, field)
                try:
                    plain = pii.decrypt(label, token)
                except pii.Undecryptable:
                    counts["unreadable"] += 1
                    continue
                dirty = False
                if not pii.is_current(label, token):
                    setattr(row, field, pii.encrypt(label, plain))
                    dirty = True
                if hash_field and getattr(row, hash_field) != hasher(plain):
                    setattr(row, hash_field, hasher(plain))
                    dirty = True
                if dirty:
                    changed.append(row)
                else:
                    counts["current"] += 1
            queryset.model.objects.bulk_update(changed, fields)
            counts["rewritten"] += len(changed)
