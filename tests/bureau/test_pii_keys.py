"""Personal data has keys of its own (PIPL): production refuses to start without FIELD_ENCRYPTION_KEY and
PII_HASH_KEY; keys rotate (the first encrypts and hashes, any decrypts and finds); a token no key opens is an
error, never an empty number; vendors are recognised whatever SECRET_KEY becomes; `rotate_pii_keys` moves
stored values to the current keys, and running it again changes nothing."""
import json

import pytest
from django.core.management import CommandError, call_command

from bureau import pii
from bureau.audit.models import AuditEntry
from enforcement import pii as case_pii
from markets import pii as market_pii
from tests.bureau.test_settings import LONG_KEY, PII_KEYS, _run
from tests.factories import centre_of

OLD_SECRET = "test-only-not-secret"  # the test settings' SECRET_KEY: what values were made with until now
NEW = "new-field-key-0123456789abcdefghijklmnop"
NEW_HASH = "new-hash-key-0123456789abcdefghijklmnopq"


# ---------------------------------------------------------------------------------------------- production


@pytest.mark.parametrize("name", ["FIELD_ENCRYPTION_KEY", "PII_HASH_KEY"])
def test_production_refuses_to_start_without_each_key(name):
    # when
    result = _run("import django; django.setup()", "bureau.settings.production", SECRET_KEY=LONG_KEY,
                  ALLOWED_HOSTS="bureau.example.gov.cn", **{name: None})

    # then
    assert result.returncode != 0
    assert name in result.stderr and "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize("value", ["short", LONG_KEY])
def test_production_refuses_a_short_key_or_the_secret_key_itself(value):
    result = _run("import django; django.setup()", "bureau.settings.production", SECRET_KEY=LONG_KEY,
                  ALLOWED_HOSTS="bureau.example.gov.cn", FIELD_ENCRYPTION_KEY=value)
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEY" in result.stderr


def test_production_reads_several_keys_newest_first_and_may_keep_the_old_secret_key_after_them():
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.FIELD_ENCRYPTION_KEY, s.PII_HASH_KEY]))")
    result = _run(code, "bureau.settings.production", SECRET_KEY=LONG_KEY, ALLOWED_HOSTS="bureau.example.gov.cn",
                  FIELD_ENCRYPTION_KEY=f"{NEW},{LONG_KEY}", PII_HASH_KEY=PII_KEYS["PII_HASH_KEY"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [[NEW, LONG_KEY], [PII_KEYS["PII_HASH_KEY"]]]


# ---------------------------------------------------------------------------------------------- rotation


def test_the_first_key_encrypts_and_any_decrypts(settings):
    # given a value stored under the old key
    settings.FIELD_ENCRYPTION_KEY = ["old-key-0123456789abcdefghijklmnopqrs"]
    token = case_pii.encrypt("13800138000")

    # when a new key is put first
    settings.FIELD_ENCRYPTION_KEY = [NEW, "old-key-0123456789abcdefghijklmnopqrs"]

    # then the old value still opens, and new values are made with the new key alone
    assert case_pii.decrypt(token) == "13800138000"
    fresh = case_pii.encrypt("13900139000")
    settings.FIELD_ENCRYPTION_KEY = [NEW]
    assert case_pii.decrypt(fresh) == "13900139000"
    with pytest.raises(pii.Undecryptable):
        case_pii.decrypt(token)


def test_a_token_no_key_opens_raises_instead_of_reading_as_empty(settings):
    token = case_pii.encrypt("13800138000")
    settings.FIELD_ENCRYPTION_KEY = [NEW]
    with pytest.raises(pii.Undecryptable):
        case_pii.decrypt(token)
    with pytest.raises(pii.Undecryptable):
        case_pii.decrypt("gAAAA-not-a-token")
    assert case_pii.decrypt("") == ""


def test_secret_key_no_longer_keys_anything_once_the_pii_keys_are_set(settings):
    # given
    settings.FIELD_ENCRYPTION_KEY, settings.PII_HASH_KEY = [NEW], [NEW_HASH]
    token, case_hash, vendor_hash = (case_pii.encrypt("13800138000"), case_pii.phone_hash("13800138000"),
                                     market_pii.phone_hash("13800138000"))

    # when SECRET_KEY is rotated
    settings.SECRET_KEY = "a-completely-different-secret-key-for-sessions-0123456789"

    # then
    assert case_pii.decrypt(token) == "13800138000"
    assert case_pii.phone_hash("13800138000") == case_hash
    assert market_pii.phone_hash("13800138000") == vendor_hash


@pytest.mark.django_db
def test_a_vendor_is_recognised_after_secret_key_changes(settings, bureau_user):
    from markets.services import vendor_register

    # given a vendor registered under the hash key
    settings.PII_HASH_KEY = [NEW_HASH]
    first = vendor_register(acting_user=bureau_user, name="王某", phone="13800138000")

    # when SECRET_KEY is rotated and the vendor is met again
    settings.SECRET_KEY = "a-completely-different-secret-key-for-sessions-0123456789"
    again = vendor_register(acting_user=bureau_user, name="王某", phone="138 0013 8000")

    # then
    assert again.pk == first.pk


@pytest.mark.django_db
def test_a_vendor_hashed_under_the_old_secret_is_found_under_a_listed_old_key_and_rehashed(settings, bureau_user):
    from markets.models import Vendor
    from markets.services import vendor_register

    # given a vendor hashed the old way (no PII_HASH_KEY: SECRET_KEY)
    first = vendor_register(acting_user=bureau_user, name="王某", phone="13800138000", id_number="11010119900307123X")
    old_hash = first.phone_hash

    # when the deployment moves to its own hash key, the old secret listed after it, and SECRET_KEY rotates
    settings.PII_HASH_KEY = [NEW_HASH, OLD_SECRET]
    settings.SECRET_KEY = "a-completely-different-secret-key-for-sessions-0123456789"
    again = vendor_register(acting_user=bureau_user, name="王某", phone="13800138000")

    # then the same vendor, now hashed under the current key (the ID hash too? only what was given)
    assert again.pk == first.pk
    stored = Vendor.objects.get(pk=first.pk)
    assert stored.phone_hash == market_pii.phone_hash("13800138000") != old_hash
    assert vendor_register(acting_user=bureau_user, name="王某", id_number="11010119900307123x").pk == first.pk


# ---------------------------------------------------------------------------------------------- rotate_pii_keys


@pytest.fixture
def legacy_cases(two_streets, bureau_user):
    """Two cases with reporters' phones and one without, stored the old way (keys derived from SECRET_KEY)."""
    from enforcement.services import case_report

    lat, lng = centre_of(two_streets["a1"])
    return [case_report(acting_user=bureau_user, category="06010", lat=lat, lng=lng, description="噪音",
                        source="hotline", reporter_phone=phone) for phone in ("13800138000", "13900139000", "")]


@pytest.mark.django_db
def test_rotate_pii_keys_moves_stored_values_to_the_new_keys_and_a_second_run_writes_nothing(settings, legacy_cases,
                                                                                            capsys):
    from enforcement.models import Case

    # given the deployment's new keys, the old secret kept after the new encryption key
    before = {c.pk: (c.reporter_phone_encrypted, c.reporter_phone_hash) for c in Case.objects.all()}
    settings.FIELD_ENCRYPTION_KEY, settings.PII_HASH_KEY = [NEW, OLD_SECRET], [NEW_HASH]

    # when
    call_command("rotate_pii_keys")

    # then every stored phone opens with the new key alone and is hashed under the new hash key
    assert "2 rewritten, 0 already current, 0 unreadable" in capsys.readouterr().out
    settings.FIELD_ENCRYPTION_KEY = [NEW]
    for case in Case.objects.exclude(reporter_phone_encrypted=""):
        plain = case_pii.decrypt(case.reporter_phone_encrypted)
        assert case.reporter_phone_hash == case_pii.phone_hash(plain)
        assert (case.reporter_phone_encrypted, case.reporter_phone_hash) != before[case.pk]
    assert AuditEntry.objects.filter(action="pii.rotate_keys").count() == 1

    # when run again
    after = {c.pk: (c.reporter_phone_encrypted, c.reporter_phone_hash) for c in Case.objects.all()}
    call_command("rotate_pii_keys")

    # then nothing was written
    assert "0 rewritten, 2 already current, 0 unreadable" in capsys.readouterr().out
    assert {c.pk: (c.reporter_phone_encrypted, c.reporter_phone_hash) for c in Case.objects.all()} == after


@pytest.mark.django_db
def test_rotate_pii_keys_fails_when_a_value_opens_with_no_key_and_leaves_it(settings, legacy_cases):
    from enforcement.models import Case

    # given the old secret forgotten in the new configuration
    settings.FIELD_ENCRYPTION_KEY, settings.PII_HASH_KEY = [NEW], [NEW_HASH]
    before = set(Case.objects.values_list("reporter_phone_encrypted", flat=True))

    # when / then
    with pytest.raises(CommandError, match="2 stored values"):
        call_command("rotate_pii_keys")
    assert set(Case.objects.values_list("reporter_phone_encrypted", flat=True)) == before
