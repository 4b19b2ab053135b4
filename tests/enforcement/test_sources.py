"""A case's source and self-handling are tied to the caller: a grid officer reports as a grid officer and
never closes a case on the spot, a leader's cases are patrol cases, bureau staff record supervision,
hotline and other cases, and nobody claims `open311` (that is the Open311 endpoint's alone)."""
import pytest

from enforcement.models import Case
from enforcement.sources import OPEN311_CHANNEL, allowed_sources
from tests.conftest import client_for
from tests.enforcement.test_api import LIST, body_for
from tests.factories import centre_of
from tests.inspections import patrol_support
from tests.inspections.patrol_support import URL as PATROL_URL
from tests.inspections.patrol_support import report_body

place, frozen_now, leader_client = patrol_support.place, patrol_support.frozen_now, patrol_support.leader_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "refused", "allowed"), [
    ("officer_a1", ["supervision", "patrol", "hotline", "other", "open311"], ["grid_officer"]),
    ("leader_a", ["supervision", "grid_officer", "hotline", "other", "open311"], ["patrol"]),
    ("bureau", ["patrol", "grid_officer", "open311"], ["supervision", "hotline", "other"]),
])
def test_each_role_reports_only_with_its_own_sources(place, bureau_user, who, refused, allowed):
    # given
    client = client_for(bureau_user if who == "bureau" else place[who])

    for source in refused:
        # when
        response = client.post(LIST, body_for(place["a1"], source=source), format="json")
        # then: a field error that names what the caller may use
        assert response.status_code == 400, (who, source)
        message = response.json()["source"][0]
        assert all(name in message for name in allowed), message
    assert Case.objects.count() == 0
    for source in allowed:
        assert client.post(LIST, body_for(place["a1"], source=source), format="json").status_code == 201
    assert sorted(Case.objects.values_list("source", flat=True)) == sorted(allowed)


def test_a_grid_officer_cannot_close_a_case_on_the_spot(place):
    # given
    client = client_for(place["officer_a1"])

    # when
    response = client.post(LIST, body_for(place["a1"], source="grid_officer", self_handled=True), format="json")
    supervision = client.post(LIST, body_for(place["a1"], source="supervision", self_handled=True), format="json")

    # then
    assert response.status_code == 400 and "self_handled" in response.json()
    assert supervision.status_code == 400
    assert Case.objects.count() == 0


def test_open311_only_through_its_channel(place, bureau_user):
    assert "open311" not in allowed_sources(bureau_user)
    assert allowed_sources(bureau_user, channel=OPEN311_CHANNEL) == ("open311",)


def test_patrol_findings_still_become_patrol_and_supervision_cases_settled_on_the_spot(
        place, leader_client, bureau_user, frozen_now):
    # given: a finding handled on the spot in each report
    a1 = centre_of(place["a1"])
    findings = [{"category": "06010", "lat": a1[0], "lng": a1[1], "description": "垃圾", "handled_on_spot": True}]

    # when a leader and bureau staff file them
    by_leader = leader_client.post(PATROL_URL, report_body(place), format="json")
    by_bureau = client_for(bureau_user).post(PATROL_URL, report_body(place, findings=findings), format="json")

    # then
    assert by_leader.status_code == 201, by_leader.json()
    assert by_bureau.status_code == 201, by_bureau.json()
    pairs = set(Case.objects.values_list("source", "self_handled"))
    assert ("patrol", True) in pairs and ("supervision", True) in pairs


def test_the_refusal_in_english_names_the_sources_with_english_punctuation(place, bureau_user):
    # given
    client = client_for(bureau_user)

    # when
    response = client.post(LIST, body_for(place["a1"], source="patrol"), format="json", HTTP_ACCEPT_LANGUAGE="en")

    # then: no enumeration comma or full-width bracket left in an English message
    message = response.json()["source"][0]
    assert response.status_code == 400
    assert message.startswith("You may only report with these sources: supervision ("), message
    assert not any(mark in message for mark in "、（）：")
