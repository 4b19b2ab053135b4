"""Places API: shapes, scope and roles, filters (one test each), pinned query counts, locate, GeoJSON."""
import pytest
from django.conf import settings

from bureau.accounts.choices import Role
from grids.models import GridCell, OfficerAssignment, RoadSegment, Street, StreetLeaderAssignment
from tests.conftest import client_for, make_user
from tests.factories import CommunityFactory, GridCellFactory, StreetFactory, centre_of, make_officer

pytestmark = pytest.mark.django_db
D = settings.DISTRICT_CODE


@pytest.fixture
def leader_a_client(two_streets):
    return client_for(two_streets["leader_a"])


# --- roles -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1/streets/", "/api/v1/communities/", "/api/v1/grid-cells/",
                                 "/api/v1/road-segments/", "/api/v1/officer-assignments/",
                                 "/api/v1/grid-cells/locate/?lat=27.1&lng=115.0", "/api/v1/grid-cells/geojson/"])
def test_anonymous_401_api_client_403_field_staff_200(url, anon_client, api_client_role, auditor_user, two_streets):
    assert anon_client.get(url).status_code == 401
    assert api_client_role.get(url).status_code == 403
    assert client_for(auditor_user).get(url).status_code == 403
    for who in ("leader_a", "officer_a1"):
        assert client_for(two_streets[who]).get(url).status_code in (200, 404), who


def test_streets_list_shape(bureau_client, two_streets):
    body = bureau_client.get("/api/v1/streets/").json()
    assert body["count"] == 2
    assert body["results"][0] == {"code": "001", "name": "古南街道", "kind": "street"}


def test_street_by_code_and_unknown_is_404(bureau_client, two_streets):
    assert bureau_client.get("/api/v1/streets/002/").json()["name"] == "永叔街道"
    assert bureau_client.get("/api/v1/streets/009/").status_code == 404


def test_grid_cells_list_shape(bureau_client, two_streets):
    # when
    body = bureau_client.get("/api/v1/grid-cells/?street=001").json()

    # then
    a1 = two_streets["a1"]
    row = next(r for r in body["results"] if r["code"] == a1.code)
    assert len(row["code"]) == 15 and row["code"].startswith(D + "001001")
    assert row["street"] == {"code": "001", "name": "古南街道"}
    assert row["community"] == {"code": "001", "name": a1.community.name}
    assert row["officer"] == {"username": two_streets["officer_a1"].username,
                              "name": two_streets["officer_a1"].username}
    assert {"area_m2", "land_use", "management_level"} <= set(row)
    assert "geometry" not in row


def test_grid_cell_detail_has_geometry(bureau_client, two_streets):
    body = bureau_client.get(f"/api/v1/grid-cells/{two_streets['b1'].code}/").json()
    assert body["geometry"]["type"] == "Polygon" and body["officer"] is None
    assert bureau_client.get(f"/api/v1/grid-cells/{D}009009009/").status_code == 404


def test_grid_cells_query_count_is_the_same_for_one_and_many(bureau_client, two_streets, django_assert_num_queries):
    # given: one cell in street 001 community 002 ...
    street = two_streets["a"]
    community = CommunityFactory(street=street, code="002")
    one = GridCellFactory(community=community)
    make_officer([one], username="officer-one")
    with django_assert_num_queries(3):  # count, cells with street/community, current officers
        assert bureau_client.get("/api/v1/grid-cells/?community=001002").json()["count"] == 1
    # ... and many
    cells = [GridCellFactory(community=community) for _ in range(30)]
    make_officer(cells, username="officer-many")
    with django_assert_num_queries(3):
        assert bureau_client.get("/api/v1/grid-cells/?community=001002").json()["count"] == 31


@pytest.mark.parametrize("url,queries", [("/api/v1/streets/", 2), ("/api/v1/communities/", 2),
                                         ("/api/v1/road-segments/", 3), ("/api/v1/officer-assignments/", 2),
                                         ("/api/v1/street-leader-assignments/", 2)])
def test_other_lists_query_counts_pinned(url, queries, bureau_client, bureau_user, two_streets,
                                         django_assert_num_queries):
    from grids import services

    services.road_segment_create(acting_user=bureau_user, street=two_streets["a"], name="井冈山大道", code="001-01")
    with django_assert_num_queries(queries):
        bureau_client.get(url)
    # many more rows, same count
    for n in range(3, 13):
        s = StreetFactory(code=f"{n:03d}")
        c = CommunityFactory(street=s, code="001")
        cell = GridCellFactory(community=c)
        make_officer([cell], username=f"officer-{n}")
        seg = services.road_segment_create(acting_user=bureau_user, street=s, name=f"路{n}", code=f"{n:03d}-01")
        services.street_chief_assign(acting_user=bureau_user, segment=seg, chief=two_streets["leader_a"])
        services.street_leader_assign(acting_user=bureau_user, street=s,
                                      user=make_user(f"leader-{n:03d}", Role.LEADER))
    with django_assert_num_queries(queries):
        bureau_client.get(url)


def test_grid_cell_geojson_query_count(bureau_client, two_streets, django_assert_num_queries):
    with django_assert_num_queries(2):
        body = bureau_client.get("/api/v1/grid-cells/geojson/").json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 4


# --- filters (one test each) -------------------------------------------------------------------------

def _codes(client, url):
    return sorted(r["code"] for r in client.get(url).json()["results"])


def test_filter_cells_by_street(bureau_client, two_streets):
    assert _codes(bureau_client, "/api/v1/grid-cells/?street=002") == sorted([two_streets["b1"].code,
                                                                               two_streets["b2"].code])


def test_filter_cells_by_community(bureau_client, two_streets):
    other = GridCellFactory(community=CommunityFactory(street=two_streets["a"], code="005"))
    assert _codes(bureau_client, "/api/v1/grid-cells/?community=005") == [other.code]
    assert _codes(bureau_client, "/api/v1/grid-cells/?street=001&community=005") == [other.code]
    assert _codes(bureau_client, "/api/v1/grid-cells/?community=001005") == [other.code]


def test_filter_cells_by_land_use(bureau_client, two_streets):
    GridCell.objects.filter(pk=two_streets["a2"].pk).update(land_use="商业服务业用地")
    assert _codes(bureau_client, "/api/v1/grid-cells/?land_use=商业服务业用地") == [two_streets["a2"].code]


def test_filter_cells_by_management_level(bureau_client, two_streets):
    GridCell.objects.filter(pk=two_streets["b2"].pk).update(management_level="一级")
    assert _codes(bureau_client, "/api/v1/grid-cells/?management_level=一级") == [two_streets["b2"].code]


def test_filter_cells_by_officer(bureau_client, two_streets):
    url = f"/api/v1/grid-cells/?officer={two_streets['officer_a1'].username}"
    assert _codes(bureau_client, url) == [two_streets["a1"].code]


def test_filter_cells_by_has_officer(bureau_client, two_streets):
    assert _codes(bureau_client, "/api/v1/grid-cells/?has_officer=true") == [two_streets["a1"].code]
    assert len(_codes(bureau_client, "/api/v1/grid-cells/?has_officer=false")) == 3


def test_filter_streets_by_kind(bureau_client, two_streets):
    StreetFactory(code="101", name="兴桥镇", kind="town")
    assert _codes(bureau_client, "/api/v1/streets/?kind=town") == ["101"]


def test_filter_communities_by_street(bureau_client, two_streets):
    body = bureau_client.get("/api/v1/communities/?street=002").json()
    assert [r["full_code"] for r in body["results"]] == ["002001"]


def test_filter_road_segments_by_street_name_and_chief(bureau_client, bureau_user, two_streets):
    from grids import services

    a = services.road_segment_create(acting_user=bureau_user, street=two_streets["a"], name="井冈山大道（古南段）",
                                     code="001-01")
    services.road_segment_create(acting_user=bureau_user, street=two_streets["b"], name="吉州大道（永叔段）",
                                 code="002-01")
    services.street_chief_assign(acting_user=bureau_user, segment=a, chief=two_streets["leader_a"])
    assert _codes(bureau_client, "/api/v1/road-segments/?street=002") == ["002-01"]
    assert _codes(bureau_client, "/api/v1/road-segments/?name=井冈山") == ["001-01"]
    assert _codes(bureau_client, f"/api/v1/road-segments/?chief={two_streets['leader_a'].username}") == ["001-01"]


def _assignment_cells(client, url):
    return sorted(r["cell"] for r in client.get(url).json()["results"])


def test_filter_officer_assignments_by_cell(bureau_client, two_streets):
    assert _assignment_cells(bureau_client, f"/api/v1/officer-assignments/?cell={two_streets['a1'].code}") == [
        two_streets["a1"].code]
    assert _assignment_cells(bureau_client, f"/api/v1/officer-assignments/?cell={two_streets['b1'].code}") == []


def test_filter_officer_assignments_by_officer(bureau_client, two_streets):
    url = f"/api/v1/officer-assignments/?officer={two_streets['officer_a1'].username}"
    assert _assignment_cells(bureau_client, url) == [two_streets["a1"].code]


def test_filter_officer_assignments_by_street(bureau_client, two_streets):
    assert _assignment_cells(bureau_client, "/api/v1/officer-assignments/?street=002") == []
    assert _assignment_cells(bureau_client, "/api/v1/officer-assignments/?street=001") == [two_streets["a1"].code]


def test_filter_officer_assignments_by_current(bureau_client, bureau_user, two_streets):
    from grids import services

    services.officer_assign(acting_user=bureau_user, cell=two_streets["a1"],
                            officer=make_user("officer-new", Role.OFFICER))
    assert len(_assignment_cells(bureau_client, "/api/v1/officer-assignments/?current=true")) == 1
    assert len(_assignment_cells(bureau_client, "/api/v1/officer-assignments/?current=false")) == 1


def test_filter_street_leader_assignments(bureau_client, two_streets):
    body = bureau_client.get("/api/v1/street-leader-assignments/?street=002&current=true").json()
    assert [r["user"]["username"] for r in body["results"]] == [two_streets["leader_b"].username]
    body = bureau_client.get(f"/api/v1/street-leader-assignments/?user={two_streets['leader_a'].username}").json()
    assert [r["street"] for r in body["results"]] == ["001"]


# --- locate ------------------------------------------------------------------------------------------

def test_locate_inside(bureau_client, two_streets):
    lat, lng = centre_of(two_streets["b2"])
    body = bureau_client.get(f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}").json()
    assert body["code"] == two_streets["b2"].code and body["street"]["code"] == "002"


def test_locate_on_a_shared_edge_is_always_the_same_cell(bureau_client, bureau_user):
    from grids import imports

    from .conftest import LAT0, LNG0, STEP, two_by_two

    imports.grid_import(acting_user=bureau_user, collection=two_by_two())
    url = f"/api/v1/grid-cells/locate/?lat={LAT0 + 0.5 * STEP}&lng={LNG0 + STEP}"
    assert {bureau_client.get(url).json()["code"] for _ in range(10)} == {f"{D}001001003"}


def test_locate_outside_is_404_json(bureau_client, two_streets):
    response = bureau_client.get("/api/v1/grid-cells/locate/?lat=30&lng=120")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert "网格" in response.json()["detail"]


@pytest.mark.parametrize("query", ["lat=abc&lng=115", "lat=200&lng=115", "lat=27.1&lng=500", "lng=115", "",
                                   "lat=nan&lng=115", "lat=inf&lng=115", "lat=&lng="])
def test_locate_bad_coordinates_are_400(query, bureau_client, two_streets):
    response = bureau_client.get(f"/api/v1/grid-cells/locate/?{query}")
    assert response.status_code == 400
    assert isinstance(response.json(), dict)


# --- GeoJSON -----------------------------------------------------------------------------------------

def test_street_cells_geojson(bureau_client, two_streets):
    for url in ("/api/v1/streets/001/cells.geojson", "/api/v1/streets/001/cells.geojson/"):
        response = bureau_client.get(url)
        assert response.status_code == 200, url
        body = response.json()
        assert body["type"] == "FeatureCollection"
        assert sorted(f["properties"]["code"] for f in body["features"]) == sorted(
            [two_streets["a1"].code, two_streets["a2"].code])
    assert bureau_client.get("/api/v1/streets/009/cells.geojson").status_code == 404


def test_community_cells_geojson(bureau_client, two_streets):
    body = bureau_client.get("/api/v1/communities/002001/cells.geojson").json()
    assert len(body["features"]) == 2 and all(f["geometry"]["type"] == "Polygon" for f in body["features"])
    assert bureau_client.get("/api/v1/communities/002009/cells.geojson").status_code == 404


def test_street_boundaries_geojson_unions_cells(bureau_client, two_streets):
    body = bureau_client.get("/api/v1/streets/geojson/").json()
    assert [f["properties"]["code"] for f in body["features"]] == ["001", "002"]


def test_schema_documents_the_geojson_and_locate_endpoints(bureau_client):
    from django.test import Client

    text = Client().get("/api/schema/").content.decode()
    assert "/api/v1/streets/{code}/cells.geojson/" in text
    assert "/api/v1/grid-cells/locate/" in text


# --- writes ------------------------------------------------------------------------------------------

def test_bureau_creates_and_renames_a_street(bureau_client):
    assert bureau_client.post("/api/v1/streets/", {"code": "008", "name": "新街道"}, format="json").status_code == 201
    response = bureau_client.patch("/api/v1/streets/008/", {"name": "新街道二"}, format="json")
    assert response.status_code == 200 and Street.objects.get(code="008").name == "新街道二"
    assert bureau_client.post("/api/v1/streets/", {"code": "8", "name": "x"}, format="json").status_code == 400


def test_leader_and_officer_may_not_change_streets(two_streets):
    for who in ("leader_a", "officer_a1"):
        assert client_for(two_streets[who]).post("/api/v1/streets/", {"code": "008", "name": "x"},
                                                 format="json").status_code == 403


def test_road_segment_create_and_chief(bureau_client, two_streets, leader_a_client):
    body = {"code": "001-09", "name": "阳明东路（古南段）", "street": "001",
            "line": {"type": "LineString", "coordinates": [[115.0, 27.1], [115.01, 27.1]]}}
    assert leader_a_client.post("/api/v1/road-segments/", body, format="json").status_code == 403
    assert bureau_client.post("/api/v1/road-segments/", body, format="json").status_code == 201
    response = bureau_client.post("/api/v1/road-segments/001-09/chief/",
                                  {"chief": two_streets["leader_a"].username}, format="json")
    assert response.status_code == 200
    assert response.json()["chief"]["username"] == two_streets["leader_a"].username
    bad = {**body, "code": "001-10", "line": {"type": "Point", "coordinates": [115.0, 27.1]}}
    assert bureau_client.post("/api/v1/road-segments/", bad, format="json").status_code == 400
    assert RoadSegment.objects.count() == 1


def test_officer_assignment_by_bureau_and_by_the_cells_leader(bureau_client, leader_a_client, two_streets):
    officer = make_user("officer-x", Role.OFFICER)
    # bureau anywhere
    response = bureau_client.post("/api/v1/officer-assignments/",
                                  {"cell": two_streets["b1"].code, "officer": "officer-x"}, format="json")
    assert response.status_code == 201 and response.json()["cell"] == two_streets["b1"].code
    # the leader of street 001 in street 001: the old officer's row ends, history kept
    response = leader_a_client.post("/api/v1/officer-assignments/",
                                    {"cell": two_streets["a1"].code, "officer": "officer-x"}, format="json")
    assert response.status_code == 201
    rows = OfficerAssignment.objects.filter(cell=two_streets["a1"]).order_by("start")
    assert [r.officer for r in rows] == [two_streets["officer_a1"], officer]
    assert rows[0].end is not None and rows[1].end is None
    # ... but not in street 002
    response = leader_a_client.post("/api/v1/officer-assignments/",
                                    {"cell": two_streets["b2"].code, "officer": "officer-x"}, format="json")
    assert response.status_code == 403
    # an officer may never assign
    response = client_for(two_streets["officer_a1"]).post(
        "/api/v1/officer-assignments/", {"cell": two_streets["a2"].code, "officer": "officer-x"}, format="json")
    assert response.status_code == 403
    # unknown cell, a non-officer user: field errors
    response = bureau_client.post("/api/v1/officer-assignments/", {"cell": f"{D}009009009", "officer": "officer-x"},
                                  format="json")
    assert response.status_code == 400 and "cell" in response.json()
    response = bureau_client.post("/api/v1/officer-assignments/",
                                  {"cell": two_streets["a2"].code, "officer": two_streets["leader_a"].username},
                                  format="json")
    assert response.status_code == 400 and "officer" in response.json()


def test_street_leader_assignment_by_bureau_only(bureau_client, leader_a_client, two_streets):
    new = make_user("leader-new", Role.LEADER)
    assert leader_a_client.post("/api/v1/street-leader-assignments/", {"street": "002", "user": "leader-new"},
                                format="json").status_code == 403
    response = bureau_client.post("/api/v1/street-leader-assignments/", {"street": "002", "user": "leader-new"},
                                  format="json")
    assert response.status_code == 201
    current = StreetLeaderAssignment.objects.current().filter(street__code="002")
    assert [a.user for a in current] == [new]
    assert list(Street.objects.led_by(two_streets["leader_b"])) == []


def test_locate_errors_in_chinese_and_english(bureau_client, two_streets):
    zh = bureau_client.get("/api/v1/grid-cells/locate/?lat=abc&lng=200").json()
    assert zh["lat"] == ["请填写合法的数字。"] and "180" in zh["lng"][0]
    en = bureau_client.get("/api/v1/grid-cells/locate/?lat=abc", HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["lat"] == ["A valid number is required."] and en["lng"] == ["This field is required."]
