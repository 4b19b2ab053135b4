"""The sites layer of the district map: the site file's GeoJSON (under construction today, scoped by street,
the red line or the point, open follow-ups), registered with the map's overlay layers."""
import json
from datetime import date

import pytest
from django.test import Client

from inspections.services.sites import site_inspection_record
from tests.conftest import client_for
from tests.factories import centre_of
from tests.inspections import patrol_support
from tests.inspections.patrol_support import NOW
from tests.inspections.sites_support import checklist, make_site

place, frozen_now = patrol_support.place, patrol_support.frozen_now

pytestmark = pytest.mark.django_db

URL = "/api/v1/construction-sites/geojson/"


@pytest.fixture
def sites(place, bureau_user, frozen_now):
    lat, lng = centre_of(place["a1"])
    d = 0.0004
    red_line = {"type": "Polygon", "coordinates": [[[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d],
                                                    [lng - d, lat + d], [lng - d, lat - d]]]}
    out = {
        "fenced": make_site(bureau_user, place["a1"], name="御文府", boundary=red_line),
        "point": make_site(bureau_user, place["a2"], name="青春家园"),
        "done": make_site(bureau_user, place["a2"], name="印象城", completed_on=date(2026, 10, 20)),
        "other": make_site(bureau_user, place["b1"], name="润阳环湖湾"),
    }
    site_inspection_record(acting_user=bureau_user, site=out["fenced"], inspected_at=NOW,
                           results=checklist(failed=("enclosure", "video"))["results"])
    return out


def test_the_layer_has_the_sites_under_construction_in_scope(sites, place, frozen_now):
    # when
    response = client_for(place["leader_a"]).get(URL)

    # then: street a's two active sites; the completed one and street b's are not there
    assert response.status_code == 200 and response["Content-Type"].startswith("application/geo+json")
    features = {f["properties"]["name"]: f for f in response.json()["features"]}
    assert set(features) == {"御文府", "青春家园"}
    assert features["御文府"]["geometry"]["type"] == "Polygon"
    assert features["青春家园"]["geometry"] == {"type": "Point",
                                             "coordinates": [sites["point"].lng, sites["point"].lat]}
    assert features["御文府"]["properties"]["open_follow_ups"] == 2
    assert features["青春家园"]["properties"]["open_follow_ups"] == 0
    assert features["御文府"]["properties"]["url"] == f"/inspections/sites/{sites['fenced'].pk}/"
    assert features["御文府"]["properties"]["kind_label"] == "江西建工"


def test_the_layer_filters_and_its_access(sites, place, bureau_client, anon_client, api_client_role, frozen_now):
    assert anon_client.get(URL).status_code == 401
    assert api_client_role.get(URL).status_code == 403
    names = {f["properties"]["name"] for f in bureau_client.get(URL, {"street": "002"}).json()["features"]}
    assert names == {"润阳环湖湾"}
    october = {f["properties"]["name"] for f in bureau_client.get(URL, {"active_on": "2026-10-01"}).json()["features"]}
    assert "印象城" in october
    officer = {f["properties"]["name"] for f in client_for(place["officer_a1"]).get(URL).json()["features"]}
    assert officer <= {"御文府", "青春家园"}


def test_the_layer_query_count_is_the_same_for_one_site_and_many(place, bureau_user, bureau_client, frozen_now,
                                                                django_assert_num_queries):
    make_site(bureau_user, place["a1"], name="一号")
    with django_assert_num_queries(1):
        assert len(bureau_client.get(URL).json()["features"]) == 1
    for n in range(5):
        make_site(bureau_user, place["a2"], name=f"工地{n}")
    with django_assert_num_queries(1):
        assert len(bureau_client.get(URL).json()["features"]) == 6


def test_the_district_map_offers_the_sites_layer_to_field_staff(place):
    client = Client()
    client.force_login(place["leader_a"])
    body = client.get("/grids/map/").content.decode()
    start = body.index('<script id="map-layers" type="application/json">') + len(
        '<script id="map-layers" type="application/json">')
    layers = json.loads(body[start:body.index("</script>", start)])
    assert {"key": "construction-sites", "label": "在建工地", "url": URL, "colour": "#8e44ad"} in layers
