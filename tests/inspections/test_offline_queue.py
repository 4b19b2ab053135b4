"""The phones' outbox (static/inspections/offline-queue.js): one item the server will not take as it is (403 from
an assignment that ended, 413 from a proxy) is set aside as stuck with its reason, the items after it still go
out, and the user can retry or delete it; a 401 still stops the queue and asks to log in. The script runs under
Node with an in-memory IndexedDB and a scripted server (tests/inspections/js/offline_queue_check.js)."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from tests.inspections import patrol_support

place = patrol_support.place  # fixture

NODE = shutil.which("node")
CHECK = Path(__file__).parent / "js" / "offline_queue_check.js"


def _run(answers):
    out = subprocess.run([NODE, str(CHECK), json.dumps(answers)], capture_output=True, text=True, timeout=30,
                         check=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(NODE is None, reason="needs Node.js")
@pytest.mark.parametrize("status", [403, 413, 404])
def test_a_stuck_item_is_set_aside_and_the_next_ones_go_out(status):
    # when: the first of three items gets a 4xx the queue cannot fix by waiting
    result = _run([[status, {"detail": "街道任职已结束"}], [201, {"id": 1}], [201, {"id": 2}]])

    # then: it is stuck with its reason, and the other two were sent
    assert [(i["label"], i["state"]) for i in result["afterFlush"]] == [
        ("first", "stuck"), ("second", "sent"), ("third", "sent")]
    assert result["afterFlush"][0]["lastError"] == str(status)
    assert result["afterFlush"][0]["detail"] == "街道任职已结束"


@pytest.mark.skipif(NODE is None, reason="needs Node.js")
def test_retrying_a_stuck_item_sends_it_again_with_the_same_key():
    result = _run([[403, {"detail": "x"}], [201, {"id": 1}], [201, {"id": 2}], [201, {"id": 3}]])
    assert [i["state"] for i in result["afterRetry"]] == ["sent", "sent", "sent"]
    first_key = result["sent"][0]["key"]
    assert [s["key"] for s in result["sent"] if s["label"] == "first"] == [first_key, first_key]


@pytest.mark.skipif(NODE is None, reason="needs Node.js")
def test_a_401_still_stops_the_queue_and_keeps_everything():
    result = _run([[401, {"detail": "login"}], [201, {"id": 1}]])
    assert [i["state"] for i in result["afterFlush"]] == ["auth", "queued", "queued"]
    assert len(result["sent"]) == 1


@pytest.mark.django_db
def test_the_form_pages_carry_the_stuck_messages(place):
    # given
    client = Client()
    client.force_login(place["leader_a"])

    # when
    page = client.get("/inspections/patrol/new/").content.decode()

    # then
    config = json.loads(page.split('id="field-config" type="application/json">')[1].split("</script>")[0])
    assert {"stuck", "retry", "stuckNote"} <= set(config["messages"])
    assert "%(status)s" in config["messages"]["stuckNote"]


@pytest.mark.django_db
def test_a_report_for_an_ended_assignment_is_a_403_with_a_reason_the_outbox_can_show(place):
    # given: the leader's assignment has ended
    from rest_framework.test import APIClient

    from grids.models import StreetLeaderAssignment

    StreetLeaderAssignment.objects.filter(user=place["leader_a"]).update(end=patrol_support.at(2025, 1, 1))
    client = APIClient()
    client.force_login(place["leader_a"])

    # when
    response = client.post(patrol_support.URL, patrol_support.report_body(place), format="json",
                           HTTP_IDEMPOTENCY_KEY="ended-1")

    # then
    assert response.status_code == 403
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]
