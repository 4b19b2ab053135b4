"""Personal information (PIPL): the one place keys are derived and numbers are encrypted, hashed and masked.

Collect the minimum; a phone or ID number is masked wherever shown, and what must be found again is kept
as a keyed hash (HMAC-SHA256), never in plain text. Each use derives its own key from a master secret
with a label (`derive_key`), so the hash key and the encryption key are never the same bytes, and one
app's hashes cannot be matched against another's.

Master secrets, each setting a list (newest first, comma-separated in the environment), none of them
SECRET_KEY, so rotating SECRET_KEY loses nothing:
- FIELD_ENCRYPTION_KEY encrypts (the first) and decrypts (any: Fernet's MultiFernet), so a new key is put
  first and the old one kept after it until `manage.py rotate_pii_keys` has re-encrypted everything.
- PII_HASH_KEY hashes (the first) and finds (any: `keyed_hashes`). A hash cannot be recomputed without the
  plain number: where the number is kept encrypted (citizens' phones on cases) the rotation re-hashes it;
  where only the hash is kept (vendors), an old key stays listed for as long as its hashes must match, and
  a vendor found again under an old key is re-hashed under the first.
Production requires both (bureau/settings/production.py). Without them (development, tests, the demo) the
secrets are the ones values were made with before these settings existed: SECRET_KEY for encryption and
street commerce's hashes, FIELD_ENCRYPTION_KEY (when it was set) else SECRET_KEY for the cases' hashes, so
stored values stay readable and findable. A deployment moving to its own keys lists those old secrets
after the new ones (docs/security.md, "Keys").
"""
import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class Undecryptable(ValueError):
    """A stored token opens with none of the configured keys (a lost or mistyped key, or a damaged value)."""


def _configured(name: str) -> list[bytes]:
    value = getattr(settings, name, None) or []
    if isinstance(value, str):
        value = value.split(",")
    return [key.strip().encode() for key in value if key and key.strip()]


def _legacy_secret() -> bytes:
    return (settings.SECRET_KEY or "bureau-dev").encode()


def field_secret() -> bytes:
    """The secret values were encrypted and hashed with before PII_HASH_KEY existed: FIELD_ENCRYPTION_KEY's
    first, else SECRET_KEY (kept so that stored values made that way stay readable and findable)."""
    configured = _configured("FIELD_ENCRYPTION_KEY")
    return configured[0] if configured else _legacy_secret()


def encryption_secrets() -> list[bytes]:
    """Master secrets for encryption, the current one first."""
    return _configured("FIELD_ENCRYPTION_KEY") or [_legacy_secret()]


def hash_secrets(*, legacy: bytes | None = None) -> list[bytes]:
    """Master secrets for hashes, the current one first; without PII_HASH_KEY, the caller's `legacy` secret
    (the one its stored hashes were made with), else `field_secret()`."""
    return _configured("PII_HASH_KEY") or [legacy if legacy is not None else field_secret()]


def derive_key(label: str, *, secret: bytes | None = None) -> bytes:
    """A 32-byte key for one use, HMAC-SHA256(master secret, label)."""
    return hmac.new(field_secret() if secret is None else secret, label.encode(), hashlib.sha256).digest()


def _hmac(label: str, value: str, secret: bytes) -> str:
    return hmac.new(derive_key(label, secret=secret), value.encode(), hashlib.sha256).hexdigest()


def keyed_hash(label: str, value: str, *, legacy: bytes | None = None) -> str:
    """The hex HMAC of an already normalised value under the label's current key; "" for no value."""
    if not value:
        return ""
    return _hmac(label, value, hash_secrets(legacy=legacy)[0])


def keyed_hashes(label: str, value: str, *, legacy: bytes | None = None) -> list[str]:
    """The value's hash under every configured key, the current one first (to find a value stored under an
    older key); [] for no value."""
    if not value:
        return []
    return list(dict.fromkeys(_hmac(label, value, secret) for secret in hash_secrets(legacy=legacy)))


def _fernet(label: str, secret: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive_key(label, secret=secret)))


def _multi(label: str) -> MultiFernet:
    return MultiFernet([_fernet(label, secret) for secret in encryption_secrets()])


def encrypt(label: str, value: str) -> str:
    """A Fernet token of `value` under the label's current key; "" for no value."""
    return _fernet(label, encryption_secrets()[0]).encrypt(value.encode()).decode() if value else ""


def decrypt(label: str, token: str) -> str:
    """The plain value ("" when none was stored). Raises Undecryptable when no configured key opens the
    token: a value that was stored is never silently answered as empty."""
    if not token:
        return ""
    try:
        return _multi(label).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise Undecryptable(label) from exc


def is_current(label: str, token: str) -> bool:
    """Whether the token was made with the current key (nothing to re-encrypt)."""
    try:
        _fernet(label, encryption_secrets()[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


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


# ---------------------------------------------------------------------------------------------- key rotation

# name -> function() -> {"rewritten": n, "current": n, "unreadable": n}, registered by each app's pii module
# (found by `rotate_pii_keys` through autodiscovery), so this platform module names no domain model.
ROTATIONS: dict = {}


def rotation(name: str):
    """Register an app's re-encryption of its stored values under the current keys (idempotent: a value
    already under the current keys is left as it is)."""

    def register(func):
        ROTATIONS[name] = func
        return func

    return register
