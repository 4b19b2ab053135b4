"""Street commerce in a real browser: a street leader reviews a stall application on a 375-px phone, the bureau
approves it, the zone's sign prints on one A4 page, the zones layer shows on the district map, and the zone's
public page opens without a login."""
import os
import re
from datetime import time
from pathlib import Path

import pytest

from bureau.accounts.choices import Role
from markets import services
from markets.choices import PermitStatus
from markets.models import StallPermit
from tests.browser_support import assert_clean, login, settle
from tests.conftest import make_user
from tests.factories import centre_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("BUREAU_SCREENSHOTS", "/tmp/bureau-screenshots/markets"))  # noqa: S108 - test output
RULES = ["location", "signage", "hygiene", "property", "hours"]


@pytest.fixture
def night_zone(two_streets):
    from bureau import clock
    from grids.models import StreetLeaderAssignment

    StreetLeaderAssignment.objects.update(start=clock.now().replace(year=2020))
    bureau = make_user("t-bureau", Role.BUREAU)
    leader = two_streets["leader_a"]
    leader.set_password("pw-leader")
    leader.save()
    lat, lng = centre_of(two_streets["a1"])
    d = 0.0003
    square = {"type": "Polygon", "coordinates": [[[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d],
                                                  [lng - d, lat + d], [lng - d, lat - d]]]}
    zone = services.vendor_zone_create(
        acting_user=bureau, street=two_streets["a"], kind="night_snack", name="鹭洲西路夜宵摊点区", road="鹭洲西路",
        opens_at=time(18), closes_at=time(2), geometry=square, responsible_person="王主任",
        complaint_phone="0796-8220000", allowed_trades=["night_snack", "barbecue"], slots=4)
    vendor = services.vendor_register(acting_user=bureau, name="张三", phone="13912345678",
                                      id_number="360802199001011234")
    permit = services.stall_permit_apply(acting_user=leader, vendor=vendor, slot=zone.slots.get(number="01"))
    return {"zone": zone, "permit": permit, "leader": leader, "bureau": bureau}


LAYERS = ["vendor-zones", "farmers-markets", "shops", "outdoor-ads"]


def _wait_for_layers(page):
    """The overlays load one after the other: wait for every offered one's answer (other apps' layers too)."""
    page.wait_for_function("() => { const m = document.getElementById('map'); if (!m) return false;"
                           " const specs = JSON.parse(document.getElementById('map-layers').textContent);"
                           " return specs.every(s => m.getAttribute('data-layer-' + s.key)); }", timeout=60000)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_leader_reviews_on_a_phone_bureau_approves_sign_prints_map_and_public_page(browser_page, live_server,
                                                                                   night_zone):
    permit, zone = night_zone["permit"], night_zone["zone"]

    # given: the street's leader on a phone, at the list of applications waiting for review
    phone = browser_page(375, 740)
    login(phone, live_server.url, night_zone["leader"].username, "pw-leader")
    phone.goto(f"{live_server.url}/markets/permits/?status=applied")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(phone, "permits-375")
    phone.click(f"tr[data-permit='{permit.pk}'] a")
    # the vendor's phone and ID number only masked
    html = phone.content()
    assert "13912345678" not in html and "139****5678" in html
    assert phone.locator("#do-approve").count() == 0

    # when: the leader ticks the five unified requirements and sends it on
    for rule in RULES:
        phone.locator(f"#action-review input[value='{rule}']").check()
    phone.fill("#action-review textarea", "材料齐全，同意上报")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(phone, "permit-review-375")
    phone.locator("#action-reject").scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "permit-reject-375.png"))
    phone.click("#do-review")

    # then
    phone.wait_for_selector("#permit-status[data-status='reviewed']")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_clean(phone)

    # when: the bureau approves at its desk (the leader's ticks are pre-filled)
    desk = browser_page(1280, 900)
    login(desk, live_server.url, "t-bureau", "pw-t-bureau")
    desk.goto(f"{live_server.url}/markets/permits/{permit.pk}/")
    assert desk.locator("#action-approve input[value='hours']").is_checked()
    desk.click("#do-approve")
    desk.wait_for_selector("#permit-status[data-status='active']")
    _shot(desk, "permit-approved-desktop")
    assert StallPermit.objects.get(pk=permit.pk).status == PermitStatus.ACTIVE
    assert_clean(desk)

    # then: the zone's sign prints on one A4 page, with its QR code
    desk.goto(f"{live_server.url}/markets/zones/{zone.pk}/sign/")
    assert desk.locator("#sign-qr svg").count() == 1
    _shot(desk, "sign-desktop")
    desk.emulate_media(media="print")
    assert not desk.locator("header.topbar").is_visible()
    pdf = desk.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    (SHOTS / "sign.pdf").write_bytes(pdf)
    desk.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi, as printed
    desk.screenshot(path=str(SHOTS / "sign-print-a4.png"))
    desk.set_viewport_size({"width": 1280, "height": 900})
    desk.emulate_media(media="screen")
    assert_clean(desk)

    # and: the zones layer on the district map (the other street-commerce layers are empty here)
    desk.goto(f"{live_server.url}/grids/map/")
    _wait_for_layers(desk)
    assert desk.locator("#map").get_attribute("data-layer-vendor-zones") == "1"
    assert desk.evaluate("() => Object.keys(window.mapOverlays)")[:4] == LAYERS
    assert desk.locator(".leaflet-control-layers").inner_text().split("\n")[0].strip() == "摊点区域"
    settle(desk)
    _shot(desk, "map-desktop")
    assert_clean(desk)

    # and: the public page the QR code opens, on a phone with no login
    public = browser_page(375, 740)
    response = public.goto(f"{live_server.url}/markets/public/zones/{zone.pk}/")
    assert response.status == 200 and "/accounts/login/" not in public.url
    text = public.locator("#zone-public").inner_text()
    assert "鹭洲西路夜宵摊点区" in text and "0796-8220000" in text and "统一卫生标准" in text
    assert "张三" not in public.content()
    assert public.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(public, "public-375")
    assert_clean(public)


def test_patrol_form_asks_the_zone_check_for_a_vendor_finding(browser_page, live_server, night_zone):
    zone, vendor = night_zone["zone"], night_zone["permit"].vendor
    lat = sum(p[1] for p in zone.geometry["coordinates"][0][:4]) / 4
    lng = sum(p[0] for p in zone.geometry["coordinates"][0][:4]) / 4
    # given: the leader's patrol form on a phone
    phone = browser_page(375, 740)
    login(phone, live_server.url, night_zone["leader"].username, "pw-leader")
    phone.goto(f"{live_server.url}/inspections/patrol/new/")
    phone.wait_for_selector("body[data-ready='1']")
    assert phone.locator("#fd-zone-check").is_hidden()
    # when: a finding of 09001 (流动摊贩) at the zone's centre, on a Friday evening, against the vendor
    phone.select_option("#fd-category", "09001")
    phone.wait_for_selector(f"#fd-vendor option[value='{vendor.pk}']", state="attached")
    phone.select_option("#fd-vendor", str(vendor.pk))
    phone.fill("#fd-at", "2026-11-27T20:30")
    phone.fill("#fd-lat", f"{lat:.6f}")
    phone.fill("#fd-lng", f"{lng:.6f}")
    phone.dispatch_event("#fd-lng", "change")
    # then: the zone, open, and no permit yet (the application is not approved)
    phone.wait_for_selector(f"#fd-check-result[data-zone='{zone.pk}']")
    result = phone.locator("#fd-check-result")
    assert result.get_attribute("data-open") == "1" and result.get_attribute("data-permitted") == "0"
    assert "鹭洲西路夜宵摊点区" in result.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(phone, "patrol-zone-check-375")
    # and: the finding keeps the vendor for the report
    phone.fill("#fd-description", "无证摊贩在区内经营")
    phone.click("#fd-add")
    assert phone.locator(f"#finding-list [data-vendor='{vendor.pk}']").count() == 1
    assert_clean(phone)


@pytest.fixture
def commerce_points(two_streets):
    """A farmers market that missed today's first cleaning round, a flagged-free shop with an agreement and an
    ad without approval, each at a point of street a; a shop of street b."""
    from datetime import date, timedelta

    from bureau import clock
    from markets.farmers import services as farmers_services

    bureau = make_user("t-bureau", Role.BUREAU)
    place = two_streets
    lat, lng = centre_of(place["a1"])
    lat2, lng2 = centre_of(place["a2"])
    # registered yesterday, with a slot ending one minute past midnight: today's round is missed by now
    with clock.frozen(clock.now() - timedelta(days=1)):
        market = farmers_services.farmers_market_register(
            acting_user=bureau, street=place["a"], name="城南农贸市场", address="井冈山大道 8 号", lat=lat, lng=lng,
            slots=[("凌晨保洁", time(0, 0), time(0, 1))])
    shop = services.shop_register(acting_user=bureau, name="古南超市", address="古南路 3 号", street=place["a"],
                                  lat=lat2, lng=lng2)
    services.frontage_agreement_sign(acting_user=bureau, shop=shop, signed_on=date(2026, 1, 5), signer_name="李四")
    services.shop_register(acting_user=bureau, name="永叔超市", address="永叔路 1 号", street=place["b"],
                           lat=centre_of(place["b1"])[0], lng=centre_of(place["b1"])[1])
    ad = services.outdoor_ad_register(acting_user=bureau, owner="某传媒公司", location="古南路 12 号", street=place["a"],
                                      lat=lat2 + 0.0003, lng=lng2 + 0.0003)
    return {"market": market, "shop": shop, "ad": ad, "bureau": bureau, "leader": place["leader_a"]}


def _popup_of(page, key):
    """Click the layer's (only) marker where it is drawn on the canvas; the popup's text."""
    x, y = page.evaluate("""key => { let p = null;
        window.mapOverlays[key].eachLayer(l => { p = window.gridMap.latLngToContainerPoint(l.getLatLng()); });
        const box = document.getElementById('map').getBoundingClientRect();
        return [box.left + p.x, box.top + p.y]; }""", key)
    page.mouse.click(x, y)
    page.wait_for_selector(".leaflet-popup-content .overlay-popup")
    text = page.locator(".leaflet-popup-content").inner_text()
    page.evaluate("() => window.gridMap.closePopup()")
    page.locator(".leaflet-popup").wait_for(state="detached")
    return text


def test_markets_shops_and_ads_show_as_layers_on_the_district_map(browser_page, live_server, commerce_points):
    # given: bureau staff at the district map on a desktop
    desk = browser_page(1280, 900)
    login(desk, live_server.url, "t-bureau", "pw-t-bureau")

    # when
    desk.goto(f"{live_server.url}/grids/map/")
    _wait_for_layers(desk)
    settle(desk)

    # then: the four street-commerce layers, in the control, with one marker each of street a (and b's shop)
    assert desk.evaluate("() => Object.keys(window.mapOverlays)")[:4] == LAYERS
    grid = desk.locator("#map")
    counts = {key: grid.get_attribute(f"data-layer-{key}") for key in LAYERS}
    assert counts == {"vendor-zones": "0", "farmers-markets": "1", "shops": "2", "outdoor-ads": "1"}
    control = desk.locator(".leaflet-control-layers").inner_text()
    assert all(label in control for label in ("摊点区域", "农贸市场", "商户", "户外广告/招牌"))
    # the points are drawn as circles in their layer's colour
    colours = desk.evaluate("""() => Object.fromEntries(['farmers-markets', 'shops', 'outdoor-ads'].map(k => {
        let c = null; window.mapOverlays[k].eachLayer(l => { c = l.options.fillColor; }); return [k, c]; }))""")
    assert colours == {"farmers-markets": "#2e7d32", "shops": "#1565c0", "outdoor-ads": "#c2185b"}
    _shot(desk, "map-commerce-layers-desktop")

    # and: each marker's popup names it, its state and the page to open
    market = _popup_of(desk, "farmers-markets")
    assert "城南农贸市场" in market and "今日漏保洁 1 次" in market and "查看" in market
    desk.evaluate("() => window.gridMap.removeLayer(window.mapOverlays['farmers-markets'])")
    ad = _popup_of(desk, "outdoor-ads")
    assert "某传媒公司" in ad and "古南路 12 号" in ad and "无审批" in ad
    assert_clean(desk)

    # and: a street leader sees their street's shop only
    leader = commerce_points["leader"]
    leader.set_password("pw-leader")
    leader.save()
    phone = browser_page(1280, 900)
    login(phone, live_server.url, leader.username, "pw-leader")
    phone.goto(f"{live_server.url}/grids/map/")
    _wait_for_layers(phone)
    assert phone.locator("#map").get_attribute("data-layer-shops") == "1"
    assert_clean(phone)
