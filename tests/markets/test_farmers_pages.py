"""Farmers-market pages: the missed round on the market page and the dashboard the same day, filters, xlsx,
scope."""
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from bureau import clock
from markets.farmers import services
from tests.markets.farmers_support import make_market

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def markets(place, bureau_user):
    with clock.frozen(at(2026, 11, 26, 7, 0)):
        return {"a": make_market(bureau_user, place, "a"), "b": make_market(bureau_user, place, "b")}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_a_missed_round_is_on_the_market_page_and_the_dashboard_the_same_day(markets, place):
    # given: the morning round (11:00-13:00) recorded in street 001's market, not in 002's
    leader = place["leader_a"]
    morning = markets["a"].cleaning_slots.order_by("starts").first()
    with clock.frozen(at(2026, 11, 26, 12, 0)):
        services.cleaning_round_record(acting_user=leader, slot=morning, date=date(2026, 11, 26))
        before = _client(place["leader_b"]).get("/").content.decode()

    # when: 13:05 the same day
    with clock.frozen(at(2026, 11, 26, 13, 5)):
        page_b = _client(place["leader_b"]).get(f"/markets/farmers/{markets['b'].pk}/").content.decode()
        page_a = _client(leader).get(f"/markets/farmers/{markets['a'].pk}/").content.decode()
        dash_b = _client(place["leader_b"]).get("/").content.decode()
        dash_a = _client(leader).get("/").content.decode()
        listed = _client(place["leader_b"]).get("/markets/farmers/?missed=1").content.decode()

    # then
    assert 'data-round="missed"' in page_b and 'data-round="missed"' not in page_a
    assert 'data-round="done"' in page_a
    assert 'data-tile="farmers-missed-cleaning"' in dash_b
    assert _tile_value(dash_b, "farmers-missed-cleaning") == "1"
    assert _tile_value(dash_a, "farmers-missed-cleaning") == "0"
    assert _tile_value(before, "farmers-missed-cleaning") == "0"
    assert 'id="missed-warning"' in listed and f'data-market="{markets["b"].pk}"' in listed


def _tile_value(html, key):
    import re

    block = html.split(f'data-tile="{key}"', 1)[1].split("</a>", 1)[0]
    return re.search(r'class="tile-value[^"]*">\s*([^<\s]+)', block).group(1)


def test_a_leader_sees_only_their_streets_markets_and_not_the_others_page(markets, place):
    with clock.frozen(at(2026, 11, 26, 9, 0)):
        client = _client(place["leader_a"])
        listed = client.get("/markets/farmers/").content.decode()
        assert markets["a"].name in listed and markets["b"].name not in listed
        assert client.get(f"/markets/farmers/{markets['b'].pk}/").status_code == 404


def test_the_lists_export_xlsx_with_the_filters(markets, place, bureau_user):
    with clock.frozen(at(2026, 11, 26, 9, 0)):
        services.market_complaint_receive(acting_user=bureau_user, market=markets["a"], kind="price", content="=1+1",
                                          phone="13800002222")
        services.market_complaint_receive(acting_user=bureau_user, market=markets["b"], kind="hygiene", content="脏")
        client = _client(bureau_user)
        sheet = client.get("/markets/farmers/complaints/?street=001&format=xlsx")
        markets_sheet = client.get("/markets/farmers/?street=002&format=xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert len(rows) == 2 and rows[1][1] == markets["a"].name
    assert rows[1][4] == "'=1+1" and rows[1][5] == "138****2222"
    m_rows = list(load_workbook(io.BytesIO(markets_sheet.content)).active.values)
    assert [r[1] for r in m_rows[1:]] == [markets["b"].name]


def test_a_round_is_recorded_from_the_market_page(markets, place):
    slot = markets["a"].cleaning_slots.order_by("starts").first()
    with clock.frozen(at(2026, 11, 26, 12, 0)):
        response = _client(place["officer_a1"]).post(f"/markets/farmers/{markets['a'].pk}/", {"slot": slot.pk})
    assert response.status_code == 302
    assert slot.rounds.get().date == date(2026, 11, 26)


def test_the_pages_answer_the_api_client_403(markets, api_user):
    assert _client(api_user).get("/markets/farmers/").status_code == 403


def test_inspection_photos_open_from_the_market_page_within_scope(markets, place):
    from markets.farmers.choices import MarketCheck
    from tests.markets.test_farmers_services import _png

    with clock.frozen(at(2026, 11, 26, 10, 0)):
        inspection = services.market_inspection_record(acting_user=place["leader_a"], market=markets["a"],
                                                       checklist=dict.fromkeys(MarketCheck.values, True),
                                                       photos=[_png()])
        photo = inspection.photos.get()
        page = _client(place["leader_a"]).get(f"/markets/farmers/{markets['a'].pk}/").content.decode()
        assert f"/markets/farmers/photos/{photo.pk}/" in page
        shown = _client(place["officer_a1"]).get(f"/markets/farmers/photos/{photo.pk}/")
        assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
        assert _client(place["leader_b"]).get(f"/markets/farmers/photos/{photo.pk}/").status_code == 404
