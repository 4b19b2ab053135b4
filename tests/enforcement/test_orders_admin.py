"""The discretion standard is edited by bureau staff in the admin; each save is a new version."""
import json

import pytest
from django.test import Client

from enforcement.models import DiscretionStandard
from tests.enforcement.penalty_support import RULES, make_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau_user(db):
    from bureau.accounts.choices import Role
    from tests.conftest import make_user

    return make_user("adm-bureau", Role.BUREAU, is_staff=True)


def test_editing_the_standard_in_the_admin_saves_a_new_version(bureau_user):
    # given v1, and bureau staff in the admin
    v1 = make_standard(bureau_user)
    client = Client()
    client.force_login(bureau_user)
    rules = [dict(r, fine_max="150") if r["level"] == "general" else r for r in RULES]
    # when they save an edit
    response = client.post(f"/admin/enforcement/discretionstandard/{v1.pk}/change/", {
        "name": "2027 基准", "rules": json.dumps(rules), "first_offence": "[]", "legal_review_threshold": "2000",
        "note": "收窄",
    })
    # then v2 exists and v1 is unchanged
    assert response.status_code == 302
    assert list(DiscretionStandard.objects.values_list("version", flat=True)) == [2, 1]
    assert DiscretionStandard.objects.get(pk=v1.pk).rules == RULES
    assert DiscretionStandard.objects.current().rules == rules


def test_a_malformed_standard_is_refused_in_the_admin(bureau_user):
    v1 = make_standard(bureau_user)
    client = Client()
    client.force_login(bureau_user)
    response = client.post(f"/admin/enforcement/discretionstandard/{v1.pk}/change/", {
        "name": "x", "rules": json.dumps([{"category": "09006", "level": "general", "fine_min": "9",
                                          "fine_max": "1"}]), "first_offence": "[]", "legal_review_threshold": "1"})
    assert response.status_code == 200  # the form again, with the error
    assert DiscretionStandard.objects.count() == 1


def test_leaders_do_not_open_the_admin_screens(place, bureau_user):
    client = Client()
    client.force_login(place["leader_a"])
    assert client.get("/admin/enforcement/discretionstandard/").status_code in (302, 403)
