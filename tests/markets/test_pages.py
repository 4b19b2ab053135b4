"""The street-commerce page: bureau staff see every street, a leader their own, others are refused."""
from datetime import time, timedelta

import pytest
from django.test import Client

from markets import services

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db
URL = "/markets/"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def district(place, make_zone, make_permit, make_vendor, make_case, frozen_today):
    make_zone(street="a", name="古南早市", opens=time(6), closes=time(9))
    make_zone(street="b", name="永叔夜宵区", kind="night_snack", opens=time(18), closes=time(2),
              complaint_phone="13812345678")
    make_permit(street="b", valid_to=TODAY + timedelta(days=20))
    services.outdoor_ad_register(acting_user=None, owner="危险招牌店", location="永叔路1号", street=place["b"],
                                 hazard=True)
    vendor = make_vendor(name="游击摊贩", phone="13911112222")
    for cell in ("a1", "b1"):
        services.vendor_link_case(acting_user=None, vendor=vendor, case=make_case(cell=cell))
    return place


def test_page_for_bureau_shows_every_street(bureau_user, district):
    # when
    with_clock = at(2026, 11, 26, 20, 0)
    from bureau import clock

    with clock.frozen(with_clock):
        response = _client(bureau_user).get(URL)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "古南街道" in html and "永叔街道" in html
    assert "永叔夜宵区" in html and "营业中" in html
    assert "危险招牌店" in html and "游击摊贩" in html
    # the zone's complaint phone is public; a vendor's phone is masked
    assert "13812345678" in html and "13911112222" not in html
    assert 'id="due-permits"' in html and (TODAY + timedelta(days=20)).isoformat() in html


def test_page_for_leader_shows_only_their_street(district):
    response = _client(district["leader_a"]).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "古南早市" in html and "永叔夜宵区" not in html and "危险招牌店" not in html
    # the mover was caught in street a too, so leader a sees them with both streets
    assert "游击摊贩" in html and "永叔街道" in html


def test_page_for_officer(district):
    assert _client(district["officer_a1"]).get(URL).status_code == 200


def test_page_refuses_api_client_and_auditor_and_needs_login(api_user, auditor_user, client):
    assert client.get(URL).status_code == 302
    assert _client(api_user).get(URL).status_code == 403
    assert _client(auditor_user).get(URL).status_code == 403


def test_nav_link_for_field_staff_only(bureau_user, api_user, place):
    from bureau.navigation import navigation_for

    assert any(i["key"] == "markets" for i in navigation_for(bureau_user))
    assert any(i["key"] == "markets" for i in navigation_for(place["leader_a"]))
    assert not any(i["key"] == "markets" for i in navigation_for(api_user))


def test_dashboard_tiles_in_scope(district):
    from django.test import RequestFactory

    from markets.dashboard import market_tiles

    request = RequestFactory().get("/")
    request.user = district["leader_b"]
    tiles = {t["key"]: t for t in market_tiles(request)}
    assert tiles["markets-permits-due"]["value"] == 1
    assert tiles["markets-problem-ads"]["value"] == 1
    assert tiles["markets-frontage"]["value"] == "—"
    request.user = district["leader_a"]
    assert {t["key"]: t["value"] for t in market_tiles(request)}["markets-problem-ads"] == 0


def test_dashboard_has_no_market_tiles_for_the_api_client(api_user):
    from django.test import RequestFactory

    from markets.dashboard import market_tiles

    request = RequestFactory().get("/")
    request.user = api_user
    assert market_tiles(request) == []


def test_dashboard_page_renders_with_market_tiles(bureau_user, district):
    response = _client(bureau_user).get("/")
    assert response.status_code == 200
    assert "门前五包覆盖率" in response.content.decode()
