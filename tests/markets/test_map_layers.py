"""Farmers markets, shops and outdoor ads as layers of the district map: each a GeoJSON endpoint of the API
(scoped by `visible_to`, filtered as its list, a constant number of queries), registered in grids' map layer
registry; and the ad's point (optional, whole, inside the district) set on create, PATCH and in the admin."""
import json
from datetime import date

import pytest
from django.test import Client

from bureau import clock
from bureau.accounts.choices import Role
from markets import services
from markets.choices import AdKind, AdStatus
from markets.farmers import services as farmers_services
from markets.models import OutdoorAd
from tests.conftest import client_for, make_user
from tests.factories import centre_of
from tests.markets.conftest import at
from tests.markets.farmers_support import make_market

pytestmark = pytest.mark.django_db

MARKETS, SHOPS, ADS = "/api/v1/farmers-markets/geojson/", "/api/v1/shops/geojson/", "/api/v1/outdoor-ads/geojson/"


def _names(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return {f["properties"]["name"]: f for f in body["features"]}


def _shop(user, place, name, cell="a1", point=True, **kw):
    lat, lng = centre_of(place[cell]) if point else (None, None)
    return services.shop_register(acting_user=user, name=name, address=f"{name}路1号", street=place[cell].street,
                                  grid=place[cell], lat=lat, lng=lng, **kw)


def _ad(user, place, owner, cell="a1", point=True, **kw):
    lat, lng = centre_of(place[cell]) if point else (None, None)
    return services.outdoor_ad_register(acting_user=user, owner=owner, location=f"{owner}路8号",
                                        street=place[cell].street, lat=lat, lng=lng, **kw)


# ---------------------------------------------------------------------------------------------- shops


@pytest.fixture
def shops(place, bureau_user):
    with clock.frozen(at(2026, 11, 26, 9, 0)):
        signed = _shop(bureau_user, place, "甲店")
        services.frontage_agreement_sign(acting_user=bureau_user, shop=signed, signed_on=date(2026, 1, 5),
                                         signer_name="李四")
        flagged = _shop(bureau_user, place, "乙店", cell="a2")
        from enforcement.services import case_report

        lat, lng = centre_of(place["a2"])
        for k in range(3):  # three 店外经营 findings in front of it: flagged
            case_report(acting_user=bureau_user, category="09005", lat=lat, lng=lng, source="supervision",
                        description=f"店外经营 {k}", self_handled=True, party=flagged.party)
        out = {
            "signed": signed, "flagged": flagged,
            "closed": _shop(bureau_user, place, "丙店"),
            "nowhere": _shop(bureau_user, place, "丁店", point=False),
            "other": _shop(bureau_user, place, "戊店", cell="b1"),
        }
        services.shop_update(acting_user=bureau_user, shop=out["closed"], is_active=False)
    return out


def test_shops_layer_has_the_trading_shops_with_a_point_in_scope(shops, place):
    with clock.frozen(at(2026, 11, 26, 12, 0)):
        features = _names(client_for(place["leader_a"]).get(SHOPS))
    # street a's trading shops with a point: not the closed one, not the one without a point, not street b's
    assert set(features) == {"甲店", "乙店"}
    first = features["甲店"]
    lat, lng = centre_of(place["a1"])
    assert first["geometry"] == {"type": "Point", "coordinates": [lng, lat]}
    assert first["id"] == first["properties"]["id"] == shops["signed"].pk
    props = first["properties"]
    assert props["kind_label"] == "商户" and props["street"] == {"code": "001", "name": "古南街道"}
    assert props["covered"] is True and props["flagged"] is False
    assert props["status_label"] == "已签门前包干责任书"
    assert props["url"] == "/markets/shops/?street=001&q=%E7%94%B2%E5%BA%97"
    flagged = features["乙店"]["properties"]
    assert flagged["covered"] is False and flagged["flagged"] is True and flagged["frontage_case_count"] == 3
    assert flagged["status_label"] == "未签门前包干责任书；重点关注：近90天店外经营 3 起"


def test_shops_layer_filters_as_the_list(shops, place, bureau_user):
    client = client_for(bureau_user)
    with clock.frozen(at(2026, 11, 26, 12, 0)):
        assert set(_names(client.get(SHOPS))) == {"甲店", "乙店", "戊店"}
        assert set(_names(client.get(SHOPS, {"street": "002"}))) == {"戊店"}
        assert set(_names(client.get(SHOPS, {"flagged": "true"}))) == {"乙店"}
        assert set(_names(client.get(SHOPS, {"covered": "false", "street": "001"}))) == {"乙店"}
        assert set(_names(client.get(SHOPS, {"is_active": "false"}))) == {"丙店"}
        assert set(_names(client.get(SHOPS, {"q": "甲"}))) == {"甲店"}
        assert set(_names(client_for(place["officer_a1"]).get(SHOPS))) == {"甲店", "乙店"}
        assert client.get(SHOPS, {"flagged": "maybe"}).status_code == 400


# ---------------------------------------------------------------------------------------------- outdoor ads


@pytest.fixture
def ads(place, bureau_user):
    with clock.frozen(at(2026, 11, 26, 9, 0)):
        out = {
            "approved": _ad(bureau_user, place, "甲广告", kind=AdKind.AD, approval_number="吉A广审01",
                            approved_from=date(2026, 1, 1), approved_until=date(2027, 6, 30)),
            "unapproved": _ad(bureau_user, place, "乙招牌", cell="a2", kind=AdKind.SHOP_SIGN),
            "removed": _ad(bureau_user, place, "丙广告"),
            "nowhere": _ad(bureau_user, place, "丁广告", point=False),
            "other": _ad(bureau_user, place, "戊公益", cell="b1", kind=AdKind.PUBLIC_SERVICE),
        }
        services.outdoor_ad_set_status(acting_user=bureau_user, ad=out["removed"], status=AdStatus.REMOVED,
                                       reason="已拆除")
    return out


def test_ads_layer_has_the_standing_ads_with_a_point_in_scope(ads, place):
    with clock.frozen(at(2026, 11, 26, 12, 0)):
        features = _names(client_for(place["leader_a"]).get(ADS))
    assert set(features) == {"甲广告", "乙招牌"}
    props = features["甲广告"]["properties"]
    assert props["kind"] == "ad" and props["kind_label"] == "户外广告"
    assert props["status"] == "approved" and props["status_label"] == "已审批"
    assert props["address"] == "甲广告路8号" and props["approval_number"] == "吉A广审01"
    assert props["approved_until"] == "2027-06-30"
    assert props["url"].startswith("/markets/ads/?street=001&q=")
    assert features["乙招牌"]["properties"]["status_label"] == "无审批"
    lat, lng = centre_of(place["a2"])
    assert features["乙招牌"]["geometry"] == {"type": "Point", "coordinates": [lng, lat]}


def test_ads_layer_filters_as_the_list(ads, place, bureau_user):
    client = client_for(bureau_user)
    with clock.frozen(at(2026, 11, 26, 12, 0)):
        assert set(_names(client.get(ADS))) == {"甲广告", "乙招牌", "戊公益"}
        assert set(_names(client.get(ADS, {"status": "removed"}))) == {"丙广告"}
        assert set(_names(client.get(ADS, {"kind": "public_service"}))) == {"戊公益"}
        assert set(_names(client.get(ADS, {"problem": "true", "street": "001"}))) == {"乙招牌"}
        assert set(_names(client_for(place["leader_b"]).get(ADS))) == {"戊公益"}
        assert client.get(ADS, {"status": "nonsense"}).status_code == 400


def test_an_ad_gets_its_point_on_create_and_patch(place):
    client = client_for(place["leader_a"])
    lat, lng = centre_of(place["a1"])
    body = {"street": "001", "owner": "某公司", "location": "古南路 1 号", "lat": lat, "lng": lng}
    created = client.post("/api/v1/outdoor-ads/", body, format="json")
    assert created.status_code == 201 and (created.json()["lat"], created.json()["lng"]) == (lat, lng)
    pk = created.json()["id"]
    lat2, lng2 = centre_of(place["a2"])
    moved = client.patch(f"/api/v1/outdoor-ads/{pk}/", {"lat": lat2, "lng": lng2}, format="json")
    assert moved.status_code == 200 and (moved.json()["lat"], moved.json()["lng"]) == (lat2, lng2)
    cleared = client.patch(f"/api/v1/outdoor-ads/{pk}/", {"lat": None, "lng": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["lat"] is None
    assert OutdoorAd.objects.get(pk=pk).lng is None


@pytest.mark.parametrize("point", [
    {"lat": 27.1},  # half a point
    {"lat": 10.0, "lng": 10.0},  # outside the district
    {"lat": 95, "lng": 115.0},  # out of range
    {"lat": "north", "lng": 115.0},
])
def test_a_bad_ad_point_is_a_400_and_nothing_is_stored(place, point):
    client = client_for(place["leader_a"])
    body = {"street": "001", "owner": "某公司", "location": "古南路 1 号", **point}
    response = client.post("/api/v1/outdoor-ads/", body, format="json")
    assert response.status_code == 400 and "lat" in response.json()
    assert not OutdoorAd.objects.exists()


def test_a_patch_leaving_half_a_point_or_moving_it_out_of_the_district_is_refused(place, bureau_user):
    ad = _ad(bureau_user, place, "甲广告")
    client = client_for(place["leader_a"])
    half = client.patch(f"/api/v1/outdoor-ads/{ad.pk}/", {"lat": None}, format="json")
    assert half.status_code == 400 and "lat" in half.json()
    outside = client.patch(f"/api/v1/outdoor-ads/{ad.pk}/", {"lat": 10.0, "lng": 10.0}, format="json",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert outside.status_code == 400 and outside.json()["lat"] == ["The point is in no grid cell of the district."]
    assert (OutdoorAd.objects.get(pk=ad.pk).lat, OutdoorAd.objects.get(pk=ad.pk).lng) == centre_of(place["a1"])


def test_the_database_refuses_half_a_point(place, bureau_user):
    from django.db import IntegrityError, transaction

    ad = _ad(bureau_user, place, "甲广告")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutdoorAd.objects.filter(pk=ad.pk).update(lng=None)


def test_the_admin_sets_and_checks_an_ad_point(place, admin_user):
    client = Client()
    client.force_login(admin_user)
    lat, lng = centre_of(place["a1"])
    form = {"owner": "后台广告", "location": "古南路 9 号", "street": place["a"].pk, "kind": "ad",
            "approval_number": "", "approved_from": "", "approved_until": "", "area_m2": "", "lat": lat, "lng": lng}
    assert client.post("/admin/markets/outdoorad/add/", form).status_code == 302
    ad = OutdoorAd.objects.get(owner="后台广告")
    assert (ad.lat, ad.lng) == (lat, lng)
    # a point outside the district: the refusal on the page (back to the form), nothing saved
    response = client.post(f"/admin/markets/outdoorad/{ad.pk}/change/", {**form, "lat": 10.0, "lng": 10.0},
                           follow=True)
    assert response.status_code == 200 and "该点不在本区任何单元网格内" in response.content.decode()
    assert OutdoorAd.objects.get(pk=ad.pk).lat == lat


# ---------------------------------------------------------------------------------------------- farmers markets


@pytest.fixture
def markets(place, bureau_user):
    with clock.frozen(at(2026, 11, 26, 8, 0)):
        out = {"missed": make_market(bureau_user, place, "a", name="城南市场"),
               "done": make_market(bureau_user, place, "a", name="城北市场", with_station=False),
               "other": make_market(bureau_user, place, "b", name="永叔市场"),
               "closed": make_market(bureau_user, place, "a", name="旧市场", with_station=False)}
    out["closed"].is_active = False
    out["closed"].save(update_fields=["is_active"])
    with clock.frozen(at(2026, 11, 26, 12, 30)):
        first = out["done"].cleaning_slots.order_by("starts").first()
        farmers_services.cleaning_round_record(acting_user=bureau_user, slot=first, date=date(2026, 11, 26))
    return out


def test_markets_layer_has_the_active_markets_in_scope_with_todays_missed_rounds(markets, place):
    # at 14:00 the 11:00-13:00 round is over: recorded at 城北, missed at 城南; the evening one is still due
    with clock.frozen(at(2026, 11, 26, 14, 0)):
        features = _names(client_for(place["leader_a"]).get(MARKETS))
    assert set(features) == {"城南市场", "城北市场"}
    missed = features["城南市场"]["properties"]
    assert missed["missed_today"] == 1 and missed["status_label"] == "今日漏保洁 1 次"
    assert missed["kind_label"] == "农贸市场" and missed["street"] == {"code": "001", "name": "古南街道"}
    assert missed["url"] == f"/markets/farmers/{markets['missed'].pk}/"
    assert features["城北市场"]["properties"]["missed_today"] == 0
    assert features["城北市场"]["properties"]["status_label"] == "今日无漏保洁"
    lat, lng = centre_of(place["a1"])
    assert features["城南市场"]["geometry"] == {"type": "Point", "coordinates": [lng, lat]}
    with clock.frozen(at(2026, 11, 26, 14, 0)):
        english = _names(client_for(place["leader_a"]).get(MARKETS, HTTP_ACCEPT_LANGUAGE="en"))
    assert english["城南市场"]["properties"]["status_label"] == "Cleaning rounds missed today: 1"
    # in the evening both have missed the 17:30-19:30 round too
    with clock.frozen(at(2026, 11, 26, 20, 0)):
        features = _names(client_for(place["leader_a"]).get(MARKETS))
    assert {n: f["properties"]["missed_today"] for n, f in features.items()} == {"城南市场": 2, "城北市场": 1}


def test_markets_layer_filters_as_the_list(markets, place, bureau_user):
    client = client_for(bureau_user)
    with clock.frozen(at(2026, 11, 26, 14, 0)):
        assert set(_names(client.get(MARKETS))) == {"城南市场", "城北市场", "永叔市场"}
        assert set(_names(client.get(MARKETS, {"street": "002"}))) == {"永叔市场"}
        assert set(_names(client.get(MARKETS, {"is_active": "false"}))) == {"旧市场"}
        assert set(_names(client_for(place["leader_b"]).get(MARKETS))) == {"永叔市场"}
        assert set(_names(client_for(place["officer_a1"]).get(MARKETS))) == {"城南市场", "城北市场"}


# ---------------------------------------------------------------------------------------------- access, map, schema


@pytest.mark.parametrize("url", [MARKETS, SHOPS, ADS])
def test_who_may_ask_a_layer(url, place, anon_client, api_client_role, auditor_user):
    assert anon_client.get(url).status_code == 401
    assert api_client_role.get(url).status_code == 403
    assert client_for(auditor_user).get(url).status_code == 403
    assert client_for(make_user("dept-1", Role.DEPARTMENT)).get(url).status_code == 403
    for who in ("leader_a", "officer_a1"):
        assert client_for(place[who]).get(url).status_code == 200


def _market(user, place, name, cell="a1"):
    return make_market(user, place, cell[0], name=name, with_station=False)


@pytest.mark.parametrize(("url", "make"), [(SHOPS, _shop), (ADS, _ad), (MARKETS, _market)])
def test_a_layer_costs_one_query_for_one_row_and_many(url, make, place, bureau_user, django_assert_num_queries):
    client = client_for(bureau_user)
    with clock.frozen(at(2026, 11, 26, 8, 0)):
        make(bureau_user, place, "一号")
    with clock.frozen(at(2026, 11, 26, 14, 0)):
        client.get(url)
        with django_assert_num_queries(1):
            assert len(client.get(url).json()["features"]) == 1
    with clock.frozen(at(2026, 11, 26, 8, 0)):
        for n in range(5):
            make(bureau_user, place, f"第{n}号", cell=("a2", "b1")[n % 2])
    with clock.frozen(at(2026, 11, 26, 14, 0)):
        with django_assert_num_queries(1):
            assert len(client.get(url).json()["features"]) == 6


def _map_layers(user):
    client = Client()
    client.force_login(user)
    body = client.get("/grids/map/").content.decode()
    marker = '<script id="map-layers" type="application/json">'
    start = body.index(marker) + len(marker)
    return json.loads(body[start:body.index("</script>", start)])


def test_the_district_map_offers_the_markets_shops_and_ads_layers_to_field_staff(place):
    layers = _map_layers(place["officer_a1"])
    assert {"key": "farmers-markets", "label": "农贸市场", "url": MARKETS, "colour": "#2e7d32"} in layers
    assert {"key": "shops", "label": "商户", "url": SHOPS, "colour": "#1565c0"} in layers
    assert {"key": "outdoor-ads", "label": "户外广告/招牌", "url": ADS, "colour": "#c2185b"} in layers
    keys = [layer["key"] for layer in layers]
    assert keys.index("vendor-zones") < keys.index("farmers-markets") < keys.index("shops") < keys.index("outdoor-ads")


def test_the_layers_are_in_the_openapi_schema_with_their_properties():
    schema = Client().get("/api/schema/?format=json").json()
    for path, words in {MARKETS: ("missed_today", "status_label"), SHOPS: ("flagged", "covered"),
                        ADS: ("status_label", "approval_number")}.items():
        answer = schema["paths"][path]["get"]["responses"]["200"]
        assert "GeoJSON FeatureCollection" in answer["description"]
        assert all(word in answer["description"] for word in words)
    ad_create = schema["components"]["schemas"]["AdRegisterRequest"]["properties"]
    assert ad_create["lat"]["type"] == "number" and ad_create["lat"]["nullable"] is True


def test_feature_collection_leaves_out_rows_without_a_geometry():
    from types import SimpleNamespace

    from grids.maplayers import feature_collection, point

    rows = [SimpleNamespace(pk=1, lat=27.0, lng=115.0), SimpleNamespace(pk=2, lat=None, lng=None)]
    body = feature_collection(rows, lambda r: point(r.lat, r.lng), lambda r: {"name": f"n{r.pk}"})
    assert body == {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": 1, "geometry": {"type": "Point", "coordinates": [115.0, 27.0]},
         "properties": {"id": 1, "name": "n1"}}]}
