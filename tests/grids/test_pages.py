"""Pages: the map for all field staff, a cell page, an officer's own cells, admin screens."""
import pytest
from django.test import Client

from bureau import navigation
from grids import views

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_map_page_for_every_field_role(two_streets, bureau_user):
    for user in (bureau_user, two_streets["leader_a"], two_streets["officer_a1"]):
        response = _client(user).get("/grids/map/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="map"' in html and "leaflet/leaflet.js" in html and "grids/map.js" in html
        assert "/api/v1/grid-cells/geojson/" in html
        # no tile server unless configured
        assert 'data-tile-url=""' in html


def test_map_page_refuses_api_client_and_needs_login(api_user, client):
    assert client.get("/grids/map/").status_code == 302
    assert _client(api_user).get("/grids/map/").status_code == 403


def test_map_uses_a_configured_tile_url(bureau_user, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    settings.MAP_TILE_GCJ02 = True
    html = _client(bureau_user).get("/grids/map/").content.decode()
    assert 'data-tile-url="http://127.0.0.1:9/{z}/{x}/{y}.png"' in html and 'data-tile-gcj02="1"' in html


def test_map_asks_for_case_counts_only_when_the_cases_api_offers_them(bureau_user, monkeypatch):
    from django.urls import Resolver404

    def missing(path):
        raise Resolver404(path)

    monkeypatch.setattr(views, "resolve", missing)
    html = _client(bureau_user).get("/grids/map/").content.decode()
    assert 'data-counts-url=""' in html


def test_navigation_has_the_map_for_field_staff_and_my_cells_for_officers(two_streets, bureau_user, api_user):
    keys = lambda user: [i["key"] for i in navigation.navigation_for(user)]  # noqa: E731
    assert "map" in keys(bureau_user) and "my-cells" not in keys(bureau_user)
    assert "map" in keys(two_streets["officer_a1"]) and "my-cells" in keys(two_streets["officer_a1"])
    assert "map" not in keys(api_user)


def test_cell_page(two_streets):
    cell = two_streets["a1"]
    response = _client(two_streets["leader_b"]).get(f"/grids/cells/{cell.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert cell.code in html and cell.community.name in html and two_streets["officer_a1"].username in html
    assert _client(two_streets["leader_b"]).get("/grids/cells/360802009009009/").status_code == 404


def test_my_cells_lists_only_the_officers_cells(two_streets):
    html = _client(two_streets["officer_a1"]).get("/grids/my-cells/").content.decode()
    assert two_streets["a1"].code in html and two_streets["a2"].code not in html


@pytest.mark.parametrize("url", ["/admin/grids/street/", "/admin/grids/community/", "/admin/grids/gridcell/",
                                 "/admin/grids/officerassignment/", "/admin/grids/streetleaderassignment/",
                                 "/admin/grids/roadsegment/", "/admin/grids/streetchiefassignment/",
                                 "/admin/grids/street/add/", "/admin/grids/roadsegment/add/"])
def test_admin_screens(url, admin_user, two_streets):
    assert _client(admin_user).get(url).status_code == 200


def test_admin_cell_change_page_shows_geometry(admin_user, two_streets):
    cell = two_streets["a1"]
    html = _client(admin_user).get(f"/admin/grids/gridcell/{cell.pk}/change/").content.decode()
    assert "Polygon" in html


def test_dashboard_tiles(two_streets, bureau_user):
    html = _client(bureau_user).get("/").content.decode()
    assert "单元网格" in html and "3 个未分配网格员" in html
    html = _client(two_streets["officer_a1"]).get("/").content.decode()
    assert "我的网格" in html


def test_admin_adds_a_street_and_a_road_segment_through_the_services(admin_user, two_streets):
    from bureau.audit.models import AuditEntry
    from grids.models import RoadSegment, Street

    client = _client(admin_user)
    response = client.post("/admin/grids/street/add/", {"code": "008", "name": "新街道", "kind": "street"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Street.objects.filter(code="008").exists()
    response = client.post("/admin/grids/roadsegment/add/", {
        "code": "001-05", "name": "步行街（古南段）", "street": two_streets["a"].pk,
        "chief_assignments-TOTAL_FORMS": "0", "chief_assignments-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RoadSegment.objects.filter(code="001-05").exists()
    assert AuditEntry.objects.filter(action__in=["street.create", "grids.road_segment_create"]).count() == 2
