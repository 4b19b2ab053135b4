"""Citizens' phone numbers on cases: encrypted at rest (the case handler may call back), a keyed hash to
find a repeat caller, masked when shown. The keys and the ciphers are bureau/pii.py's; this module names
the labels cases use, which must never change (stored values were made with them)."""
from bureau import pii
from bureau.pii import Undecryptable, mask_phone, normalise_phone

__all__ = ["Undecryptable", "decrypt", "encrypt", "mask_phone", "normalise_phone", "phone_hash"]

ENCRYPT_LABEL = "enforcement.phone.encrypt"
HASH_LABEL = "enforcement.phone.hash"


def encrypt(value: str) -> str:
    return pii.encrypt(ENCRYPT_LABEL, value)


def decrypt(token: str) -> str:
    return pii.decrypt(ENCRYPT_LABEL, token)


def phone_hash(value: str) -> str:
    return pii.keyed_hash(HASH_LABEL, normalise_phone(value))


BATCH = 500


@pii.rotation("enforcement.case_reporter_phone")
def rotate_case_phones() -> dict:
    """Re-encrypt and re-hash every case's reporter phone under the current keys; a value no configured key
    opens is counted as unreadable and left as it is."""
    from .models import Case

    return _rotate(Case.objects.exclude(reporter_phone_encrypted=""), "reporter_phone_encrypted",
                   hash_field="reporter_phone_hash", hasher=phone_hash)


@pii.rotation("enforcement.open311_email")
def rotate_open311_emails() -> dict:
    from .open311.models import ServiceRequest

    return _rotate(ServiceRequest.objects.exclude(email_encrypted=""), "email_encrypted")


def _rotate(queryset, field, *, hash_field=None, hasher=None) -> dict:
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
                    plain = decrypt(token)
                except pii.Undecryptable:
                    counts["unreadable"] += 1
                    continue
                dirty = False
                if not pii.is_current(ENCRYPT_LABEL, token):
                    setattr(row, field, encrypt(plain))
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
