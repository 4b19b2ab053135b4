"""The figures' pages, the annual annex (page, xlsx and command agree) and the leadership dashboard's data."""
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import load_workbook

from tests.figures.support import expected

pytestmark = pytest.mark.django_db

Q = "from=2026-01-01&to=2026-12-31"


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def _cells(html, table_attr):
    """The rows of the annex page's tables: {figure code: [cell texts]}."""
    out = {}
    for code, row in re.findall(r'<tr data-figure="([\w]+)">(.*?)</tr>', html, re.S):
        out[code] = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return out


def test_statistics_page_links_every_figure_to_its_rows(world):
    html = browser(world["bureau"]).get(f"/figures/?{Q}").content.decode()
    hand = expected(world)
    shown = dict(re.findall(r'<tr data-figure="(\w+)">.*?data-value>([^<]*)</a>', html, re.S))
    for code, (_rows, value) in hand.items():
        assert Decimal(shown[code]) == Decimal(str(value)), code
        assert f"/figures/rows/{code}/?{Q}" in html.replace("&amp;", "&"), code


def test_rows_page_lists_exactly_the_rows_counted(world):
    client = browser(world["bureau"])
    for code in ("cases_closed_on_time", "patrol_shops_regulated", "demolished_area", "grid_officers", "ads_removed",
                 "market_complaints_on_time", "referrals_on_time", "joint_operations", "occupation_approvals",
                 "repeat_offenders"):
        html = client.get(f"/figures/rows/{code}/?{Q}").content.decode()
        listed = {int(pk) for pk in re.findall(r'<tr data-row="(\d+)">', html)}
        assert listed == expected(world)[code][0], code


def test_pages_refuse_bad_input_and_other_roles(world, api_user):
    client = browser(world["bureau"])
    assert client.get("/figures/?from=2026-99-01").status_code == 400
    assert client.get("/figures/rows/cases_reported/?street=999").status_code == 400
    assert client.get("/figures/rows/no_such/").status_code == 404
    assert client.get("/figures/annex/?year=abc").status_code == 400
    assert browser(world["officer_a1"]).get("/figures/").status_code == 403
    assert browser(api_user).get("/figures/leadership/").status_code == 403
    assert Client().get("/figures/annex/").status_code == 302


def test_annex_page_and_xlsx_agree_with_the_figures(world):
    client = browser(world["bureau"])
    # when
    html = client.get("/figures/annex/?year=2026").content.decode()
    book = load_workbook(BytesIO(client.get("/figures/annex/?year=2026&format=xlsx").content))
    # then the page's rows are this year's hand counts, with last year beside them and the change
    page = _cells(html, "data-figure")
    assert page["cases_reported"][2:6] == ["5", "1", "4", "400.0"]
    assert page["demolished_area"][2:5] == ["150.5", "10", "140.5"]
    assert page["patrol_shops_regulated"][2:6] == ["7", "100", "-93", "-93.0"]
    assert page["grid_cells"][2:6] == ["4", "5", "-1", "-20.0"]  # b3 was withdrawn in 2025
    assert page["cases_source_hotline"][2:6] == ["1", "0", "1", "—"]  # no percentage of nothing
    # and the workbook says the same, row for row
    sheet = book.worksheets[0]
    rows = {r[0]: [("" if v is None else str(v)) for v in r[1:]] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    hand = expected(world)
    for code, cells in page.items():
        name = cells[0]
        assert name in rows, name
        assert [Decimal(v) if v else None for v in rows[name][1:5]] == [
            Decimal(c) if c != "—" else None for c in cells[2:6]], name
        assert Decimal(cells[2]) == Decimal(str(hand[code][1])), code
    streets = book["分街道"]
    header = [c.value for c in streets[1]]
    assert header[0] == "街道" and header[1].startswith("受理案件")
    assert [c.value for c in streets[2]][:2] == ["古南街道", 3]
    campaigns = list(book["专项整治"].iter_rows(values_only=True))
    assert campaigns[1][:5] == ("百日攻坚", "规范超店经营", "户", 5, 7)


def test_annual_annex_command_writes_the_workbook(world, tmp_path):
    out = tmp_path / "annex.xlsx"
    call_command("annual_annex", "--year", "2026", "--out", str(out))
    sheet = load_workbook(out).worksheets[0]
    values = {r[0]: r[1:6] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert values["受理案件"][1:4] == (5, 1, 4)
    assert values["拆除违建面积"][1] == 150.5
    street = tmp_path / "a.xlsx"
    call_command("annual_annex", "--year", "2026", "--street", "001", "--out", str(street))
    values = {r[0]: r[1:6] for r in load_workbook(street).worksheets[0].iter_rows(values_only=True) if r and r[0]}
    assert values["受理案件"][1] == 3
    with pytest.raises(CommandError):
        call_command("annual_annex", "--year", "2026", "--street", "999")
    with pytest.raises(CommandError):
        call_command("annual_annex", "--year", "1900")


def test_leader_sees_their_streets_annex(world):
    html = browser(world["leader_a"]).get("/figures/annex/?year=2026").content.decode()
    assert _cells(html, "data-figure")["cases_reported"][2] == "3"
    assert 'data-street="002"' not in html
    assert browser(world["leader_a"]).get("/figures/annex/?year=2026&street=002").status_code == 400


def test_leadership_pages_render(world):
    client = browser(world["bureau"])
    for url in ("/figures/leadership/", "/figures/wall/"):
        html = client.get(url).content.decode()
        assert 'id="leadership"' in html and "plotly/plotly.min.js" in html and "leaflet/leaflet.js" in html
    assert 'class="wall"' in client.get("/figures/wall/").content.decode()


def test_live_data(world, django_assert_num_queries):
    from bureau import clock
    from tests.conftest import client_for
    from tests.inspections.reports_support import at

    client = client_for(world["bureau"])
    # counts, today's two, warnings, latest, streets, the month by street (3), campaigns, trend (2), heat
    with django_assert_num_queries(12), clock.frozen(at(2026, 12, 31, 12)):
        body = client.get("/api/v1/statistics/live/?days=366").json()
    assert body["counts"]["open"] == 1  # case C
    assert [c["number"] for c in body["latest"]][:1] == [world["case_E"].number]
    streets = {s["code"]: s for s in body["streets"]}
    assert set(streets) == {"001", "002"} and streets["001"]["open"] == 1
    # the heat map counts the cases of the last 366 days (all of 2026's five, not 2025's) per bin
    assert sum(p[2] for p in body["heat"]["points"]) == 5
    leader = client_for(world["leader_a"]).get("/api/v1/statistics/live/").json()
    assert {s["code"] for s in leader["streets"]} == {"001"}
    assert client.get("/api/v1/statistics/live/?days=0").status_code == 400
    assert client.get("/api/v1/statistics/live/?category=x").status_code == 400


def test_annex_query_count_is_pinned(world, django_assert_num_queries):
    from django.db import connection

    from figures.annex import build_annex

    # per year: the families, one aggregate of the case counts, one query per other figure, the closes'
    # history reading; then one grouped query per figure of the street table (the closes from the same
    # reading), whatever the number of streets, and the campaigns' progress; on PostgreSQL each year's history
    # reading first sets two planner options. The ten figures of the later work (farmers markets, referrals
    # received, joint operations, occupation approvals, repeat offenders) are one query each per year (+20);
    # the referrals due and handled on time share, per year, the statement finding the cases sent to a
    # department (+2) and, in 2026 only (2025 sent none, so its history is not read), one history reading of
    # those cases (savepoint, statement, release: +3, and +2 planner options on PostgreSQL), then one count each
    # (+2 in 2026; 2025 has no referral due, an empty list of ids asks nothing); the standing ads and
    # public-service ads, one query each per year (+4): 102 + 20 + 5 + 2 + 4
    with django_assert_num_queries(133 + (6 if connection.vendor == "postgresql" else 0)):
        annex = build_annex(2026)
    assert annex.street_rows[0][1][0] == 3  # 古南街道's cases


def test_navigation_links_the_figures_for_bureau_and_leaders_only(world, api_user):
    from bureau.navigation import navigation_for

    def keys(user):
        return {item["key"] for item in navigation_for(user)}

    assert {"statistics", "leadership"} <= keys(world["bureau"])
    assert {"statistics", "leadership"} <= keys(world["leader_a"])
    assert not {"statistics", "leadership"} & keys(world["officer_a1"])
    assert not {"statistics", "leadership"} & keys(api_user)
