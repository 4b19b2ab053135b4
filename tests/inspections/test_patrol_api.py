"""Patrol reports over REST: filing, the rules (each a 4xx that stores nothing), scope, amendment."""
import base64
import io

import pytest
from PIL import Image

from bureau import clock
from enforcement.models import Case
from inspections.models import PatrolFinding, PatrolReport, PatrolReportRevision
from tests.conftest import client_for, make_user
from tests.factories import centre_of
from tests.inspections import patrol_support
from tests.inspections.patrol_support import NOW, URL, at, report_body

place, frozen_now, leader_client = patrol_support.place, patrol_support.frozen_now, patrol_support.leader_client
reference_data = patrol_support.reference_data

pytestmark = pytest.mark.django_db


def _nothing_stored():
    assert PatrolReport.objects.count() == 0
    assert PatrolFinding.objects.count() == 0
    assert Case.objects.count() == 0


def _jpeg(size=(8, 8)) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format="JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


# ---------------------------------------------------------------------------------------------- filing


def test_leader_files_report_and_each_finding_becomes_a_case(place, leader_client, frozen_now):
    # given
    body = report_body(place)

    # when
    response = leader_client.post(URL, body, format="json")

    # then
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["source"] == "patrol"
    assert data["street"] == {"code": "001", "name": "古南街道"}
    assert data["grid_cells"] == sorted([place["a1"].code, place["a2"].code])
    assert data["team"] == "张三、李四"
    assert data["counts"] == {"vendors_persuaded": 3, "ads_removed": 2}
    settled, open_ = data["findings"]
    assert settled["handled_on_spot"] is True and settled["case"]["status"] == "closed"
    assert settled["case"]["self_handled"] is True
    assert open_["case"]["status"] == "reported" and open_["case"]["self_handled"] is False
    assert open_["grid"] == {"code": place["a2"].code}
    cases = Case.objects.order_by("pk")
    assert [c.source for c in cases] == ["patrol", "patrol"]
    assert [c.self_handled for c in cases] == [True, False]
    assert cases[1].number == open_["case"]["number"]
    report = PatrolReport.objects.get()
    assert report.recorded_at == NOW and report.leader == place["leader_a"]


def test_bureau_files_supervision_patrol_over_any_street(place, bureau_client, frozen_now):
    # given: cells of both streets, one finding not handled in street 002
    b1 = centre_of(place["b1"])
    body = report_body(place, cells=("a1", "b1"), findings=[
        {"category": "07001", "lat": b1[0], "lng": b1[1], "description": "非法小广告", "handled_on_spot": False}])

    # when
    response = bureau_client.post(URL, body, format="json")

    # then
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "supervision"
    assert response.json()["street"] is None  # crosses streets
    case = Case.objects.get()
    assert case.source == "supervision" and case.street == place["b"]


def test_photos_as_base64_reach_the_case(place, leader_client, frozen_now):
    # given
    a1 = centre_of(place["a1"])
    body = report_body(place, findings=[{"category": "06010", "lat": a1[0], "lng": a1[1], "description": "垃圾",
                                         "handled_on_spot": False, "photos": [_jpeg(), _jpeg((9, 9))]}])

    # when
    response = leader_client.post(URL, body, format="json")

    # then
    assert response.status_code == 201, response.json()
    assert response.json()["findings"][0]["photo_count"] == 2
    assert Case.objects.get().photos.count() == 2


# ---------------------------------------------------------------------------------------------- rules


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"date": "2026-11-25"}, "date", "晚于今天"),
    ({"ended_at": "2026-11-24T06:00:00+08:00"}, "ended_at", "结束时间须晚于开始时间"),
    ({"ended_at": "2026-11-24T18:00:00+08:00"}, "ended_at", "晚于当前时间"),
    ({"grid_cells": ["360802001001999"]}, "grid_cells", "360802001001999"),
    ({"grid_cells": []}, "grid_cells", ""),
    ({"shift": "noon"}, "shift", ""),
    ({"counts": {"no_such_count": 1}}, "counts", "no_such_count"),
    ({"counts": {"ads_removed": -1}}, "counts", "ads_removed"),
    ({"track": [[999, 1]]}, "track", "无效"),
])
def test_invalid_report_is_400_with_message_and_stores_nothing(place, leader_client, frozen_now, change, field, words):
    # when
    response = leader_client.post(URL, report_body(place, **change), format="json")

    # then
    assert response.status_code == 400
    assert field in response.json()
    assert words in " ".join(map(str, response.json()[field]))
    _nothing_stored()


def test_leader_may_not_file_over_another_streets_cells(place, leader_client, frozen_now):
    # when
    response = leader_client.post(URL, report_body(place, cells=("a1", "b1", "b2")), format="json")

    # then: 400 naming exactly the foreign cells
    assert response.status_code == 400
    message = response.json()["grid_cells"][0]
    assert place["b1"].code in message and place["b2"].code in message and place["a1"].code not in message
    _nothing_stored()


def test_finding_outside_the_leaders_street_stores_nothing(place, leader_client, frozen_now):
    # given: the first finding is fine, the second lies in street 002
    a1, b1 = centre_of(place["a1"]), centre_of(place["b1"])
    body = report_body(place, findings=[
        {"category": "06010", "lat": a1[0], "lng": a1[1], "description": "垃圾", "handled_on_spot": False},
        {"category": "06010", "lat": b1[0], "lng": b1[1], "description": "垃圾", "handled_on_spot": False},
    ])

    # when
    response = leader_client.post(URL, body, format="json")

    # then: the report and the first finding's case are not kept either
    assert response.status_code == 400
    assert "第 2 项发现" in response.json()["findings"][0]
    _nothing_stored()


def test_unknown_category_stores_nothing(place, leader_client, frozen_now):
    a1 = centre_of(place["a1"])
    body = report_body(place, findings=[{"category": "99999", "lat": a1[0], "lng": a1[1], "description": "x"}])
    response = leader_client.post(URL, body, format="json")
    assert response.status_code == 400 and "99999" in response.json()["findings"][0]
    _nothing_stored()


def test_limits_on_findings_photos_and_sizes(place, leader_client, frozen_now, settings, monkeypatch):
    from inspections.services import patrols

    a1 = centre_of(place["a1"])
    one = {"category": "06010", "lat": a1[0], "lng": a1[1], "description": "垃圾", "handled_on_spot": False}

    # too many findings
    monkeypatch.setattr(patrols, "MAX_FINDINGS", 2)
    response = leader_client.post(URL, report_body(place, findings=[one] * 3), format="json")
    assert response.status_code == 400 and "最多 2 项" in response.json()["findings"][0]

    # too many photos on one finding
    response = leader_client.post(URL, report_body(place, findings=[{**one, "photos": [_jpeg()] * 5}]), format="json")
    assert response.status_code == 400 and "findings" in response.json()

    # a photo too large
    monkeypatch.setattr(patrols, "MAX_PHOTO_BYTES", 100)
    response = leader_client.post(URL, report_body(place, findings=[{**one, "photos": [_jpeg((64, 64))]}]), format="json")
    assert response.status_code == 400 and "超过" in response.json()["findings"][0]

    # not base64, not a picture
    monkeypatch.setattr(patrols, "MAX_PHOTO_BYTES", 5 * 1024 * 1024)
    response = leader_client.post(URL, report_body(place, findings=[{**one, "photos": ["%%%"]}]), format="json")
    assert response.status_code == 400 and "base64" in response.json()["findings"][0]
    response = leader_client.post(URL, report_body(place, findings=[{**one, "photos": [base64.b64encode(b"hello").decode()]}]),
                                  format="json")
    assert response.status_code == 400
    _nothing_stored()


def test_roles(place, frozen_now, anon_client, api_client_role):
    body = report_body(place)
    assert anon_client.post(URL, body, format="json").status_code == 401
    assert anon_client.get(URL).status_code == 401
    assert api_client_role.post(URL, body, format="json").status_code == 403
    assert client_for(place["officer_a1"]).post(URL, body, format="json").status_code == 403
    assert client_for(place["officer_a1"]).get(URL).status_code == 403
    _nothing_stored()


def test_leader_without_a_street_gets_403(place, frozen_now):
    loner = make_user("leader-none", "leader")
    response = client_for(loner).post(URL, report_body(place), format="json")
    assert response.status_code == 403 and "街道" in response.json()["detail"]
    _nothing_stored()


# ---------------------------------------------------------------------------------------------- reading


@pytest.fixture
def two_reports(place, frozen_now):
    from inspections.services.patrols import patrol_report_file

    def file(user, cells, day="2026-11-24"):
        from datetime import date, datetime

        return patrol_report_file(
            acting_user=user, date=date.fromisoformat(day), shift="day", grid_cells=[place[c].code for c in cells],
            started_at=datetime.fromisoformat(f"{day}T09:00:00+08:00"),
            ended_at=datetime.fromisoformat(f"{day}T11:00:00+08:00"), summary="巡查", findings=[],
        )

    return file(place["leader_a"], ["a1"]), file(place["leader_b"], ["b1", "b2"], "2026-11-23")


def test_scope_another_streets_report_is_404_for_a_leader(place, two_reports, leader_client, bureau_client):
    report_a, report_b = two_reports
    assert leader_client.get(f"{URL}{report_a.pk}/").status_code == 200
    assert leader_client.get(f"{URL}{report_b.pk}/").status_code == 404
    assert leader_client.patch(f"{URL}{report_b.pk}/", {"summary": "x"}, format="json").status_code == 404
    assert [r["id"] for r in leader_client.get(URL).json()["results"]] == [report_a.pk]
    assert bureau_client.get(f"{URL}{report_b.pk}/").status_code == 200
    assert bureau_client.get(URL).json()["count"] == 2


@pytest.mark.parametrize(("query", "expected"), [
    ("date=2026-11-24", ["a"]),
    ("date_after=2026-11-24", ["a"]),
    ("date_before=2026-11-23", ["b"]),
    ("street=002", ["b"]),
    ("street=999", []),
    ("shift=day", ["a", "b"]),
    ("shift=night", []),
    ("source=patrol", ["a", "b"]),
    ("source=supervision", []),
])
def test_filters(two_reports, bureau_client, query, expected):
    ids = {"a": two_reports[0].pk, "b": two_reports[1].pk}
    response = bureau_client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert sorted(r["id"] for r in response.json()["results"]) == sorted(ids[k] for k in expected)


def test_list_query_count_is_the_same_for_one_and_many(place, bureau_client, frozen_now, django_assert_num_queries):
    from datetime import date, datetime

    from inspections.services.patrols import patrol_report_file

    def file(n_findings):
        a1 = centre_of(place["a1"])
        return patrol_report_file(
            acting_user=place["leader_a"], date=date(2026, 11, 24), shift="day", grid_cells=[place["a1"].code],
            started_at=datetime.fromisoformat("2026-11-24T09:00:00+08:00"),
            ended_at=datetime.fromisoformat("2026-11-24T11:00:00+08:00"),
            findings=[{"category": "06010", "lat": a1[0], "lng": a1[1], "description": "垃圾",
                       "handled_on_spot": bool(i % 2)} for i in range(n_findings)],
        )

    file(1)
    with django_assert_num_queries(4):  # count, page (+street, leader), cells, findings (+category, case, grid)
        assert len(bureau_client.get(URL).json()["results"]) == 1
    for n in range(6):
        file(n)
    with django_assert_num_queries(4):
        assert len(bureau_client.get(URL).json()["results"]) == 7


# ---------------------------------------------------------------------------------------------- amendment


def test_leader_amends_same_day_and_history_keeps_the_previous_body(place, two_reports, leader_client):
    report = two_reports[0]

    # when
    response = leader_client.patch(f"{URL}{report.pk}/", {"summary": "补充：下午复查", "grid_cells": [
        place["a1"].code, place["a2"].code], "reason": "漏填网格"}, format="json")

    # then
    assert response.status_code == 200, response.json()
    assert response.json()["summary"] == "补充：下午复查"
    assert response.json()["revision_count"] == 1
    revision = PatrolReportRevision.objects.get()
    assert revision.body["summary"] == "巡查" and revision.body["grid_cells"] == [place["a1"].code]
    assert revision.reason == "漏填网格" and revision.amended_by == place["leader_a"]


def test_amendment_rules(place, two_reports, leader_client, bureau_client):
    report = two_reports[0]
    # findings are cases now: not amendable here
    response = leader_client.patch(f"{URL}{report.pk}/", {"findings": []}, format="json")
    assert response.status_code == 400 and "案件" in response.json()["findings"][0]
    # foreign cells: 400
    response = leader_client.patch(f"{URL}{report.pk}/", {"grid_cells": [place["b1"].code]}, format="json")
    assert response.status_code == 400 and place["b1"].code in response.json()["grid_cells"][0]
    # another leader of the same street cannot amend it
    other = make_user("leader-a2", "leader")
    from grids.models import StreetLeaderAssignment

    StreetLeaderAssignment.objects.filter(user=place["leader_a"]).update(end=at(2026, 11, 24, 12))
    StreetLeaderAssignment.objects.create(street=place["a"], user=other, start=at(2026, 11, 24, 12))
    assert client_for(other).patch(f"{URL}{report.pk}/", {"summary": "x"}, format="json").status_code == 403
    assert PatrolReportRevision.objects.count() == 0


def test_report_is_locked_after_the_grace_period_except_for_bureau_staff(place, two_reports, leader_client,
                                                                        bureau_client, settings):
    settings.PATROL_AMEND_GRACE_HOURS = 6
    report = two_reports[0]  # dated 2026-11-24: amendable until 2026-11-25 06:00

    with clock.frozen(at(2026, 11, 25, 5, 59)):
        assert leader_client.patch(f"{URL}{report.pk}/", {"summary": "还来得及"}, format="json").status_code == 200
    with clock.frozen(at(2026, 11, 25, 6, 1)):
        response = leader_client.patch(f"{URL}{report.pk}/", {"summary": "太晚了"}, format="json")
        assert response.status_code == 409
        assert "锁定" in response.json()["detail"]
        assert bureau_client.patch(f"{URL}{report.pk}/", {"summary": "区局更正"}, format="json").status_code == 200
    report.refresh_from_db()
    assert report.summary == "区局更正" and report.revision_count == 2


def test_multipart_report_with_photo_files(place, leader_client, frozen_now):
    # given: the report as JSON in `report`, the first finding's photo as a file
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    body = report_body(place)
    jpeg = base64.b64decode(_jpeg().split(",", 1)[1])

    # when
    response = leader_client.post(URL, {
        "report": json.dumps(body), "findings[1].photos": SimpleUploadedFile("a.jpg", jpeg, "image/jpeg"),
    }, format="multipart")

    # then
    assert response.status_code == 201, response.json()
    assert [f["photo_count"] for f in response.json()["findings"]] == [0, 1]
    assert Case.objects.get(number=response.json()["findings"][1]["case"]["number"]).photos.count() == 1


def test_multipart_errors_are_400(place, leader_client, frozen_now):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    jpeg = base64.b64decode(_jpeg().split(",", 1)[1])
    assert leader_client.post(URL, {"x": "1"}, format="multipart").status_code == 400
    assert leader_client.post(URL, {"report": "{"}, format="multipart").status_code == 400
    response = leader_client.post(URL, {"report": json.dumps(report_body(place)),
                                        "findings[5].photos": SimpleUploadedFile("a.jpg", jpeg)}, format="multipart")
    assert response.status_code == 400 and "第 6 项" in response.json()["findings"][0]
    _nothing_stored()


def test_amendment_history_endpoint(place, two_reports, leader_client):
    report = two_reports[0]
    leader_client.patch(f"{URL}{report.pk}/", {"summary": "一改"}, format="json")
    leader_client.patch(f"{URL}{report.pk}/", {"summary": "二改", "reason": "补充"}, format="json")
    rows = leader_client.get(f"{URL}{report.pk}/revisions/").json()
    assert [(r["number"], r["body"]["summary"]) for r in rows] == [(1, "巡查"), (2, "一改")]
    assert rows[1]["reason"] == "补充" and rows[0]["amended_by"] == "leader-001"
    assert leader_client.get(f"{URL}{two_reports[1].pk}/revisions/").status_code == 404


def test_count_fields_and_shifts_for_phone_apps(place, leader_client, anon_client, api_client_role):
    from inspections.models import PatrolCountField

    PatrolCountField.objects.filter(code="sites_inspected").update(is_active=False)
    body = leader_client.get("/api/v1/patrol-count-fields/").json()
    codes = [f["code"] for f in body["results"]]
    assert "vendors_persuaded" in codes and "sites_inspected" not in codes
    assert {"code": "early", "name": "早班", "usual_times": "06:30–09:00"} in body["shifts"]
    assert anon_client.get("/api/v1/patrol-count-fields/").status_code == 401
    assert api_client_role.get("/api/v1/patrol-count-fields/").status_code == 403


def test_revisions_are_append_only(place, two_reports, leader_client):
    from inspections.models.patrols import RevisionIsAppendOnly

    leader_client.patch(f"{URL}{two_reports[0].pk}/", {"summary": "改"}, format="json")
    revision = PatrolReportRevision.objects.get()
    with pytest.raises(RevisionIsAppendOnly):
        revision.save()
    with pytest.raises(RevisionIsAppendOnly):
        PatrolReportRevision.objects.update(reason="x")
    with pytest.raises(RevisionIsAppendOnly):
        PatrolReportRevision.objects.all().delete()


@pytest.mark.django_db(transaction=True)  # committed, as in production: the cell index is built once, not per case
def test_filing_runs_a_pinned_number_of_statements(reference_data, place, leader_client, frozen_now,
                                                   django_assert_num_queries):
    # given a report with one finding settled on the spot and one open, each with a photo, after a first filing
    # (the cell index and the gazetteer's road index are then warm, as in a running server)
    body = report_body(place)
    for finding in body["findings"]:
        finding["photos"] = [_jpeg()]
    assert leader_client.post(URL, report_body(place, summary="先报一份"), format="json").status_code == 201

    # when it is filed, then: the leader's streets, the cells, the count fields, the report, its cells, the
    # findings' categories (one query for all), the district approvals in force during the patrol (one read for
    # all findings); per finding, inside its savepoint (2): the scope check, the number (one upsert), the case,
    # its event, its photo, its audit entry (a settled one: its closing and closing event too); the findings, the
    # report's audit entry; the transaction's BEGIN and COMMIT; and the answer's three reads. (65 before: the
    # number's counter in three statements, its uniqueness and each CHECK constraint validated by a query each,
    # every event's seq read back, the leader's streets read thrice; 34 while each finding's address read every
    # road segment, before the gazetteer kept them in memory.)
    with django_assert_num_queries(32):
        response = leader_client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()

    # and each more finding costs its own statements only (8: no lookup is repeated per finding)
    body["findings"].append({**body["findings"][1], "description": "又一处暴露垃圾"})
    body["summary"] = "三项发现"
    with django_assert_num_queries(32 + 8):
        assert leader_client.post(URL, body, format="json").status_code == 201
