"""The register of parties: found again by ID number across streets, numbers encrypted and masked, named by
cases; street commerce's vendors and shops point at their party."""
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from bureau.audit.models import AuditEntry
from enforcement.models import Party
from enforcement.services.parties import (
    PartyForbidden,
    case_set_party,
    party_register,
    party_reveal,
)

ID = "36080219900101123X"


@pytest.fixture
def person(bureau_user):
    return party_register(acting_user=bureau_user, name="张三", id_number=ID, phone="138 0000 5678")


def test_a_party_is_found_again_by_its_id_number(bureau_user, place, person):
    # when a leader of another street enters the same person again, with a phone of their own
    again = party_register(acting_user=place["leader_b"], name="张 三", id_number=ID.lower(), phone="13900001111")
    # then it is the same party, and nothing it had was overwritten
    assert again.pk == person.pk
    assert Party.objects.count() == 1
    assert again.phone_masked == "138****5678"


def test_numbers_are_encrypted_hashed_and_masked(bureau_user, person):
    row = Party.objects.get(pk=person.pk)
    assert row.id_number_masked == "360802********123X"
    assert ID not in row.id_number_encrypted and "13800005678" not in row.phone_encrypted
    assert len(row.id_number_hash) == 64
    # and the full values come back only to bureau staff, audited
    assert party_reveal(acting_user=bureau_user, party=row) == {"id_number": ID, "phone": "13800005678"}
    assert AuditEntry.objects.filter(action="party.reveal").count() == 1


def test_reveal_is_refused_to_a_leader(place, person):
    with pytest.raises(PartyForbidden):
        party_reveal(acting_user=place["leader_a"], party=person)


def test_a_phone_alone_finds_the_party_only_with_its_name(bureau_user, person):
    assert party_register(acting_user=bureau_user, name="张三", phone="13800005678").pk == person.pk
    other = party_register(acting_user=bureau_user, name="张四", phone="13800005678")
    assert other.pk != person.pk


@pytest.mark.parametrize("bad", [{"name": " "}, {"name": "x", "id_number": "12-34"}, {"name": "x", "phone": "abc"},
                                 {"name": "x", "kind": "alien"}])
def test_bad_input_is_refused(bureau_user, bad):
    with pytest.raises(ValidationError):
        party_register(acting_user=bureau_user, **bad)


def test_officers_do_not_register_parties(place):
    with pytest.raises(PartyForbidden):
        party_register(acting_user=place["officer_a1"], name="李四")


def test_case_names_its_party_at_report_and_later(report, place, person, bureau_user):
    # given a case reported with its party, and one without
    named = report(party=person)
    unnamed = report()
    assert named.party == person and unnamed.party is None
    # when the street's leader names the party of the other
    case_set_party(acting_user=place["leader_a"], case=unnamed, party=person.pk)
    # then both name it, and the step is audited
    assert set(person.cases.values_list("pk", flat=True)) == {named.pk, unnamed.pk}
    assert AuditEntry.objects.filter(action="case.set_party").count() == 1


def test_only_the_case_street_leader_or_bureau_names_the_party(report, place, person):
    case = report()
    for user in (place["leader_b"], place["officer_a1"]):
        with pytest.raises(PartyForbidden):
            case_set_party(acting_user=user, case=case, party=person)


def test_an_unknown_party_is_a_validation_error(report, bureau_user):
    with pytest.raises(ValidationError):
        report(party=999999)


def test_party_seen_through_its_cases(report, place, person):
    case_b = report(cell="b1")
    case_set_party(acting_user=place["leader_b"], case=case_b, party=person)
    assert list(Party.objects.visible_to(place["leader_b"])) == [person]
    assert not Party.objects.visible_to(place["leader_a"]).exists()


# ---------------------------------------------------------------------------------------------- markets


def test_a_vendor_points_at_its_party_found_by_the_same_hash(bureau_user, person):
    from markets.services import vendor_register

    # when street commerce registers a vendor with the party's ID number
    vendor = vendor_register(acting_user=bureau_user, name="张三", id_number=ID)
    # then the vendor points at that party, not a new one
    assert vendor.party_id == person.pk
    assert vendor.id_number_hash == person.id_number_hash


def test_a_shop_gets_an_organisation_party(bureau_user, place):
    from markets.services import shop_register

    shop = shop_register(acting_user=bureau_user, name="好运来超市", address="井冈山大道 1 号", street=place["a"])
    assert shop.party.kind == "organisation" and shop.party.name == "好运来超市"


def test_the_migration_gives_existing_vendors_and_shops_a_party(bureau_user, place, person):
    # given rows registered before parties existed (no party), one vendor being a known party
    from bureau import clock
    from markets.models import Shop, Vendor

    known = Vendor.objects.create(name="张三", id_number_hash=person.id_number_hash, id_number_masked="x",
                                  created_at=clock.now())
    new = Vendor.objects.create(name="王五", phone_hash="f" * 64, phone_masked="137****0000", created_at=clock.now())
    shop = Shop.objects.create(name="老店", address="古南路 2 号", street=place["a"])
    migration = importlib.import_module("markets.migrations.0005_party")
    editor = SimpleNamespace(connection=connection)
    # when the data migration runs (twice: it is idempotent)
    migration.parties_for_existing(apps, editor)
    migration.parties_for_existing(apps, editor)
    # then each points at a party, the known vendor at the known one, and their history is untouched
    known.refresh_from_db(), new.refresh_from_db(), shop.refresh_from_db()
    assert known.party_id == person.pk
    assert new.party.phone_hash == "f" * 64 and new.party.phone_masked == "137****0000"
    assert shop.party.kind == "organisation"
    assert Party.objects.count() == 3
