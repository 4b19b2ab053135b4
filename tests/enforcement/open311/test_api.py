"""GeoReport v2 endpoints: formats, errors exactly as the specification, filing, filters, privacy."""
import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from enforcement.models import Case
from tests.factories import BASE_LAT, BASE_LNG

from .conftest import V2

pytestmark = pytest.mark.django_db


def _xml(content):
    return ET.fromstring(content)  # noqa: S314 - the answer of our own server under test


def _errors_json(response, status):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert isinstance(body, list) and body
    assert all(set(e) == {"code", "description"} and e["code"] == status and e["description"] for e in body)
    return body


def _errors_xml(response, status):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = _xml(response.content)
    assert root.tag == "errors"
    errors = root.findall("error")
    assert errors and all(e.findtext("code") == str(status) and e.findtext("description") for e in errors)
    return errors


# ---------------------------------------------------------------------------------------------- services


def test_services_are_the_categories_with_group_keywords_and_metadata(web, place):
    # when
    response = web.get(f"{V2}/services.json")
    # then
    assert response.status_code == 200
    services = {s["service_code"]: s for s in response.json()}
    assert services["06010"]["service_name"] == "暴露垃圾"
    assert services["06010"]["group"] == "市容环境"
    assert services["06010"]["type"] == "realtime"
    assert services["06010"]["metadata"] is False
    assert services["09006"]["metadata"] is True  # 占道经营 asks what is sold
    assert "占道经营" in services["09006"]["keywords"]
    assert all(len(code) == 5 and code.isdigit() for code in services)


def test_services_in_xml(web, place):
    response = web.get(f"{V2}/services.xml")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = _xml(response.content)
    assert root.tag == "services"
    first = root.find("service")
    assert [c.tag for c in first] == ["service_code", "service_name", "description", "metadata", "type",
                                      "keywords", "group"]
    assert {s.findtext("metadata") for s in root.findall("service")} == {"true", "false"}


def test_service_definition_lists_attributes_in_order(web, place):
    response = web.get(f"{V2}/services/09006.json")
    body = response.json()
    assert body["service_code"] == "09006"
    goods, stalls = body["attributes"]
    assert (goods["code"], goods["datatype"], goods["required"], goods["order"]) == ("goods", "singlevaluelist", True, 1)
    assert {"key": "food", "name": "餐饮小吃"} in goods["values"]
    assert (stalls["datatype"], stalls["required"], stalls["order"]) == ("number", False, 2)
    root = _xml(web.get(f"{V2}/services/09006.xml").content)
    assert root.tag == "service_definition"
    assert [v.findtext("key") for v in root.find("attributes").find("attribute").find("values")] == [
        "fruit_veg", "food", "daily", "other"]


def test_unknown_service_is_404_in_both_formats(web, place):
    _errors_json(web.get(f"{V2}/services/99999.json"), 404)
    _errors_xml(web.get(f"{V2}/services/99999.xml"), 404)


def test_discovery_names_the_endpoint_and_how_to_get_a_key(web, place):
    body = web.get(f"{V2}/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert "/open311/" in body["key_service"]
    root = _xml(web.get(f"{V2}/discovery.xml").content)
    assert [f.text for f in root.find("endpoints").find("endpoint").find("formats")] == ["text/xml",
                                                                                         "application/json"]


def test_an_unknown_resource_or_jurisdiction_is_404(web, place):
    _errors_json(web.get(f"{V2}/nothing.json"), 404)
    _errors_xml(web.get(f"{V2}/nothing.xml"), 404)
    _errors_json(web.get(f"{V2}/services.json", {"jurisdiction_id": "110101"}), 404)
    assert web.get(f"{V2}/services.json", {"jurisdiction_id": "360802"}).status_code == 200


# ---------------------------------------------------------------------------------------------- POST


def test_post_without_a_key_or_with_a_wrong_or_revoked_key_is_403(post, key, bureau_user):
    from bureau.audit.models import AuditEntry
    from enforcement.open311.services import api_key_revoke

    _errors_json(post(api_key=None), 403)
    _errors_json(post(api_key="not-a-key"), 403)
    _errors_xml(post("xml", api_key="not-a-key"), 403)
    api_key_revoke(acting_user=bureau_user, api_key=key)
    _errors_json(post(), 403)
    assert not Case.objects.exists()
    assert AuditEntry.objects.filter(action="permission.denied").count() == 4


def test_post_files_a_case_with_source_open311(post, key, place):
    # when
    response = post(phone="13812345678", email="zhang@example.com", first_name="三", last_name="张",
                    media_url="https://img.example.com/1.jpg", account_id="u-1")
    # then
    assert response.status_code == 201, response.content
    (body,) = response.json()
    case = Case.objects.get(number=body["service_request_id"])
    assert body["service_notice"] == "派遣后 4 工作时内处置"
    assert body["account_id"] == "u-1"
    assert (case.source, case.reported_by, case.street, case.grid) == ("open311", key.user, place["a"], place["a1"])
    assert case.reporter_name == "张三"
    assert case.reporter_phone_masked == "138****5678"
    assert "13812345678" not in case.reporter_phone_encrypted
    assert case.address  # the gazetteer wrote one
    filed = case.open311
    assert filed.email_masked == "z***@example.com" and "zhang@" not in filed.email_encrypted
    assert filed.api_key == key
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_post_in_xml_answers_in_xml(post):
    response = post("xml")
    assert response.status_code == 201
    root = _xml(response.content)
    assert root.tag == "service_requests"
    assert root.find("request").findtext("service_request_id")
    assert root.find("request").find("account_id").text is None


def test_post_outside_the_district_is_400(post):
    body = _errors_json(post(lat=BASE_LAT - 1, long=BASE_LNG - 1), 400)
    assert "lat" in body[0]["description"]
    _errors_xml(post("xml", lat=BASE_LAT - 1, long=BASE_LNG - 1), 400)
    _errors_json(post(lat="north", long="east"), 400)
    _errors_json(post(lat=None), 400)  # long alone
    _errors_json(post(lat=None, long=None), 400)  # neither a point nor an address


def test_unknown_service_on_post_is_404_and_a_missing_one_400(post):
    _errors_json(post(service_code="99999"), 404)
    _errors_json(post(service_code=""), 400)


def test_description_of_4001_characters_is_400_and_4000_is_filed(post):
    _errors_json(post(description="垃" * 4001), 400)
    assert post(description="垃" * 4000).status_code == 201


def test_attributes_are_checked_against_the_service_definition(post):
    _errors_json(post(service_code="09006"), 400)  # goods is required
    _errors_json(post(service_code="09006", **{"attribute[goods]": "guns"}), 400)
    _errors_json(post(service_code="09006", **{"attribute[goods]": "food", "attribute[colour]": "red"}), 400)
    _errors_json(post(service_code="09006", **{"attribute[goods]": "food", "attribute[stalls]": "many"}), 400)
    response = post(service_code="09006", **{"attribute[goods]": "food", "attribute[stalls]": "3"})
    assert response.status_code == 201
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert case.open311.attributes == {"goods": "food", "stalls": "3"}
    assert "经营的物品：餐饮小吃" in case.events.get(seq=1).note  # staff see it in the case's trail


def test_an_address_string_is_resolved_by_the_gazetteer(post, place):
    from grids.services import road_segment_create
    from tests.factories import centre_of

    lat, lng1 = centre_of(place["a1"])
    _lat, lng2 = centre_of(place["a2"])
    road_segment_create(acting_user=None, street=place["a"], name="古南路", road="古南路", number_from=1,
                        number_to=101, line={"type": "LineString", "coordinates": [[lng1, lat], [lng2, lat]]})
    response = post(lat=None, long=None, address_string="吉州区古南路51号")
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert case.lat == pytest.approx(lat)
    assert case.lng == pytest.approx((lng1 + lng2) / 2)
    assert case.address == "吉州区古南路51号"
    _errors_json(post(lat=None, long=None, address_string="火星基地 1 号"), 400)


def test_an_idempotency_key_files_the_request_once(post):
    first = post(headers={"Idempotency-Key": "abc-1"})
    again = post(headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Case.objects.count() == 1
    assert post(headers={"Idempotency-Key": "abc-1"}, description="另一件事").status_code == 422


def test_each_key_has_its_own_rate_limit(post, key):
    type(key).objects.filter(pk=key.pk).update(rate_limit=2)
    assert post().status_code == 201
    assert post().status_code == 201
    _errors_json(post(), 429)


def test_a_json_body_is_400_not_500(web, key):
    response = web.post(f"{V2}/requests.json", json.dumps({"api_key": key.secret}), content_type="application/json")
    assert response.status_code in (400, 403)
    assert isinstance(response.json(), list)


def test_only_the_open311_channel_makes_source_open311(place, bureau_user):
    from django.core.exceptions import ValidationError

    from enforcement.services import case_report
    from tests.factories import centre_of

    lat, lng = centre_of(place["a1"])
    with pytest.raises(ValidationError):
        case_report(acting_user=bureau_user, category="06010", lat=lat, lng=lng, description="x", source="open311")


# ---------------------------------------------------------------------------------------------- GET requests


def _one(web, number, fmt="json"):
    response = web.get(f"{V2}/requests/{number}.{fmt}")
    assert response.status_code == 200, response.content
    return response.json()[0] if fmt == "json" else _xml(response.content).find("request")


def test_a_request_shows_no_personal_data_and_no_internal_note(web, post, act, bureau_user):
    # given a request with a name, phone and e-mail, returned once with an internal reason
    number = post(phone="13812345678", email="zhang@example.com", first_name="三", last_name="张",
                  description="门口垃圾").json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    act(case, "register")
    act(case, "dispatch")
    act(case, "return", note="内部：派错了大队", user=Case.objects.get(pk=case.pk).street.leader_assignments.first().user)
    # when
    raw = web.get(f"{V2}/requests/{number}.json").content.decode() + web.get(f"{V2}/requests/{number}.xml").content.decode()
    # then
    for secret in ("13812345678", "138****5678", "zhang", "张三", "内部", "open311-", "t-bureau"):
        assert secret not in raw
    assert "门口垃圾" in raw


def test_status_agency_and_expected_time_follow_the_workflow(web, post, act, place):
    number = post().json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    leader = place["leader_a"]
    # reported: open, the bureau answers for it, no handling deadline yet
    body = _one(web, number)
    assert (body["status"], body["agency_responsible"], body["expected_datetime"], body["status_notes"]) == (
        "open", "吉州区城市管理局", None, None)
    assert body["requested_datetime"].endswith("+08:00")
    # dispatched: the street's brigade, and the handling deadline
    act(case, "register")
    case = act(case, "dispatch")
    body = _one(web, number)
    assert body["agency_responsible"] == "古南街道执法大队"
    assert body["expected_datetime"] == timezone.localtime(case.handling_due_at).isoformat(timespec="seconds")
    # handled: the unit's report is the public note
    act(case, "handle", note="已清运", user=leader)
    assert (_one(web, number)["status"], _one(web, number)["status_notes"]) == ("open", "已清运")
    # rework: its reason is internal, the public note stays
    case = act(case, "rework", note="内部：没拍照")
    assert _one(web, number)["status_notes"] == "已清运"
    assert _one(web, number)["expected_datetime"] == timezone.localtime(case.handling_due_at).isoformat(timespec="seconds")
    act(case, "handle", note="已清运并拍照", user=leader)
    act(case, "close", note="核查属实，已整改")
    body = _one(web, number)
    assert (body["status"], body["status_notes"], body["agency_responsible"]) == ("closed", "核查属实，已整改",
                                                                                  "古南街道执法大队")
    request = _one(web, number, "xml")
    assert (request.findtext("status"), request.findtext("status_notes")) == ("closed", "核查属实，已整改")


def test_a_referral_names_the_department(web, post, act):
    from enforcement.models import Department

    department = Department.objects.filter(is_active=True).first() or Department.objects.create(code="HW", name="区环卫所")
    number = post().json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    act(case, "register")
    act(case, "dispatch", unit=department.code)
    assert _one(web, number)["agency_responsible"] == department.name


def test_a_rejected_request_is_closed_with_its_reason(web, post, act):
    number = post().json()[0]["service_request_id"]
    act(Case.objects.get(number=number), "reject", note="不属于城管职责")
    body = _one(web, number)
    assert (body["status"], body["status_notes"]) == ("closed", "不属于城管职责")


def test_unknown_request_and_token_are_404(web, place):
    _errors_json(web.get(f"{V2}/requests/2026-999999.json"), 404)
    _errors_xml(web.get(f"{V2}/requests/2026-999999.xml"), 404)
    _errors_json(web.get(f"{V2}/tokens/nope.json"), 404)


def test_a_token_gives_the_request_id(web, post):
    number = post().json()[0]["service_request_id"]
    token = Case.objects.get(number=number).open311.token
    assert web.get(f"{V2}/tokens/{token}.json").json() == [{"service_request_id": number, "token": token}]
    root = _xml(web.get(f"{V2}/tokens/{token}.xml").content)
    assert root.find("request").findtext("token") == token


def test_requests_list_every_channel_and_filter(web, post, report, act):
    # given an Open311 request, a supervision case of another category, and a closed one
    mine = post().json()[0]["service_request_id"]
    other = report(category="09006")
    closed = report(category="06010")
    act(closed, "reject", note="重复")

    def numbers(**params):
        response = web.get(f"{V2}/requests.json", params)
        assert response.status_code == 200, response.content
        return {r["service_request_id"] for r in response.json()}

    assert numbers() == {mine, other.number, closed.number}
    assert numbers(service_code="09006") == {other.number}
    assert numbers(service_code="09006,06010") == {mine, other.number, closed.number}
    assert numbers(status="closed") == {closed.number}
    assert numbers(status="open") == {mine, other.number}
    assert numbers(status="open,closed") == {mine, other.number, closed.number}
    assert numbers(service_request_id=f"{mine},{closed.number}", status="open") == {mine, closed.number}
    now = timezone.localtime()
    assert numbers(start_date=(now - timedelta(days=1)).isoformat(), end_date=(now + timedelta(days=1)).isoformat()) == {
        mine, other.number, closed.number}
    assert numbers(start_date=(now + timedelta(days=1)).isoformat()) == set()
    assert numbers(end_date=(now - timedelta(days=1)).isoformat()) == set()
    assert numbers(updated_after=(now + timedelta(hours=1)).isoformat()) == set()
    assert len(numbers(page_size=2)) == 2
    assert len(numbers(page_size=2, page=2)) == 1
    assert numbers(page=3, page_size=2) == set()


@pytest.mark.parametrize("params", [
    {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-05-01T00:00:00+08:00"},  # more than 90 days
    {"start_date": "2026-05-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"},
    {"start_date": "yesterday"}, {"updated_after": "soon"}, {"status": "pending"},
    {"page": "0"}, {"page_size": "1001"}, {"page_size": "x"},
])
def test_bad_request_filters_are_400(web, place, params):
    _errors_json(web.get(f"{V2}/requests.json", params), 400)
    _errors_xml(web.get(f"{V2}/requests.xml", params), 400)


def test_the_default_window_is_the_last_90_days(web, post):
    number = post().json()[0]["service_request_id"]
    Case.objects.filter(number=number).update(reported_at=timezone.now() - timedelta(days=91))
    assert web.get(f"{V2}/requests.json").json() == []
    assert len(web.get(f"{V2}/requests.json", {"service_request_id": number}).json()) == 1


def test_requests_xml_has_every_field_with_offsets(web, post):
    post()
    root = _xml(web.get(f"{V2}/requests.xml").content)
    request = root.find("request")
    assert [c.tag for c in request] == [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
        "address", "address_id", "zipcode", "lat", "long", "media_url"]
    assert request.findtext("requested_datetime").endswith("+08:00")


def test_requests_list_answers_in_a_constant_number_of_queries(web, post, django_assert_num_queries):
    post()
    with django_assert_num_queries(1):
        assert len(web.get(f"{V2}/requests.json").json()) == 1
    for _ in range(4):
        post()
    with django_assert_num_queries(1):
        assert len(web.get(f"{V2}/requests.json").json()) == 5


def test_a_page_of_every_status_street_and_language_is_each_case_as_it_stands(web, report, act, place):
    # given cases in both streets: reported, dispatched (each street's brigade), referred, handled, rejected
    from enforcement.models import Department

    department = Department.objects.filter(is_active=True).first() or Department.objects.create(code="HW", name="区环卫所")
    reported = report(category="09006", cell="b1")
    dispatched = {cell: act(act(report(cell=cell), "register"), "dispatch") for cell in ("a1", "b2")}
    referred = act(act(report(category="09009"), "register"), "dispatch", unit=department.code)
    handled = act(dispatched["a1"], "handle", note="已清运", user=place["leader_a"])
    rejected = act(report(cell="a2"), "reject", note="不属于城管职责")
    expected = {  # number -> (status, agency, notes, with a deadline)
        reported.number: ("open", "吉州区城市管理局", None, False),
        dispatched["b2"].number: ("open", f"{place['b'].name}执法大队", None, True),
        referred.number: ("open", department.name, None, True),
        handled.number: ("open", f"{place['a'].name}执法大队", "已清运", True),
        rejected.number: ("closed", "吉州区城市管理局", "不属于城管职责", False),
    }

    # when the whole page is read, in Chinese and in English
    response = web.get(f"{V2}/requests.json")
    english = web.get(f"{V2}/requests.json", headers={"Accept-Language": "en"}).json()

    # then every row is its case as it stands, datetimes in the district's time with the offset
    from rest_framework.renderers import JSONRenderer

    body = response.json()
    assert response.content == JSONRenderer().render(body)  # the fast renderer writes DRF's bytes
    assert {r["service_request_id"]: (r["status"], r["agency_responsible"], r["status_notes"],
                                      r["expected_datetime"] is not None) for r in body} == expected
    for row in body:
        case = Case.objects.select_related("category").get(number=row["service_request_id"])
        assert row["requested_datetime"] == timezone.localtime(case.reported_at).isoformat(timespec="seconds")
        assert row["updated_datetime"] == timezone.localtime(case.updated_at).isoformat(timespec="seconds")
        assert row["expected_datetime"] == (case.handling_due_at and timezone.localtime(
            case.handling_due_at).isoformat(timespec="seconds"))
        assert row["service_notice"].startswith("派遣后 ")
        assert row == web.get(f"{V2}/requests/{case.number}.json").json()[0]
    brigade = {r["service_request_id"]: r["agency_responsible"] for r in english}
    assert brigade[reported.number] != "吉州区城市管理局" and "执法大队" not in brigade[dispatched["b2"].number]
    assert all(r["service_notice"].startswith("Handled within") for r in english)
