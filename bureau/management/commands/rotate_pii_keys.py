"""Re-encrypt and re-hash stored personal data under the current keys (the first of FIELD_ENCRYPTION_KEY
and PII_HASH_KEY), after a new key was put in front of the old ones:

    FIELD_ENCRYPTION_KEY=new,old PII_HASH_KEY=new,old manage.py rotate_pii_keys

Every app registers what it stores (`bureau.pii.rotation` in its pii module). Values already under the
current keys are left as they are, so running it again changes nothing. A value that no configured key
opens is counted as unreadable and left untouched; the command then exits with status 1, and the old key
must not be removed. Hashes kept without their number (vendors) cannot be re-made here: their old key stays
listed in PII_HASH_KEY (they are re-hashed when the vendor is registered again)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules

from bureau import pii
from bureau.audit.services import audit_record


class Command(BaseCommand):
    help = "Re-encrypt and re-hash stored personal data under the current keys (FIELD_ENCRYPTION_KEY, PII_HASH_KEY)."

    def handle(self, *args, **options):
        autodiscover_modules("pii")
        totals = {}
        for name, rotate in sorted(pii.ROTATIONS.items()):
            counts = rotate()
            totals[name] = counts
            self.stdout.write(f"{name}: {counts['rewritten']} rewritten, {counts['current']} already current, "
                              f"{counts['unreadable']} unreadable")
        audit_record(actor=None, action="pii.rotate_keys", username="system", detail=totals)
        unreadable = sum(c["unreadable"] for c in totals.values())
        if unreadable:
            raise CommandError(f"{unreadable} stored values open with none of the configured keys: keep the old "
                               "keys listed in FIELD_ENCRYPTION_KEY until they are found.")
