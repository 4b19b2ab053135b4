"""Shops and frontage, outdoor ads: coverage, the 09005 flag and the public-service ratio against hand counts;
versions kept as history; the ad statuses and their daily job; removal by rectification order; PII masked."""
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from bureau import clock
from bureau.appendonly import AppendOnlyError
from markets import services, tasks
from markets.choices import AdKind, AdStatus, FrontageKind, NoticeKind
from markets.models import AdTarget, FrontageAgreement, MarketNotice, OutdoorAd, Shop
from markets.querysets import ad_ratios, frontage_coverage, frontage_coverage_by_cell
from tests.conftest import client_for
from tests.factories import centre_of

from .conftest import TODAY, at

SHOPS, ADS = "/api/v1/shops/", "/api/v1/outdoor-ads/"
# metres to degrees of latitude near the district (the frontage is 15 m either way of the shop's point)
M = 1 / 111_320


def _png(name="scan.png"):
    out = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(out, format="PNG")
    out.seek(0)
    out.name = name
    return out


def _shop(place, bureau_user, name, street="a", cell=None, point=None, **kw):
    lat, lng = point or (None, None)
    return services.shop_register(acting_user=bureau_user, name=name, address=f"{name}路1号", street=place[street],
                                  grid=place[cell] if cell else None, lat=lat, lng=lng, **kw)


def _sign(bureau_user, shop, kind=FrontageKind.FIVE, signed_on=date(2026, 3, 1), phone=""):
    return services.frontage_agreement_sign(acting_user=bureau_user, shop=shop, signed_on=signed_on,
                                            signer_name="张三", signer_phone=phone, kind=kind)


# --- coverage ----------------------------------------------------------------------------------------

@pytest.fixture
def shops(place, bureau_user, frozen_today):
    """Hand counts. Street 001: a1 has 3 active shops (two covered: one 五包 re-signed, one 三包 only) and one
    closed covered shop; a2 has 1 uncovered shop; 1 covered shop without a cell. Street 002: b1 has 2 shops,
    one covered. So 001: 5 active, 3 covered; 002: 2 active, 1 covered; a1 2/3, a2 0/1, b1 1/2, b2 0/0."""
    s = {name: _shop(place, bureau_user, name, street, cell) for name, street, cell in (
        ("甲", "a", "a1"), ("乙", "a", "a1"), ("丙", "a", "a1"), ("关", "a", "a1"), ("丁", "a", "a2"),
        ("戊", "a", None), ("己", "b", "b1"), ("庚", "b", "b1"))}
    _sign(bureau_user, s["甲"])
    _sign(bureau_user, s["甲"], signed_on=date(2026, 9, 1))
    _sign(bureau_user, s["乙"], kind=FrontageKind.THREE)
    _sign(bureau_user, s["关"])
    services.shop_update(acting_user=bureau_user, shop=s["关"], is_active=False)
    _sign(bureau_user, s["戊"])
    _sign(bureau_user, s["己"], phone="13912345678")
    return s


def test_coverage_per_street_and_per_cell_equals_hand_counts(place, shops, django_assert_num_queries):
    from grids.models import GridCell, Street

    with django_assert_num_queries(1):
        streets = {s.code: (s.covered_count, s.shop_count) for s in frontage_coverage(Street.objects.all())}
    with django_assert_num_queries(1):
        cells = {c.code: (c.covered_count, c.shop_count) for c in frontage_coverage_by_cell(GridCell.objects.all())}
    assert streets == {"001": (3, 5), "002": (1, 2)}
    assert cells == {place["a1"].code: (2, 3), place["a2"].code: (0, 1), place["b1"].code: (1, 2),
                     place["b2"].code: (0, 0)}


def test_coverage_api_per_cell_in_scope(place, shops):
    body = client_for(place["leader_a"]).get("/api/v1/frontage-coverage/cells/").json()
    rows = {r["grid"]: (r["covered_count"], r["shop_count"], r["coverage"]) for r in body["results"]}
    assert rows == {place["a1"].code: (2, 3, 0.6667), place["a2"].code: (0, 1, 0.0)}


def test_agreement_versions_are_history(place, shops, bureau_user):
    # then: 甲's 五包 has two versions, the latest current; 乙's 三包 is its own first version
    versions = FrontageAgreement.objects.filter(shop=shops["甲"]).order_by("version")
    assert [(a.kind, a.version, a.signed_on) for a in versions] == [
        ("five", 1, date(2026, 3, 1)), ("five", 2, date(2026, 9, 1))]
    assert list(FrontageAgreement.objects.filter(shop=shops["甲"]).current().values_list("version", flat=True)) == [2]
    assert FrontageAgreement.objects.get(shop=shops["乙"]).kind == FrontageKind.THREE
    # and: history is never changed, and a version cannot be dated before the one it follows
    old = versions.first()
    with pytest.raises(AppendOnlyError):
        old.save()
    with pytest.raises(AppendOnlyError):
        FrontageAgreement.objects.filter(pk=old.pk).update(signer_name="改")
    with pytest.raises(ValidationError):
        _sign(bureau_user, shops["甲"], signed_on=date(2026, 8, 1))


def test_agreements_over_the_api_mask_the_phone(place, shops):
    client = client_for(place["leader_b"])
    r = client.post(f"{SHOPS}{shops['庚'].pk}/agreements/", {"kind": "three", "signed_on": "2026-11-20",
                                                           "signer_name": "李四", "signer_phone": "13800001234"},
                    format="json", HTTP_IDEMPOTENCY_KEY="sign-1")
    assert r.status_code == 201 and r.json()["signer_phone"] == "138****1234" and r.json()["version"] == 1
    listed = client.get(f"{SHOPS}{shops['己'].pk}/agreements/").json()
    assert [a["signer_phone"] for a in listed] == ["139****5678"]
    assert "13912345678" not in str(listed) and "13800001234" not in r.content.decode()
    # another street's shop is not found
    assert client.get(f"{SHOPS}{shops['甲'].pk}/agreements/").status_code == 404


def test_commitment_letter_with_its_scan(place, shops, bureau_user):
    client = client_for(place["leader_a"])
    r = client.post(f"{SHOPS}{shops['丁'].pk}/commitments/", {"signed_on": "2026-11-01", "signer_name": "王五",
                                                            "scan": _png()}, format="multipart")
    assert r.status_code == 201, r.content
    assert client.get(f"{SHOPS}{shops['丁'].pk}/").json()["commitment_signed_on"] == "2026-11-01"
    bad = client.post(f"{SHOPS}{shops['丁'].pk}/commitments/", {
        "signed_on": "2026-11-01", "signer_name": "王五", "scan": io.BytesIO(b"not a picture")}, format="multipart")
    assert bad.status_code == 400 and "scan" in bad.json()


# --- the 09005 flag ----------------------------------------------------------------------------------

@pytest.fixture
def flag_fixture(place, bureau_user, make_case, frozen_today):
    """Shop 甲 at the centre of a1. Counting cases: two in its frontage (on the point, 10 m north), one elsewhere
    naming its party, one on the first of the 90 days. Not counting: one 20 m east (outside), one of 09006 on the
    point, one on the day before the 90 days, one rejected. So 甲 has 4 and is flagged. Shop 乙 (in b1) has 2 naming its party: not flagged."""
    from enforcement.services import case_report, case_transition
    from enforcement.services.parties import case_set_party

    lat, lng = centre_of(place["a1"])
    shop = _shop(place, bureau_user, "甲", cell="a1", point=(lat, lng))
    other = _shop(place, bureau_user, "乙", street="b", cell="b1")

    def case(category="09005", dlat=0.0, dlng=0.0, when=None, cell="a1"):
        when = when or at(2026, 11, 20, 10)
        c_lat, c_lng = (lat, lng) if cell == "a1" else centre_of(place[cell])
        with clock.frozen(when):
            return case_report(acting_user=bureau_user, category=category, lat=c_lat + dlat, lng=c_lng + dlng,
                               description="店外经营", source="supervision")

    case()
    case(dlat=10 * M)
    linked = case(cell="a2")
    case_set_party(acting_user=bureau_user, case=linked, party=shop.party)
    case(dlng=20 * M / 0.88)  # cos(latitude) is about 0.88 near 28°N: 20 m east
    case(category="09006")
    case(when=at(2026, 8, 28, 23, 59))  # the 91st day back from TODAY: outside the 90 days
    case(when=at(2026, 8, 29, 0, 1))  # the 90th day back (29 August to 26 November): inside
    rejected = case(when=at(2026, 11, 1, 9))
    case_transition(acting_user=bureau_user, case=rejected, action="reject", note="不属实")
    for _ in range(2):
        case_set_party(acting_user=bureau_user, case=case(cell="b1"), party=other.party)
    return {"shop": shop, "other": other}


def test_flag_counts_equal_hand_counts(flag_fixture):
    counts = {s.name: s.frontage_case_count for s in Shop.objects.with_frontage_case_count(TODAY)}
    # 甲: on the point, 10 m north, linked, and the 90th day's case = 4; 乙: 2
    assert counts == {"甲": 4, "乙": 2}
    assert list(Shop.objects.flagged(TODAY).values_list("name", flat=True)) == ["甲"]
    # a day later the case of the 90th day has left the window: 3, still flagged
    assert Shop.objects.with_frontage_case_count(TODAY + timedelta(days=1)).get(name="甲").frontage_case_count == 3


def test_flag_visible_in_the_list_and_filter(place, flag_fixture, bureau_user, django_assert_num_queries):
    client = client_for(bureau_user)
    client.get(SHOPS)  # warm the session and permission caches
    with django_assert_num_queries(2):  # count, page (the flag is a subquery of the page)
        body = client.get(SHOPS).json()
    assert {r["name"]: (r["frontage_case_count"], r["flagged"]) for r in body["results"]} == {
        "甲": (4, True), "乙": (2, False)}
    assert [r["name"] for r in client.get(SHOPS, {"flagged": "true"}).json()["results"]] == ["甲"]
    assert client.get(SHOPS, {"flagged": "maybe"}).status_code == 400


# --- outdoor ads -------------------------------------------------------------------------------------

def _ad(place, street="a", **kw):
    return services.outdoor_ad_register(acting_user=None, owner=kw.pop("owner", "某店"), location="路口",
                                        street=place[street], **kw)


def test_public_service_ratio_per_street_equals_hand_counts(place, bureau_user, frozen_today,
                                                           django_assert_num_queries):
    from grids.models import Street

    # given: 001: 5 standing ads, 2 public service (+1 removed public-service ad, +1 removed ad); 002: 1 ad
    for kind in (AdKind.AD, AdKind.AD, AdKind.SHOP_SIGN, AdKind.PUBLIC_SERVICE, AdKind.PUBLIC_SERVICE):
        _ad(place, kind=kind)
    for kind in (AdKind.PUBLIC_SERVICE, AdKind.AD):
        services.outdoor_ad_set_status(acting_user=bureau_user, ad=_ad(place, kind=kind), status=AdStatus.REMOVED)
    _ad(place, "b")
    services.ad_target_set(acting_user=bureau_user, street=place["a"], public_service_ratio=Decimal("0.3"))
    # when
    with django_assert_num_queries(1):
        rows = {s.code: (s.public_service_count, s.ad_count, s.target) for s in ad_ratios(Street.objects.all())}
    # then
    assert rows == {"001": (2, 5, Decimal("0.3")), "002": (0, 1, None)}
    body = client_for(bureau_user).get("/api/v1/ad-ratios/").json()["results"]
    assert [(r["street"], r["ratio"], r["target"], r["meets_target"]) for r in body] == [
        ("001", 0.4, "0.3000", True), ("002", 0.0, None, None)]


def test_only_the_bureau_sets_targets(place, bureau_user):
    body = {"street": "001", "public_service_ratio": "0.25"}
    assert client_for(place["leader_a"]).post("/api/v1/ad-ratios/", body, format="json").status_code == 403
    r = client_for(bureau_user).post("/api/v1/ad-ratios/", body, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    assert r.status_code == 200 and r.json()["target"] == "0.2500"
    assert AdTarget.objects.get().public_service_ratio == Decimal("0.25")
    assert client_for(bureau_user).post("/api/v1/ad-ratios/", {**body, "public_service_ratio": "1.5"},
                                        format="json").status_code == 400


def test_statuses_follow_the_approval_and_removed_is_final(place, bureau_user, frozen_today):
    ad = _ad(place)
    assert ad.status == AdStatus.NO_APPROVAL
    ad = services.outdoor_ad_approve(acting_user=bureau_user, ad=ad, approval_number="吉A1",
                                     approved_from=date(2026, 1, 1), approved_until=TODAY + timedelta(days=10))
    assert ad.status == AdStatus.EXPIRING
    ad = services.outdoor_ad_set_status(acting_user=bureau_user, ad=ad, status=AdStatus.HAZARD, reason="松动")
    ad = services.outdoor_ad_set_status(acting_user=bureau_user, ad=ad, status=AdStatus.APPROVED, reason="加固")
    assert ad.status == AdStatus.EXPIRING  # back to what the approval says
    with pytest.raises(services.AdStateConflict):  # the dates' statuses are not set by hand
        services.outdoor_ad_set_status(acting_user=bureau_user, ad=ad, status=AdStatus.EXPIRED)
    services.outdoor_ad_set_status(acting_user=bureau_user, ad=ad, status=AdStatus.REMOVED)
    for call in (lambda: services.outdoor_ad_set_status(acting_user=bureau_user, ad=ad, status=AdStatus.HAZARD),
                 lambda: services.outdoor_ad_approve(acting_user=bureau_user, ad=ad, approval_number="吉A2",
                                                     approved_until=TODAY + timedelta(days=400)),
                 lambda: services.outdoor_ad_update(acting_user=bureau_user, ad=ad, location="别处")):
        with pytest.raises(services.AdStateConflict):
            call()
    assert OutdoorAd.objects.get(pk=ad.pk).status == AdStatus.REMOVED


def test_the_daily_job_moves_ads_on_their_day_and_tells_the_street(place, bureau_user):
    # given: an approval ending 31 December, registered when it was far off
    with clock.frozen(at(2026, 11, 1, 12)):
        ad = _ad(place, approval_number="吉A广审1", approved_until=date(2026, 12, 31))
        hazard = _ad(place, approval_number="吉A广审2", approved_until=date(2026, 12, 31), hazard=True)
    assert ad.status == AdStatus.APPROVED
    leader = place["leader_a"]

    def run(day):
        return tasks.ads_daily.delay(day=day.isoformat()).get()

    # when/then: the day before the warning window, nothing; on its first day (30 days ahead), expiring
    assert run(date(2026, 11, 30)) == {"expiring": 0, "expired": 0, "removed": 0}
    assert run(date(2026, 12, 1)) == {"expiring": 1, "expired": 0, "removed": 0}
    assert OutdoorAd.objects.get(pk=ad.pk).status == AdStatus.EXPIRING
    assert run(date(2026, 12, 1)) == {"expiring": 0, "expired": 0, "removed": 0}  # a rerun changes nothing
    # on its last day still expiring; the day after, expired
    assert run(date(2026, 12, 31))["expired"] == 0
    assert run(date(2027, 1, 1)) == {"expiring": 0, "expired": 1, "removed": 0}
    assert OutdoorAd.objects.get(pk=ad.pk).status == AdStatus.EXPIRED
    assert OutdoorAd.objects.get(pk=hazard.pk).status == AdStatus.HAZARD  # a hazard is not the job's
    # and: one message per step to the street's leader, none to the other street's
    notices = MarketNotice.objects.filter(user=leader).order_by("kind")
    assert [(n.kind, "吉A广审1" in n.message) for n in notices] == [(NoticeKind.AD_EXPIRED, True),
                                                                     (NoticeKind.AD_EXPIRING, True)]
    assert not MarketNotice.objects.filter(user=place["leader_b"]).exists()


def test_the_ad_job_is_scheduled():
    from django.conf import settings

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "markets.ads_daily")
    assert entry["schedule"].hour == {0}


def test_removal_by_rectification_order(place, bureau_user, frozen_today):
    from enforcement.models import RectificationOrder

    # given: an unapproved ad and a 07003 case in its street
    ad = _ad(place, owner="某广告公司")
    lat, lng = centre_of(place["a1"])
    from enforcement.services import case_report

    case = case_report(acting_user=bureau_user, category="07003", lat=lat, lng=lng, description="无审批广告",
                       source="supervision")
    client = client_for(place["leader_a"])
    body = {"case": case.pk, "legal_basis": "《城市市容和环境卫生管理条例》第十一条", "deadline_days": 5}
    # when: the leader orders the removal
    r = client.post(f"{ADS}{ad.pk}/removal-order/", body, format="json", HTTP_IDEMPOTENCY_KEY="rm-1")
    # then: an order to the owner (now the case's party), linked to the ad; the ad is not removed yet
    assert r.status_code == 201, r.content
    order = RectificationOrder.objects.get()
    assert r.json()["removal_order"] == order.number and order.party.name == "某广告公司"
    assert OutdoorAd.objects.get(pk=ad.pk).status == AdStatus.NO_APPROVAL
    assert client.post(f"{ADS}{ad.pk}/removal-order/", body, format="json").status_code == 409  # one open order
    # when: the follow-up finds it partly done, then (a new order) complied with
    r = client.post(f"{ADS}{ad.pk}/removal-follow-up/", {"outcome": "partly", "note": "仍有支架"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == AdStatus.NO_APPROVAL
    assert client.post(f"{ADS}{ad.pk}/removal-order/", body, format="json").status_code == 201
    r = client.post(f"{ADS}{ad.pk}/removal-follow-up/", {"outcome": "complied", "note": "已拆除"}, format="json")
    # then: removed, and final
    assert r.status_code == 200 and r.json()["status"] == AdStatus.REMOVED
    assert client.post(f"{ADS}{ad.pk}/status/", {"status": "hazard"}, format="json").status_code == 409
    # a case of another kind, or another street's, is refused
    other = _ad(place)
    wrong = case_report(acting_user=bureau_user, category="06010", lat=lat, lng=lng, description="垃圾",
                        source="supervision")
    assert client.post(f"{ADS}{other.pk}/removal-order/", {**body, "case": wrong.pk},
                       format="json").status_code == 400


def test_the_job_catches_an_order_followed_up_elsewhere(place, bureau_user, frozen_today):
    from enforcement.services import case_report
    from enforcement.services.orders import order_follow_up

    ad = _ad(place)
    lat, lng = centre_of(place["a1"])
    case = case_report(acting_user=bureau_user, category="07003", lat=lat, lng=lng, description="无审批广告",
                       source="supervision")
    ad = services.outdoor_ad_order_removal(acting_user=bureau_user, ad=ad, case=case, legal_basis="条例",
                                           deadline_days=3)
    order_follow_up(acting_user=bureau_user, order=ad.removal_order, outcome="complied", note="已拆除")
    assert services.outdoor_ad_expire_due(today=TODAY)["removed"] == 1
    assert OutdoorAd.objects.get(pk=ad.pk).status == AdStatus.REMOVED


def test_ad_list_query_count(place, bureau_user, frozen_today, django_assert_num_queries):
    for i in range(5):
        _ad(place, approval_number=f"A{i}", approved_until=TODAY + timedelta(days=i * 20))
    client = client_for(bureau_user)
    client.get(ADS)
    with django_assert_num_queries(2):  # count, page
        body = client.get(ADS).json()
    assert body["count"] == 5
    assert [r["status"] for r in body["results"]].count("expiring") == 2  # 0 and 20 days ahead


@pytest.mark.worker
@pytest.mark.timeout(180)
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_a_real_worker_expires_an_ad_on_its_day(transactional_db, celery_worker):
    from bureau.accounts.choices import Role
    from tests.conftest import make_user
    from tests.factories import CommunityFactory, GridCellFactory, StreetFactory, make_leader

    # given: an ad whose approval ended on 30 November
    street = StreetFactory(code="001")
    GridCellFactory(community=CommunityFactory(street=street, code="001"))
    leader, bureau = make_leader(street), make_user("w-bureau", Role.BUREAU)
    with clock.frozen(at(2026, 11, 1, 12)):
        ad = services.outdoor_ad_register(acting_user=bureau, owner="某店", location="路口", street=street,
                                          approval_number="吉A广审9", approved_until=date(2026, 11, 30))
    # when: the worker runs the daily job for 30 November, then for 1 December
    tasks.ads_daily.apply_async(kwargs={"day": "2026-11-30"}, queue=celery_worker.queue)
    celery_worker.wait_for(lambda: "succeeded" in celery_worker.log_text(), 60, "the job on the last day")
    assert OutdoorAd.objects.get(pk=ad.pk).status == AdStatus.EXPIRING
    tasks.ads_daily.apply_async(kwargs={"day": "2026-12-01"}, queue=celery_worker.queue)
    # then: expired, and the street's leader told
    celery_worker.wait_for(lambda: OutdoorAd.objects.get(pk=ad.pk).status == AdStatus.EXPIRED, 60, "the ad to expire")
    assert MarketNotice.objects.filter(user=leader, kind=NoticeKind.AD_EXPIRED).count() == 1


# --- pages and exports -------------------------------------------------------------------------------

def _sheet(response):
    from openpyxl import load_workbook

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_shop_register_page_and_export_mask_phones_and_keep_scope(place, shops, client):
    # given: 己 (street 002) signed with 13912345678
    client.force_login(place["leader_b"])
    # when
    page = client.get("/markets/shops/")
    export = client.get("/markets/shops/", {"covered": "true", "format": "xlsx"})
    # then: the leader of 002 sees their street's shops only, the phone only as its mask
    html = page.content.decode()
    assert page.status_code == 200 and "己" in html and "甲" not in html
    assert "139****5678" in html and "13912345678" not in html
    rows = _sheet(export)
    assert [r[0] for r in rows[1:]] == ["己"]
    assert rows[1][8] == "139****5678" and "13912345678" not in str(rows)


def test_shop_page_flags_and_filters(place, flag_fixture, client, bureau_user):
    client.force_login(bureau_user)
    html = client.get("/markets/shops/", {"flagged": "true"}).content.decode()
    assert 'class="flagged"' in html and "甲" in html and "乙" not in html
    assert client.get("/markets/shops/", {"flagged": "maybe"}).status_code == 200  # shown as an error, no rows


def test_ad_register_page_and_export(place, bureau_user, client, frozen_today):
    for kind in (AdKind.AD, AdKind.PUBLIC_SERVICE):
        _ad(place, kind=kind, owner="=HYPERLINK(\"x\")")
    _ad(place, "b", approval_number="吉A1", approved_until=TODAY + timedelta(days=5))
    services.ad_target_set(acting_user=bureau_user, street=place["a"], public_service_ratio=Decimal("0.5"))
    client.force_login(place["leader_a"])
    html = client.get("/markets/ads/").content.decode()
    assert 'data-street="001"' in html and 'data-street="002"' not in html and "50%" in html
    rows = _sheet(client.get("/markets/ads/", {"format": "xlsx", "status": "no_approval"}))
    assert len(rows) == 3 and all(r[0].startswith("'=") for r in rows[1:])  # text, never a formula
    client.force_login(bureau_user)
    rows = _sheet(client.get("/markets/ads/", {"format": "xlsx", "status": "expiring"}))
    assert [r[7] for r in rows[1:]] == ["即将到期"]


def test_the_leader_reads_the_expiry_messages_on_the_ads_page(place, client):
    # given: the job warned street 001 of an approval ending
    with clock.frozen(at(2026, 11, 1, 12)):
        _ad(place, approval_number="吉A广审5", approved_until=date(2026, 12, 31))
    services.outdoor_ad_expire_due(today=date(2026, 12, 2))
    # when/then: its leader sees the message; the other street's leader does not
    client.force_login(place["leader_a"])
    assert "吉A广审5" in client.get("/markets/ads/").content.decode()
    client.force_login(place["leader_b"])
    assert "吉A广审5" not in client.get("/markets/ads/").content.decode()


def test_register_pages_query_counts(place, shops, client, bureau_user, django_assert_num_queries, frozen_today):
    for i in range(3):
        _ad(place, approval_number=f"A{i}", approved_until=TODAY + timedelta(days=i * 20))
    client.force_login(bureau_user)
    client.get("/markets/shops/")
    client.get("/markets/ads/")
    # session, user, count, streets of the filter, page, and the session's save (3 statements); the ads page
    # adds the ratios and the messages: the same for 1 row or 50
    with django_assert_num_queries(8):
        client.get("/markets/shops/")
    with django_assert_num_queries(10):
        client.get("/markets/ads/")


def test_a_commitment_upload_replays_by_its_idempotency_key(place, shops):
    from markets.models import ShopCommitment

    client = client_for(place["leader_a"])
    url = f"{SHOPS}{shops['丁'].pk}/commitments/"
    first = client.post(url, {"signed_on": "2026-11-01", "signer_name": "王五", "scan": _png()}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="letter-1")
    again = client.post(url, {"signed_on": "2026-11-01", "signer_name": "王五", "scan": _png()}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="letter-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert ShopCommitment.objects.count() == 1


def test_agreements_and_letters_are_append_only(place, shops, bureau_user):
    from tests.appendonly_support import assert_orm_refuses

    letter = services.shop_commitment_record(acting_user=bureau_user, shop=shops["甲"], signed_on=date(2026, 11, 1),
                                             signer_name="王五", scan=_png())
    assert_orm_refuses(FrontageAgreement.objects.filter(shop=shops["甲"]).first(), signer_name="改")
    assert_orm_refuses(letter, signer_name="改")


@pytest.mark.postgres
def test_the_database_refuses_changes_to_agreements_and_letters(place, shops, bureau_user):
    from markets.models import ShopCommitment
    from tests.appendonly_support import assert_postgres_refuses

    services.shop_commitment_record(acting_user=bureau_user, shop=shops["甲"], signed_on=date(2026, 11, 1),
                                    signer_name="王五", scan=_png())
    assert_postgres_refuses("markets_frontageagreement", FrontageAgreement.objects.first().pk, "signer_name = 'x'")
    assert_postgres_refuses("markets_shopcommitment", ShopCommitment.objects.get().pk, "signer_name = 'x'")
