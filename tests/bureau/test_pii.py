"""Personal data keys and helpers (bureau/pii.py): values stored before the derivation moved to bureau/
still decrypt and hash the same, byte for byte."""
import pytest

from bureau import pii
from enforcement import pii as case_pii
from markets import pii as market_pii

# Made by the code before the move (enforcement/pii.py and markets/pii.py deriving their own keys), with the
# test settings' SECRET_KEY and FIELD_ENCRYPTION_KEY unset or set.
STORED = {
    "": {
        "case_phone_hash": "82a400e698f4b90169a4e2e25f51b24cf1db2872ce96310bc32b1963cbe0e49c",
        "case_phone_token": "gAAAAABrDEcX0cA2beSV4DTN_Nsr6-YKYiyMN_OvUK9PeSGrQ0r1Z1iGv6D7kLwXLIfYE57XkrIptHQNNtboAU"
                            "Fa3hyj1G-Gng==",
    },
    "field-key-2026": {
        "case_phone_hash": "739565dfdd4e4bfb5f90d8b83602200f553b4264f239fb416859f628ff820a59",
        "case_phone_token": "gAAAAABrDEcX2SLiH4-Y4CFx43ZxgX9tJByjggkAHNOgSsMhVXrgP8ltF1-61T9y6YE6F8IH-2PpIct0ioDLVe"
                            "1y89SsTy7_Ww==",
    },
}
# Street commerce's hashes are keyed by SECRET_KEY alone, whatever FIELD_ENCRYPTION_KEY is.
MARKET_PHONE_HASH = "b191d1421cdd8ea19ce0dfcf7c9444d0f15237e39badd19d3fbb30cf9ef01c27"
MARKET_ID_HASH = "1fedf83d4f84621176f58122fc74b6a36943dd21b37213f799502b62bce2072a"


@pytest.mark.parametrize("field_key", ["", "field-key-2026"])
def test_values_stored_before_the_move_still_decrypt_and_hash_the_same(settings, field_key):
    # given
    settings.SECRET_KEY = "test-only-not-secret"  # noqa: S105
    settings.FIELD_ENCRYPTION_KEY = field_key
    stored = STORED[field_key]

    # then
    assert case_pii.decrypt(stored["case_phone_token"]) == "13800138000"
    assert case_pii.phone_hash("138-0013-8000") == stored["case_phone_hash"]
    assert market_pii.phone_hash("138 0013 8000") == MARKET_PHONE_HASH
    assert market_pii.id_hash("11010119900307123x") == MARKET_ID_HASH


def test_each_label_has_its_own_key(settings):
    settings.FIELD_ENCRYPTION_KEY = "k"
    assert pii.derive_key("a.hash") != pii.derive_key("a.encrypt")
    assert pii.keyed_hash("a.hash", "1") != pii.keyed_hash("b.hash", "1")
    assert pii.derive_key("a.hash", secret=b"other") != pii.derive_key("a.hash")


def test_a_token_opens_only_with_its_own_label():
    token = pii.encrypt("a.encrypt", "13800138000")
    assert pii.decrypt("a.encrypt", token) == "13800138000"
    # a token that does not open is an error, never an empty value (it used to read as "")
    with pytest.raises(pii.Undecryptable):
        pii.decrypt("b.encrypt", token)
    with pytest.raises(pii.Undecryptable):
        pii.decrypt("a.encrypt", "not-a-token")
    assert pii.encrypt("a.encrypt", "") == "" and pii.keyed_hash("a.hash", "") == ""


def test_masks():
    assert pii.mask_phone("138-1234-5678") == "138****5678"
    assert pii.mask_phone("88123456") == "******56"
    assert pii.mask_phone("123") == "***"
    assert pii.mask_id("11010119900307123x") == "110101********123X"
    assert pii.mask_id("12345") == "*****"
