"""The rankings page, the printable bulletin and the dashboard tiles."""
import pytest
from django.test import Client

from bureau import clock
from bureau.accounts.choices import Role
from inspections.services.reports import report_compile_month, report_compile_week
from tests.conftest import make_user
from tests.inspections import reports_support
from tests.inspections.reports_support import at, build_worked_example

place, walker, after_w48 = reports_support.place, reports_support.walker, reports_support.after_w48  # fixtures

pytestmark = pytest.mark.django_db


def browser_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def published(walker, place, after_w48):
    build_worked_example(walker)
    with clock.frozen(after_w48):
        report_compile_week("2026-W47")
        report_compile_week("2026-W48")
        report_compile_month("2026-11")
    return place


def test_rankings_page_shows_the_table_grades_and_trend_data(published, bureau_user):
    # when
    response = browser_client(bureau_user).get("/inspections/rankings/?kind=week&period=2026-W47")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="ranking-table"' in html and "71.00" in html and "grade-C" in html
    assert "plotly/plotly.min.js" in html and 'id="trend-data"' in html
    assert response.context["trend"][0]["x"] == ["2026-W47", "2026-W48"]


def test_rankings_page_defaults_to_the_latest_and_monthly(published, place):
    client = browser_client(place["leader_a"])
    assert client.get("/inspections/rankings/").context["ranking"].period == "2026-W48"
    assert client.get("/inspections/rankings/?kind=month").context["ranking"].period == "2026-11"
    assert client.get("/inspections/rankings/?period=2026-W01").status_code == 404
    assert client.get("/inspections/rankings/?period=junk").status_code == 404


def test_rankings_page_with_nothing_compiled(place, bureau_user):
    response = browser_client(bureau_user).get("/inspections/rankings/")
    assert response.status_code == 200 and 'id="no-ranking"' in response.content.decode()


def test_pages_refuse_the_api_client_and_the_auditor(published, api_user):
    auditor = make_user("t-aud2", Role.AUDITOR, is_staff=True)
    for user in (api_user, auditor):
        client = browser_client(user)
        assert client.get("/inspections/rankings/").status_code == 403
        assert client.get("/inspections/bulletins/2026-W47/").status_code == 403


def test_bulletin_page_is_a_printable_tongbao(published, bureau_user):
    # when
    response = browser_client(bureau_user).get("/inspections/bulletins/2026-W47/")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年第47周城市管理工作通报" in html and "吉州城管通〔2026〕47号" in html
    assert "@page { size: A4" in html
    assert html.count("<tr><td>2026-") == 4  # the four bulletin items of street 001
    assert "排名靠前的单位" in html


def test_bulletin_latest_redirects_and_unknown_is_404(published, bureau_user):
    client = browser_client(bureau_user)
    with clock.frozen(at(2026, 12, 2, 9)):
        response = client.get("/inspections/bulletins/")
    assert response.status_code == 302 and response["Location"].endswith("/inspections/bulletins/2026-W48/")
    assert client.get("/inspections/bulletins/2026-W02/").status_code == 404
    assert client.get("/inspections/bulletins/x/").status_code == 404


def test_dashboard_tiles(published, walker, bureau_user):
    # given: a case overdue this week (Wed 2 Dec 2026 is in W49)
    walker.dispatched(at(2026, 11, 30, 9))

    # when
    with clock.frozen(at(2026, 12, 2, 9)):
        response = browser_client(bureau_user).get("/")

    # then
    tiles = {t["key"]: t for t in response.context["tiles"]}
    assert tiles["reports-overdue"]["value"] == 1
    assert tiles["reports-open"]["value"] == 1  # reported this week and still open
    # W48: nothing due in either street, both 100.00; the tie goes to the lower street code
    assert tiles["reports-top"]["value"] == "古南街道" and tiles["reports-bottom"]["value"] == "永叔街道"
    assert tiles["reports-top"]["label"].startswith("2026-W48")


def test_navigation_has_rankings_for_field_staff(published, bureau_user, api_user):
    html = browser_client(bureau_user).get("/").content.decode()
    assert 'data-nav="rankings"' in html and 'data-nav="bulletins"' in html
    assert 'data-nav="rankings"' not in browser_client(api_user).get("/").content.decode()


def test_the_english_bulletin_has_english_dates_and_scores(published, bureau_user):
    # given a user who chose English
    client = browser_client(bureau_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    # when
    html = client.get("/inspections/bulletins/2026-W47/").content.decode()
    # then the dates and the top and bottom units read in English
    assert "November 2026" in html and "年11月" not in html
    assert " points)" in html and " 分）" not in html
