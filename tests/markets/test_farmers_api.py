"""The farmers-market API: roles, scope, bad input, idempotent creates, query counts pinned."""
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bureau import clock
from markets.farmers import services
from markets.farmers.choices import MarketCheck
from tests.conftest import client_for
from tests.markets.farmers_support import make_market

SH = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 26, 12, 0, tzinfo=SH)


@pytest.fixture
def markets(place, bureau_user):
    with clock.frozen(NOON):
        return {"a": make_market(bureau_user, place, "a"), "b": make_market(bureau_user, place, "b")}


@pytest.fixture
def now():
    with clock.frozen(NOON):
        yield NOON


def _fill(user, market, n):
    """n of each row kind for `market`."""
    with clock.frozen(NOON):
        for i in range(n):
            services.market_complaint_receive(acting_user=user, market=market, kind="price", content=f"投诉{i}")
            services.market_repair_report(acting_user=user, market=market, facility=f"设施{i}", description="坏了")
            services.market_inspection_record(acting_user=user, market=market,
                                              checklist=dict.fromkeys(MarketCheck.values, True))


def test_leaders_see_their_own_streets_markets_only(markets, place, now):
    # given
    client = client_for(place["leader_a"])
    # when
    listed = client.get("/api/v1/farmers-markets/").json()
    # then
    assert [m["id"] for m in listed["results"]] == [markets["a"].pk]
    assert client.get(f"/api/v1/farmers-markets/{markets['b'].pk}/").status_code == 404
    detail = client.get(f"/api/v1/farmers-markets/{markets['a'].pk}/").json()
    assert [s["status"] for s in detail["cleaning_today"]] == ["due", "due"]
    assert detail["operator"] == "古南街道市场开发有限公司"


def test_a_missed_round_shows_on_the_market_the_same_day(markets, place):
    client = client_for(place["leader_a"])
    with clock.frozen(datetime(2026, 11, 26, 13, 1, tzinfo=SH)):
        detail = client.get(f"/api/v1/farmers-markets/{markets['a'].pk}/").json()
    assert [s["status"] for s in detail["cleaning_today"]] == ["missed", "due"]


@pytest.mark.parametrize("path", ["farmers-markets", "market-complaints", "market-repairs", "market-inspections",
                                  "market-cleaning-rounds"])
def test_list_query_counts_do_not_grow_with_rows(markets, place, bureau_user, django_assert_num_queries, path, now):
    client = client_for(bureau_user)
    _fill(bureau_user, markets["a"], 1)
    with clock.frozen(NOON):
        services.cleaning_round_record(acting_user=bureau_user, slot=markets["a"].cleaning_slots.first(),
                                       date=date(2026, 11, 26))
    # auth is forced (no query); one count, one page
    with django_assert_num_queries(2):
        one = client.get(f"/api/v1/{path}/")
    _fill(bureau_user, markets["b"], 5)
    with clock.frozen(NOON):
        services.cleaning_round_record(acting_user=bureau_user, slot=markets["b"].cleaning_slots.first(),
                                       date=date(2026, 11, 26))
    with django_assert_num_queries(2):
        many = client.get(f"/api/v1/{path}/")
    assert one.status_code == many.status_code == 200
    assert many.json()["count"] >= one.json()["count"]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("farmers-markets", {"street": "001", "name": "市场", "address": "路", "lat": 95, "lng": 114}, "lat"),
    ("farmers-markets", {"street": "002", "name": "市场", "address": "路", "lat": 27, "lng": 114}, "street"),
    ("farmers-markets", {"street": "001", "name": "", "address": "路", "lat": 27, "lng": 114}, "name"),
    ("market-complaints", {"market": "x", "kind": "price", "content": "a"}, "market"),
    ("market-complaints", {"market": "{b}", "kind": "price", "content": "a"}, "market"),
    ("market-complaints", {"market": "{a}", "kind": "noise", "content": "a"}, "kind"),
    ("market-complaints", {"market": "{a}", "kind": "price", "content": "a", "received_at": "2099-01-01T00:00:00+08:00"},
     "received_at"),
    ("market-complaints", {"market": "{a}", "kind": "price", "content": "a", "received_at": "yesterday"},
     "received_at"),
    ("market-inspections", {"market": "{a}", "checklist": {"hygiene": True}}, "checklist"),
    ("market-inspections", {"market": "{a}", "checklist": "not json"}, "checklist"),
    ("market-inspections", {"market": "{a}", "checklist": {"hygiene": "maybe"}}, "checklist"),
    ("market-repairs", {"market": "{a}", "facility": "", "description": "坏"}, "facility"),
    ("market-repairs", {"market": "{a}", "facility": "秤", "description": "坏", "reported_on": "2099-01-01"},
     "reported_on"),
    ("market-cleaning-rounds", {"slot": 999999}, "slot"),
    ("market-cleaning-rounds", {"slot": "{slot_a}", "date": "2026-13-01"}, "date"),
    ("market-cleaning-rounds", {"slot": "{slot_a}", "date": "2099-01-01"}, "date"),
])
def test_bad_input_is_400_with_the_field_named_and_nothing_written(markets, place, path, body, field, now):
    # given
    client = client_for(place["leader_a"])
    ids = {"{a}": markets["a"].pk, "{b}": markets["b"].pk, "{slot_a}": markets["a"].cleaning_slots.first().pk}
    body = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    from markets.farmers.models import CleaningRound, FarmersMarket, MarketComplaint, MarketInspection, MarketRepair

    before = [m.objects.count() for m in (CleaningRound, FarmersMarket, MarketComplaint, MarketInspection,
                                          MarketRepair)]
    # when
    response = client.post(f"/api/v1/{path}/", body, format="json")
    # then
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert [m.objects.count() for m in (CleaningRound, FarmersMarket, MarketComplaint, MarketInspection,
                                        MarketRepair)] == before


def test_an_officer_records_a_complaint_but_may_not_handle_it(markets, place, now):
    officer, leader = client_for(place["officer_a1"]), client_for(place["leader_a"])
    created = officer.post("/api/v1/market-complaints/", {"market": markets["a"].pk, "kind": "weights",
                                                          "content": "短秤", "phone": "13800001111"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["phone"] == "138****1111"
    pk = created.json()["id"]
    assert officer.post(f"/api/v1/market-complaints/{pk}/handle/", {"reply": "好"}, format="json").status_code == 403
    assert client_for(place["leader_b"]).post(f"/api/v1/market-complaints/{pk}/handle/", {"reply": "好"},
                                              format="json").status_code == 404
    assert leader.post(f"/api/v1/market-complaints/{pk}/handle/", {}, format="json").status_code == 400
    assert leader.post(f"/api/v1/market-complaints/{pk}/handle/", {"reply": "已复秤"}, format="json").status_code == 200
    assert leader.post(f"/api/v1/market-complaints/{pk}/handle/", {"reply": "again"}, format="json").status_code == 409


def test_an_officer_may_not_register_a_market(place, now):
    response = client_for(place["officer_a1"]).post("/api/v1/farmers-markets/", {
        "street": "001", "name": "新市场", "address": "路", "lat": 27.1, "lng": 114.9}, format="json")
    assert response.status_code == 403


def test_creates_replay_with_the_same_idempotency_key(markets, place, now):
    client = client_for(place["leader_a"])
    body = {"market": markets["a"].pk, "facility": "排水沟", "description": "堵塞"}
    first = client.post("/api/v1/market-repairs/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/market-repairs/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = client.post("/api/v1/market-repairs/", {**body, "facility": "灯"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert first.json() == again.json()
    assert markets["a"].repairs.count() == 1


def test_a_cleaning_round_is_recorded_once_a_day(markets, place, now):
    client = client_for(place["officer_a1"])
    slot = markets["a"].cleaning_slots.order_by("starts").first()
    first = client.post("/api/v1/market-cleaning-rounds/", {"slot": slot.pk}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["date"] == "2026-11-26" and first.json()["late"] is False
    assert client.post("/api/v1/market-cleaning-rounds/", {"slot": slot.pk}, format="json").status_code == 409
    other = markets["b"].cleaning_slots.first()
    assert client.post("/api/v1/market-cleaning-rounds/", {"slot": other.pk}, format="json").status_code == 400


def test_an_inspection_takes_photos_in_a_multipart_form(markets, place, now):
    picture = io.BytesIO()
    Image.new("RGB", (8, 6), (0, 90, 0)).save(picture, format="JPEG")
    picture.seek(0)
    picture.name = "a.jpg"
    import json

    response = client_for(place["leader_a"]).post("/api/v1/market-inspections/", {
        "market": markets["a"].pk, "checklist": json.dumps(dict.fromkeys(MarketCheck.values, True) | {"scales": False}),
        "photos": [picture]}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["photo_count"] == 1 and response.json()["failed_items"] == ["公平秤、计量器具合格"]


def test_anonymous_is_401_and_the_api_client_403(markets, api_user, anon_client):
    assert anon_client.get("/api/v1/farmers-markets/").status_code == 401
    assert client_for(api_user).get("/api/v1/market-complaints/").status_code == 403


@pytest.mark.parametrize(("path", "query", "expected"), [
    ("farmers-markets", "street=002", ["b"]),
    ("farmers-markets", "street=999", []),
    ("market-complaints", "street=001", ["a-price", "a-hygiene"]),
    ("market-complaints", "kind=hygiene", ["a-hygiene"]),
    ("market-complaints", "status=handled", ["a-price"]),
    ("market-complaints", "overdue=true", ["a-hygiene"]),
    ("market-complaints", "overdue=false", ["a-price", "b-price"]),
    ("market-complaints", "market={b}", ["b-price"]),
    ("market-repairs", "status=fixed", ["a-秤"]),
    ("market-repairs", "street=002", ["b-灯"]),
    ("market-cleaning-rounds", "date=2026-11-25", ["a-上午保洁"]),
    ("market-inspections", "date_from=2026-11-26", ["b-insp"]),
    ("market-inspections", "date_to=2026-11-25", ["a-insp"]),
])
def test_each_filter_narrows_the_list(markets, place, bureau_user, path, query, expected):
    # given: rows a day apart, a complaint past its deadline (hygiene: 1 working day from Monday 23 November)
    a, b = markets["a"], markets["b"]
    with clock.frozen(datetime(2026, 11, 25, 9, 0, tzinfo=SH)):
        services.cleaning_round_record(acting_user=bureau_user, slot=a.cleaning_slots.order_by("starts").first(),
                                       date=date(2026, 11, 25))
        services.market_inspection_record(acting_user=bureau_user, market=a, note="insp",
                                          checklist=dict.fromkeys(MarketCheck.values, True))
        price = services.market_complaint_receive(acting_user=bureau_user, market=a, kind="price", content="x")
        services.market_complaint_handle(acting_user=bureau_user, complaint=price, reply="好")
        services.market_complaint_receive(acting_user=bureau_user, market=a, kind="hygiene", content="y",
                                          received_at=datetime(2026, 11, 23, 9, 0, tzinfo=SH))
        fix = services.market_repair_report(acting_user=bureau_user, market=a, facility="秤", description="坏")
        services.market_repair_fix(acting_user=bureau_user, repair=fix)
        services.market_repair_report(acting_user=bureau_user, market=b, facility="灯", description="坏")
    with clock.frozen(NOON):
        services.market_inspection_record(acting_user=bureau_user, market=b, note="insp",
                                          checklist=dict.fromkeys(MarketCheck.values, True))
        services.market_complaint_receive(acting_user=bureau_user, market=b, kind="price", content="z")
        # when
        rows = client_for(bureau_user).get(f"/api/v1/{path}/?{query.replace('{b}', str(b.pk))}").json()["results"]

    # then
    def label(row):
        if path == "farmers-markets":
            return "a" if row["id"] == a.pk else "b"
        side = "a" if row["market"] == a.pk else "b"
        tail = {"market-complaints": "kind", "market-repairs": "facility", "market-cleaning-rounds": "slot_name",
                "market-inspections": "note"}[path]
        return f"{side}-{row[tail]}"

    assert sorted(label(r) for r in rows) == sorted(expected)


def test_the_list_page_query_count_does_not_grow_with_markets(place, bureau_user, django_assert_num_queries):
    from django.test import Client

    client = Client()
    client.force_login(bureau_user)
    with clock.frozen(NOON):
        make_market(bureau_user, place, "a")
        client.get("/markets/farmers/")  # warm the session and the calendar
        with django_assert_num_queries(9) as one:
            client.get("/markets/farmers/")
        make_market(bureau_user, place, "b")
        make_market(bureau_user, place, "a", name="二号市场", with_station=False)
        with django_assert_num_queries(len(one.captured_queries)):
            assert client.get("/markets/farmers/").status_code == 200
