"""Idempotency-Key on patrol report submission (bureau/api/idempotency.py)."""
import threading

import pytest
from django.db import connection

from bureau import clock
from bureau.idempotency.models import IdempotencyRecord
from enforcement.models import Case
from inspections.models import PatrolReport
from tests.conftest import client_for
from tests.inspections import patrol_support
from tests.inspections.patrol_support import NOW, URL, report_body

place, frozen_now, leader_client = patrol_support.place, patrol_support.frozen_now, patrol_support.leader_client
reference_data = patrol_support.reference_data


@pytest.mark.django_db
def test_same_report_posted_ten_times_with_one_key_gives_one_report_and_ten_identical_responses(
        place, leader_client, frozen_now):
    # given
    body = report_body(place)

    # when
    responses = [leader_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-001") for _ in range(10)]

    # then
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert PatrolReport.objects.count() == 1
    assert Case.objects.count() == 2
    assert responses[1]["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_same_key_with_a_changed_body_gets_422_and_creates_nothing(place, leader_client, frozen_now):
    # given
    assert leader_client.post(URL, report_body(place), format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201

    # when
    response = leader_client.post(URL, report_body(place, summary="另一份"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    # then
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert PatrolReport.objects.count() == 1


@pytest.mark.django_db
def test_body_compared_as_parsed_json_key_order_and_spacing_do_not_matter(place, leader_client, frozen_now):
    import json

    body = report_body(place)
    first = leader_client.post(URL, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    second = leader_client.post(URL, reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert PatrolReport.objects.count() == 1


@pytest.mark.django_db
def test_after_a_5xx_the_key_is_free_again(place, frozen_now, monkeypatch):
    # given: the service fails once, as a crashed database call would
    from inspections.services import patrols

    original = patrols.patrol_report_file
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return original(**kwargs)

    monkeypatch.setattr(patrols, "patrol_report_file", flaky)
    client = client_for(place["leader_a"])
    client.raise_request_exception = False
    body = report_body(place)

    # when
    failed = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    retried = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")

    # then
    assert failed.status_code == 500
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried
    assert PatrolReport.objects.count() == 1
    assert IdempotencyRecord.objects.get().response_status == 201


@pytest.mark.django_db
def test_validation_400_is_stored_and_replayed(place, leader_client, frozen_now):
    body = report_body(place, date="2026-12-31")
    first = leader_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    second = leader_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    assert first.status_code == second.status_code == 400
    assert first.content == second.content
    assert second["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_a_403_is_not_stored(place, frozen_now):
    officer = client_for(place["officer_a1"])
    assert officer.post(URL, report_body(place), format="json", HTTP_IDEMPOTENCY_KEY="k-5").status_code == 403
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "a\x00b", "a\nb"])  # control characters: not an HTTP value
def test_key_must_be_1_to_255_characters(place, leader_client, frozen_now, key):
    response = leader_client.post(URL, report_body(place), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "255" in str(response.json())
    assert PatrolReport.objects.count() == 0


@pytest.mark.django_db
def test_key_of_255_characters_is_fine(place, leader_client, frozen_now):
    response = leader_client.post(URL, report_body(place), format="json", HTTP_IDEMPOTENCY_KEY="y" * 255)
    assert response.status_code == 201


@pytest.mark.django_db
def test_keys_are_scoped_to_the_user(place, frozen_now, bureau_client):
    # given: the leader used the key
    body = report_body(place)
    assert client_for(place["leader_a"]).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201

    # when: bureau staff use the same key for their own report
    response = bureau_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")

    # then: a report of their own, not the leader's replayed
    assert response.status_code == 201
    assert response.json()["source"] == "supervision"
    assert PatrolReport.objects.count() == 2


@pytest.mark.django_db
def test_an_abandoned_in_progress_key_is_taken_over_at_once(place, leader_client, frozen_now):
    # given: a request that died after marking the key in progress (as an older version did), just now
    from django.utils import timezone

    IdempotencyRecord.objects.create(user=place["leader_a"], key="k-6", fingerprint="0" * 64, method="POST", path=URL,
                                     created_at=timezone.now())

    # when
    response = leader_client.post(URL, report_body(place), format="json", HTTP_IDEMPOTENCY_KEY="k-6")

    # then
    assert response.status_code == 201


@pytest.mark.django_db
def test_purge_forgets_old_keys(place):
    from django.utils import timezone

    from bureau.api.idempotency import idempotency_purge_expired

    old = timezone.now() - timezone.timedelta(days=40)
    IdempotencyRecord.objects.create(user=place["leader_a"], key="old", fingerprint="0", method="POST", path=URL, created_at=old)
    IdempotencyRecord.objects.create(user=place["leader_a"], key="new", fingerprint="0", method="POST", path=URL,
                                     created_at=timezone.now())
    assert idempotency_purge_expired() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_replay_while_the_first_is_still_in_progress_gets_409(place, reference_data, monkeypatch):
    # given: the first request is held inside the service until released
    from inspections.services import patrols

    original = patrols.patrol_report_file
    started, release = threading.Event(), threading.Event()

    def slow(**kwargs):
        started.set()
        assert release.wait(20)
        return original(**kwargs)

    monkeypatch.setattr(patrols, "patrol_report_file", slow)
    body = report_body(place)
    results = {}

    def first():
        try:
            with clock.frozen(NOW):
                results["first"] = client_for(place["leader_a"]).post(URL, body, format="json",
                                                                      HTTP_IDEMPOTENCY_KEY="k-concurrent")
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(20)

    # when: the same key arrives on another connection meanwhile
    with clock.frozen(NOW):
        second = client_for(place["leader_a"]).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-concurrent")
    release.set()
    thread.join(30)

    # then
    assert second.status_code == 409
    assert "处理中" in second.json()["detail"]
    assert results["first"].status_code == 201
    assert PatrolReport.objects.count() == 1
    with clock.frozen(NOW):
        third = client_for(place["leader_a"]).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-concurrent")
    assert third.status_code == 201 and third.json() == results["first"].json()


def _hold_the_first_call(monkeypatch):
    """Make the first patrol_report_file wait (recording its database session) until released; later calls
    run at once."""
    from inspections.services import patrols

    original = patrols.patrol_report_file
    state = {"calls": 0, "pid": None, "started": threading.Event(), "release": threading.Event()}

    def held(**kwargs):
        state["calls"] += 1
        if state["calls"] == 1:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                state["pid"] = cursor.fetchone()[0]
            state["started"].set()
            assert state["release"].wait(20)
        return original(**kwargs)

    monkeypatch.setattr(patrols, "patrol_report_file", held)
    return state


def _post_in_a_thread(user, body, key, results):
    def run():
        try:
            client = client_for(user)
            client.raise_request_exception = False
            with clock.frozen(NOW):
                results["first"] = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_slow_request_is_never_run_a_second_time_beside_itself(place, reference_data, monkeypatch, settings):
    # given: the first request is still running, longer than any in-progress timeout (an old version freed the
    # key after IDEMPOTENCY_IN_PROGRESS_SECONDS; zero here, so that version would run the replay at once)
    settings.IDEMPOTENCY_IN_PROGRESS_SECONDS = 0
    held = _hold_the_first_call(monkeypatch)
    body, results = report_body(place), {}
    thread = _post_in_a_thread(place["leader_a"], body, "k-slow", results)
    assert held["started"].wait(20)

    # when: the phone retries meanwhile
    with clock.frozen(NOW):
        second = client_for(place["leader_a"]).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-slow")
    held["release"].set()
    thread.join(30)

    # then: 409 while it runs, and the report and its cases are stored once
    assert second.status_code == 409
    assert results["first"].status_code == 201
    assert PatrolReport.objects.count() == 1
    assert Case.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_whose_connection_died_frees_its_key_at_once(place, reference_data, monkeypatch):
    # given: the first request is inside its work when its worker dies (its database session is ended)
    held = _hold_the_first_call(monkeypatch)
    body, results = report_body(place), {}
    thread = _post_in_a_thread(place["leader_a"], body, "k-killed", results)
    assert held["started"].wait(20)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [held["pid"]])

    # when: the phone retries at once
    with clock.frozen(NOW):
        retry = client_for(place["leader_a"]).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-killed")
    held["release"].set()
    thread.join(30)

    # then: the retry did the work, once; the dead request left nothing behind
    assert retry.status_code == 201, retry.content
    assert "Idempotent-Replayed" not in retry
    assert results["first"].status_code == 500
    assert PatrolReport.objects.count() == 1
    assert Case.objects.count() == 2
    with clock.frozen(NOW):
        again = client_for(place["leader_a"]).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-killed")
    assert again.status_code == 201 and again.json() == retry.json() and again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_grid_officers_case_report_with_a_key_is_filed_once(place, frozen_now):
    # given: the grid officer's phone resends its queued report (multipart, as the form sends it)
    from tests.factories import centre_of

    lat, lng = centre_of(place["a1"])
    officer = client_for(place["officer_a1"])
    body = {"category": "06010", "lat": lat, "lng": lng, "description": "垃圾满溢", "source": "grid_officer"}

    # when
    first = officer.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="case-1")
    again = officer.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="case-1")
    changed = officer.post("/api/v1/cases/", {**body, "description": "别的"}, HTTP_IDEMPOTENCY_KEY="case-1")

    # then
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert changed.status_code == 422
    case = Case.objects.get()
    assert case.source == "grid_officer" and case.reported_by == place["officer_a1"]


@pytest.mark.django_db
def test_a_403_raised_by_the_service_frees_the_key_and_keeps_its_audit_entry(place, frozen_now):
    # given a leader who leads no street at the moment (the service refuses with 403)
    from bureau.audit.models import AuditEntry
    from tests.conftest import make_user

    loner = client_for(make_user("leader-none", "leader"))

    # when the report is sent with a key
    response = loner.post(URL, report_body(place), format="json", HTTP_IDEMPOTENCY_KEY="k-403")

    # then nothing is stored for replay, and the denial stays in the audit log
    assert response.status_code == 403
    assert IdempotencyRecord.objects.count() == 0
    assert AuditEntry.objects.filter(action="permission.denied").count() == 1
