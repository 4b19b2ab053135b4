"""Case pages: the workbench and its queues, the case page with only the user's actions, intake, admin."""
import pytest

from enforcement.choices import CaseStatus
from enforcement.models import Case
from tests.factories import centre_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def test_workbench_for_each_field_role(login, place, report, bureau_user):
    report(cell="a1"), report(cell="b1")
    for user in (bureau_user, place["leader_a"], place["officer_a1"]):
        response = login(user).get("/cases/")
        assert response.status_code == 200
    body = login(place["leader_a"]).get("/cases/").content.decode()
    assert body.count('class="case-row"') == 1


def test_workbench_refuses_api_client_and_auditor(login, api_user, auditor_user):
    assert login(api_user).get("/cases/").status_code == 403
    assert login(auditor_user).get("/cases/").status_code == 403


def test_workbench_queues_and_filters(login, place, report, act, bureau_user):
    a = report(cell="a1")
    b = report(cell="b1")
    act(b, "register")
    client = login(bureau_user)
    to_register = client.get("/cases/?queue=to_register").content.decode()
    assert a.number in to_register and b.number not in to_register
    to_dispatch = client.get("/cases/?queue=to_dispatch").content.decode()
    assert b.number in to_dispatch and a.number not in to_dispatch
    by_street = client.get("/cases/?street=002").content.decode()
    assert b.number in by_street and a.number not in by_street
    assert client.get("/cases/?reported_after=nonsense").status_code == 200


def test_case_page_shows_only_the_users_actions(login, place, report, act, bureau_user):
    case = report(cell="a1")
    act(case, "register")
    act(case, "dispatch")
    leader_page = login(place["leader_a"]).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-action="handle"' in leader_page and 'data-action="return"' in leader_page
    assert 'id="form-close"' not in leader_page and 'id="form-dispatch"' not in leader_page
    bureau_page = login(bureau_user).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="form-handle"' not in bureau_page and 'id="form-suspend"' in bureau_page
    assert login(place["leader_b"]).get(f"/cases/{case.pk}/").status_code == 404


def test_case_page_action_post(login, place, report, act):
    case = report(cell="a1")
    act(case, "register")
    act(case, "dispatch")
    client = login(place["leader_a"])
    missing = client.post(f"/cases/{case.pk}/act/", {"action": "return", "note": ""})
    assert missing.status_code == 400
    done = client.post(f"/cases/{case.pk}/act/", {"action": "handle", "note": "已清理"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.HANDLED
    again = client.post(f"/cases/{case.pk}/act/", {"action": "handle", "note": "已清理"}, follow=True)
    assert "不能执行" in again.content.decode()
    assert client.post(f"/cases/{case.pk}/act/", {"action": "close", "note": "x"}).status_code == 403


def test_intake_form_creates_a_case(login, place, bureau_user):
    client = login(bureau_user)
    assert client.get("/cases/new/").status_code == 200
    lat, lng = centre_of(place["b2"])
    response = client.post("/cases/new/", {"category": "09006", "lat": lat, "lng": lng, "description": "占道经营",
                                           "source": "supervision", "reporter_phone": "13912345678"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.street.code, case.grid) == ("002", place["b2"])
    page = client.get(response["Location"]).content.decode()
    assert "139****5678" in page and "13912345678" not in page


def test_intake_form_outside_the_district(login, bureau_user, place):
    response = login(bureau_user).post("/cases/new/", {"category": "09006", "lat": 1, "lng": 1,
                                                       "description": "x", "source": "supervision"})
    assert response.status_code == 400
    assert "不在本区范围内" in response.content.decode()
    assert not Case.objects.exists()


def test_dashboard_tiles(login, place, report, bureau_user):
    from bureau.dashboard import tiles_for

    report(cell="a1")
    request = type("R", (), {"user": bureau_user})()
    keys = {t["key"]: t["value"] for t in tiles_for(request)}
    assert keys["cases-open"] == 1 and keys["cases-to-register"] == 1


def test_admin_edits_categories(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/enforcement/category/").status_code == 200
    assert client.get("/admin/enforcement/case/").status_code == 200


def test_bureau_reveals_a_phone_and_the_reveal_is_audited(login, place, report, bureau_user):
    from bureau.audit.models import AuditEntry

    case = report(source="hotline", reporter_phone="13812345678")
    client = login(bureau_user)
    assert "13812345678" not in client.get(f"/cases/{case.pk}/").content.decode()
    page = client.post(f"/cases/{case.pk}/reveal-phone/")
    assert "13812345678" in page.content.decode()
    assert AuditEntry.objects.filter(action="case.reveal_phone", object_id=str(case.pk)).count() == 1
    leader = login(place["leader_a"])
    assert leader.post(f"/cases/{case.pk}/reveal-phone/").status_code == 403
