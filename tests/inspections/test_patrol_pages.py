"""The patrol pages: the phone forms, their service worker, the list; who sees which."""
import pytest

from bureau.accounts.choices import Role
from tests.conftest import make_user
from tests.inspections import patrol_support

place, frozen_now = patrol_support.place, patrol_support.frozen_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_leader_sees_the_patrol_form_with_own_cells_only(place, web):
    response = web(place["leader_a"]).get("/inspections/patrol/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert place["a1"].code in html and place["b1"].code not in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert "劝导流动摊贩" in html  # a configured count field
    assert "06:30" in html  # the early shift's usual time is shown
    assert 'data-nav="patrols"' in html and 'data-nav="coverage"' in html
    assert response.cookies.get("csrftoken")  # the queue reads it when it sends


def test_bureau_staff_get_the_supervision_form_over_every_street(place, web, bureau_user):
    html = web(bureau_user).get("/inspections/patrol/new/").content.decode()
    assert "督查巡查" in html and place["b1"].code in html and 'id="f-street"' in html


def test_officer_reports_problems_but_files_no_patrol_report(place, web):
    client = web(place["officer_a1"])
    assert client.get("/inspections/patrol/new/").status_code == 403
    response = client.get("/inspections/report-problem/")
    assert response.status_code == 200
    assert place["a1"].code in response.content.decode()
    assert 'data-nav="report-problem"' in response.content.decode()
    assert 'data-nav="patrols"' not in response.content.decode()


def test_other_roles(place, web, client):
    assert web(place["leader_a"]).get("/inspections/report-problem/").status_code == 403
    auditor = make_user("t-aud", Role.AUDITOR)
    assert web(auditor).get("/inspections/coverage/").status_code == 403
    client.logout()
    assert client.get("/inspections/patrol/new/").status_code == 302


def test_service_worker_is_served_from_the_forms_scope(client):
    response = client.get("/inspections/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    body = response.content.decode()
    assert '"/inspections/patrol/new/"' in body and '"/inspections/report-problem/"' in body
    assert "/static/inspections/offline-queue.js" in body and "/static/leaflet/leaflet.js" in body


def test_list_page_shows_reports_with_their_cases(place, web, frozen_now):
    from datetime import date, datetime

    from inspections.services.patrols import patrol_report_file
    from tests.factories import centre_of

    lat, lng = centre_of(place["a1"])
    report = patrol_report_file(
        acting_user=place["leader_a"], date=date(2026, 11, 24), shift="early", grid_cells=[place["a1"].code],
        started_at=datetime.fromisoformat("2026-11-24T06:30:00+08:00"),
        ended_at=datetime.fromisoformat("2026-11-24T08:30:00+08:00"),
        findings=[{"category": "06010", "lat": lat, "lng": lng, "description": "垃圾", "handled_on_spot": False}],
    )
    html = web(place["leader_a"]).get("/inspections/patrols/").content.decode()
    assert report.findings.get().case.number in html
    assert web(place["leader_b"]).get("/inspections/patrols/").content.decode().count(report.findings.get().case.number) == 0


def test_dashboard_tiles(place, web, bureau_user):
    html = web(place["leader_a"]).get("/").content.decode()
    assert "今日巡查日报" in html
    html = web(bureau_user).get("/").content.decode()
    assert "今日未报巡查日报的街道" in html


def test_detail_page_shows_findings_cases_and_history_in_scope(place, web, frozen_now):
    from datetime import date, datetime

    from inspections.services.patrols import patrol_report_amend, patrol_report_file
    from tests.factories import centre_of

    lat, lng = centre_of(place["a1"])
    report = patrol_report_file(
        acting_user=place["leader_a"], date=date(2026, 11, 24), shift="early", grid_cells=[place["a1"].code],
        started_at=datetime.fromisoformat("2026-11-24T06:30:00+08:00"),
        ended_at=datetime.fromisoformat("2026-11-24T08:30:00+08:00"), summary="初稿",
        counts={"ads_removed": 4},
        findings=[{"category": "06010", "lat": lat, "lng": lng, "description": "垃圾", "handled_on_spot": True}],
    )
    patrol_report_amend(acting_user=place["leader_a"], report=report, summary="定稿", reason="补充说明")

    html = web(place["leader_a"]).get(f"/inspections/patrols/{report.pk}/").content.decode()
    assert report.findings.get().case.number in html and "清理违规广告 4" in html
    assert "定稿" in html and "初稿" in html and "补充说明" in html
    assert web(place["leader_b"]).get(f"/inspections/patrols/{report.pk}/").status_code == 404
