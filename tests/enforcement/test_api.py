"""Cases over the API: scope matrix, create, transitions, filters, query counts, bad input."""
import io

import pytest
from django.test import override_settings
from PIL import Image

from bureau import clock
from enforcement.choices import CaseAction
from enforcement.choices import CaseStatus as S
from enforcement.models import Case, CaseEvent, CasePhoto
from enforcement.workflow import TRANSITIONS, Actor
from tests.conftest import client_for
from tests.factories import centre_of

from .conftest import at

pytestmark = pytest.mark.django_db
LIST = "/api/v1/cases/"


def body_for(cell, **extra):
    lat, lng = centre_of(cell)
    return {"category": "06010", "lat": lat, "lng": lng, "description": "暴露垃圾", "source": "supervision", **extra}


def jpeg(size=(40, 30), exif_gps=True) -> io.BytesIO:
    img = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_gps:
        exif[0x8825] = {2: (27.0, 7.0, 0.0), 4: (115.0, 0.0, 0.0)}  # GPSInfo
        exif[0x010F] = "PhoneMaker"
    img.save(out, format="JPEG", exif=exif)
    out.seek(0)
    out.name = "evidence.jpg"
    return out


# ------------------------------------------------------------------------------------------- scope matrix


def test_anonymous_gets_401(anon_client):
    assert anon_client.get(LIST).status_code == 401
    assert anon_client.get("/api/v1/categories/").status_code == 401


def test_api_client_gets_403(api_client_role, place, report):
    case = report()
    assert api_client_role.get(LIST).status_code == 403
    assert api_client_role.get(f"{LIST}{case.pk}/").status_code == 403
    assert api_client_role.post(LIST, body_for(place["a1"]), format="json").status_code == 403
    assert api_client_role.post(f"{LIST}{case.pk}/transitions/", {"action": "register"}, format="json").status_code == 403


def test_leader_sees_their_street_only(place, report):
    mine, theirs = report(cell="a1"), report(cell="b1")
    client = client_for(place["leader_a"])
    listing = client.get(LIST).json()
    assert [c["id"] for c in listing["results"]] == [mine.pk]
    assert client.get(f"{LIST}{mine.pk}/").status_code == 200
    assert client.get(f"{LIST}{theirs.pk}/").status_code == 404
    assert client.post(f"{LIST}{theirs.pk}/transitions/", {"action": "handle", "note": "x"}, format="json").status_code == 404


def test_officer_sees_their_cells_only(place, report):
    mine, other = report(cell="a1"), report(cell="a2")
    client = client_for(place["officer_a1"])
    assert [c["id"] for c in client.get(LIST).json()["results"]] == [mine.pk]
    assert client.get(f"{LIST}{other.pk}/").status_code == 404


def test_bureau_sees_everything(bureau_client, place, report):
    report(cell="a1"), report(cell="b1")
    assert bureau_client.get(LIST).json()["count"] == 2


def test_categories_list(bureau_client):
    page = bureau_client.get("/api/v1/categories/?page_size=200").json()
    # paginated like every list
    assert set(page) == {"count", "next", "previous", "results"} and page["count"] == len(page["results"])
    data = page["results"]
    item = next(c for c in data if c["code"] == "06010")
    assert item["name"] == "暴露垃圾"
    assert item["major"] == {"code": "06", "name": "市容环境"}
    assert item["handle_unit"] == "work_hours"
    assert next(c for c in data if c["code"] == "09015")["department"]["code"] == "SC"


# ------------------------------------------------------------------------------------------- create


def test_create_derives_place_and_masks_phone(bureau_client, place):
    response = bureau_client.post(LIST, body_for(place["a2"], reporter_phone="13812345678"), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["street"] == {"code": "001", "name": "古南街道"}
    assert data["grid"] == {"code": place["a2"].code}
    assert data["status"] == "reported"
    assert data["reporter_phone"] == "138****5678"
    assert "13812345678" not in response.content.decode()
    assert data["history"][0]["action"] == "report"
    assert data["history"][0]["actor"] == "t-bureau"
    assert data["number"].startswith(f"{clock.now().year}-")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lat": 10.0, "lng": 10.0}, "lat"),  # outside the district
        ({"category": "99999"}, "category"),  # unknown category
        ({"lat": "abc"}, "lat"),
        ({"source": "twitter"}, "source"),
        ({"description": ""}, "description"),
    ],
)
def test_create_bad_input_is_400_and_stores_nothing(bureau_client, place, change, field):
    response = bureau_client.post(LIST, {**body_for(place["a1"]), **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Case.objects.count() == 0


def test_leader_reporting_outside_their_street_is_400_naming_the_point(place):
    client = client_for(place["leader_a"])
    response = client.post(LIST, body_for(place["b1"], source="patrol"), format="json")
    assert response.status_code == 400
    assert place["b1"].code in response.json()["lat"][0]
    assert client.post(LIST, body_for(place["a2"], source="patrol"), format="json").status_code == 201


def test_officer_reports_in_their_cell_only(place):
    client = client_for(place["officer_a1"])
    assert client.post(LIST, body_for(place["a2"], source="grid_officer"), format="json").status_code == 400
    assert client.post(LIST, body_for(place["a1"], source="grid_officer"), format="json").status_code == 201


def test_photo_is_hashed_and_its_display_copy_has_no_exif(bureau_client, place):
    # given a JPEG carrying GPS EXIF
    upload = jpeg()
    raw = upload.getvalue()
    # when it comes with the report (multipart)
    response = bureau_client.post(LIST, {**body_for(place["a1"]), "photos": [upload]}, format="multipart")
    # then
    assert response.status_code == 201, response.content
    photo = CasePhoto.objects.get()
    import hashlib

    assert photo.sha256 == hashlib.sha256(raw).hexdigest()
    assert (photo.content_type, photo.size) == ("image/jpeg", len(raw))
    with photo.display_file.open("rb") as f, Image.open(f) as shown:
        assert not shown.getexif()
    with photo.file.open("rb") as f, Image.open(f) as original:
        assert original.getexif()
    url = response.json()["history"][0]["photos"][0]["url"]
    assert bureau_client.get(url).status_code == 200


def test_photo_not_an_image_is_400_and_nothing_stored(bureau_client, place):
    fake = io.BytesIO(b"%PDF-1.4 not an image at all" * 10)
    fake.name = "photo.jpg"
    response = bureau_client.post(LIST, {**body_for(place["a1"]), "photos": [fake]}, format="multipart")
    assert response.status_code == 400
    assert "photos" in response.json()
    assert Case.objects.count() == 0 and CasePhoto.objects.count() == 0


@override_settings(CASE_PHOTO_MAX_BYTES=1000)
def test_photo_too_large_is_400_and_nothing_stored(bureau_client, place):
    response = bureau_client.post(LIST, {**body_for(place["a1"]), "photos": [jpeg(size=(400, 400))]},
                                  format="multipart")
    assert response.status_code == 400
    assert "photos" in response.json()
    assert Case.objects.count() == 0 and CasePhoto.objects.count() == 0


# ------------------------------------------------------------------------------------------- transitions


def test_walk_through_the_api(bureau_client, place):
    case_id = bureau_client.post(LIST, body_for(place["a1"]), format="json").json()["id"]
    leader = client_for(place["leader_a"])
    url = f"{LIST}{case_id}/transitions/"
    assert bureau_client.post(url, {"action": "register"}, format="json").json()["status"] == "registered"
    assert bureau_client.post(url, {"action": "dispatch"}, format="json").json()["status"] == "dispatched"
    handled = leader.post(url, {"action": "handle", "note": "已清理", "photos": [jpeg()]}, format="multipart")
    assert handled.status_code == 200, handled.content
    closed = bureau_client.post(url, {"action": "close", "note": "核查通过"}, format="json")
    assert closed.status_code == 200
    history = bureau_client.get(f"{LIST}{case_id}/").json()["history"]
    assert [(h["action"], h["from"], h["to"]) for h in history] == [
        ("report", None, "reported"), ("register", "reported", "registered"),
        ("dispatch", "registered", "dispatched"), ("handle", "dispatched", "handled"), ("close", "handled", "closed"),
    ]
    assert len(history[3]["photos"]) == 1
    assert history[2]["due_at"] is not None


def test_missing_reason_on_return_is_400(bureau_client, place, report, act):
    case = report()
    act(case, "register")
    act(case, "dispatch")
    response = client_for(place["leader_a"]).post(f"{LIST}{case.pk}/transitions/", {"action": "return"}, format="json")
    assert response.status_code == 400
    assert "note" in response.json()
    assert CaseEvent.objects.filter(case=case).count() == 3


def test_unknown_action_is_400(bureau_client, report):
    case = report()
    assert bureau_client.post(f"{LIST}{case.pk}/transitions/", {"action": "explode"}, format="json").status_code == 400


BUREAU_ACTIONS = [a for a, spec in TRANSITIONS.items() if spec["who"] == Actor.BUREAU]
UNIT_ACTIONS = [a for a, spec in TRANSITIONS.items() if spec["who"] == Actor.HANDLING_UNIT]


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_officer_may_never_act_403(place, report, action):
    case = report(cell="a1")
    response = client_for(place["officer_a1"]).post(
        f"{LIST}{case.pk}/transitions/", {"action": action, "note": "x"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("action", BUREAU_ACTIONS)
def test_leader_may_never_take_bureau_actions_403(place, report, act, action):
    # given a case in the state the action starts from, so state would allow it
    case = report(cell="a1")
    response = client_for(place["leader_a"]).post(
        f"{LIST}{case.pk}/transitions/", {"action": action, "note": "x"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("action", [a for a in TRANSITIONS])
def test_wrong_state_is_409_with_current_status(place, report, act, bureau_user, action):
    # given a closed case (no action starts from closed)
    case = report(cell="a1")
    for step in ("register", "dispatch"):
        act(case, step)
    act(case, "handle", user=place["leader_a"])
    act(case, "close")
    client = client_for(place["leader_a"] if action in UNIT_ACTIONS else bureau_user)
    # when
    response = client.post(f"{LIST}{case.pk}/transitions/",
                           {"action": action, "note": "x", "duplicate_of": case.pk, "lat": 1, "lng": 1}, format="json")
    # then
    assert response.status_code == 409
    assert response.json()["current_status"] == "closed"


def test_third_extension_request_is_409(place, report, act):
    case = report()
    act(case, "register")
    act(case, "dispatch")
    for _ in range(2):
        act(case, "request_extension", user=place["leader_a"])
        act(case, "approve_extension")
    response = client_for(place["leader_a"]).post(
        f"{LIST}{case.pk}/transitions/", {"action": "request_extension", "note": "再延"}, format="json")
    assert response.status_code == 409


def test_no_patch_or_put(bureau_client, report):
    case = report()
    assert bureau_client.patch(f"{LIST}{case.pk}/", {"status": "closed"}, format="json").status_code == 405
    assert bureau_client.delete(f"{LIST}{case.pk}/").status_code == 405
    case.refresh_from_db()
    assert case.status == S.REPORTED


def test_available_actions_in_detail(place, report, act):
    case = report()
    act(case, "register")
    act(case, "dispatch")
    data = client_for(place["leader_a"]).get(f"{LIST}{case.pk}/").json()
    assert set(data["available_actions"]) == {CaseAction.RETURN, CaseAction.HANDLE, CaseAction.REQUEST_EXTENSION}


# ------------------------------------------------------------------------------------------- filters


@pytest.fixture
def spread(place, report, act):
    """Four cases: a1 06010 supervision (Nov 20, dispatched), a2 09006 hotline (Nov 23), b1 06012 patrol
    (Nov 24, overdue), b2 06010 other (Nov 25)."""
    c1 = report(when=at(2026, 11, 20, 9, 0), cell="a1", category="06010")
    act(c1, "register", when=at(2026, 11, 20, 9, 5))
    act(c1, "dispatch", when=at(2026, 11, 20, 9, 6))
    c2 = report(when=at(2026, 11, 23, 9, 0), cell="a2", category="09006", source="hotline")
    c3 = report(when=at(2026, 11, 24, 9, 0), cell="b1", category="06012", source="patrol", user=place["leader_b"])
    Case.objects.filter(pk=c3.pk).update(overdue=True)
    c4 = report(when=at(2026, 11, 25, 9, 0), cell="b2", category="06010", source="other")
    return c1, c2, c3, c4


def ids(client, query):
    response = client.get(LIST + query)
    assert response.status_code == 200, response.content
    return sorted(c["id"] for c in response.json()["results"])


def test_filter_status(bureau_client, spread):
    assert ids(bureau_client, "?status=dispatched") == [spread[0].pk]


def test_filter_street(bureau_client, spread):
    assert ids(bureau_client, "?street=002") == sorted([spread[2].pk, spread[3].pk])


def test_filter_grid(bureau_client, spread, place):
    assert ids(bureau_client, f"?grid={place['a2'].code}") == [spread[1].pk]


def test_filter_category(bureau_client, spread):
    assert ids(bureau_client, "?category=06010") == sorted([spread[0].pk, spread[3].pk])


def test_filter_source(bureau_client, spread):
    assert ids(bureau_client, "?source=hotline") == [spread[1].pk]


def test_filter_reported_after(bureau_client, spread):
    assert ids(bureau_client, "?reported_after=2026-11-24") == sorted([spread[2].pk, spread[3].pk])


def test_filter_reported_before(bureau_client, spread):
    assert ids(bureau_client, "?reported_before=2026-11-23T09:00:00%2B08:00") == [spread[0].pk]


def test_filter_overdue(bureau_client, spread):
    assert ids(bureau_client, "?overdue=true") == [spread[2].pk]


def test_bad_filter_values_are_400(bureau_client, spread):
    assert bureau_client.get(LIST + "?reported_after=yesterday").status_code == 400
    assert bureau_client.get(LIST + "?status=lost").status_code == 400


def test_counts_by_cell(bureau_client, spread, place):
    data = bureau_client.get(f"{LIST}counts-by-cell/?status=open").json()
    assert data == {place["a1"].code: 1, place["a2"].code: 1, place["b1"].code: 1, place["b2"].code: 1}
    leader = client_for(place["leader_a"]).get(f"{LIST}counts-by-cell/").json()
    assert set(leader) == {place["a1"].code, place["a2"].code}


# ------------------------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("n", [1, 50])
def test_list_query_count_is_constant(bureau_client, place, report, django_assert_num_queries, n):
    for i in range(n):
        report(cell="a1" if i % 2 else "b1", category="06010" if i % 3 else "09015")
    # auth (token/session user) is forced; count + page
    with django_assert_num_queries(2):
        response = bureau_client.get(LIST + "?page_size=50")
    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 50])
def test_leader_list_query_count_is_constant(place, report, django_assert_num_queries, n):
    for _ in range(n):
        report(cell="a1")
    client = client_for(place["leader_a"])
    # the street code is resolved first (so the planner sees the id), then count + page
    with django_assert_num_queries(3):
        response = client.get(LIST + "?street=001&status=reported")
    assert len(response.json()["results"]) == n


def test_errors_in_english_on_request(bureau_client, place):
    response = bureau_client.post(LIST, body_for(place["a1"], lat=10.0, lng=10.0), format="json",
                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "outside the district" in response.json()["lat"][0]
    chinese = bureau_client.post(LIST, body_for(place["a1"], lat=10.0, lng=10.0), format="json")
    assert "不在本区范围内" in chinese.json()["lat"][0]
