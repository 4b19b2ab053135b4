"""A real browser opens the rankings page and sees the table and the plotly chart drawn (served locally)."""
import pytest

from bureau import clock
from bureau.accounts.choices import Role
from inspections.services.reports import report_compile_week
from tests.browser_support import assert_clean, login
from tests.conftest import make_user
from tests.inspections import reports_support
from tests.inspections.reports_support import build_worked_example

place, walker, after_w48 = reports_support.place, reports_support.walker, reports_support.after_w48  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_rankings_page_draws_the_table_and_the_chart(browser_page, live_server, walker, place, after_w48, width):
    # given
    build_worked_example(walker)
    with clock.frozen(after_w48):
        report_compile_week("2026-W47")
        report_compile_week("2026-W48")
    make_user("bureau-b", Role.BUREAU)
    page = browser_page(width, 900)
    login(page, live_server.url, "bureau-b", "pw-bureau-b")

    # when
    page.goto(f"{live_server.url}/inspections/rankings/?kind=week&period=2026-W47")

    # then: the table
    rows = page.locator("#ranking-table tbody tr")
    assert rows.count() == 2
    assert "71.00" in rows.nth(1).inner_text()
    # ... and the chart, drawn by plotly: an SVG with one line per street
    page.wait_for_selector("#trend .main-svg", state="attached")
    assert page.locator("#trend .scatterlayer .trace").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than a phone
    assert_clean(page)


def test_bulletin_page_renders_in_the_browser(browser_page, live_server, walker, place, after_w48):
    # given
    build_worked_example(walker)
    with clock.frozen(after_w48):
        report_compile_week("2026-W47")
    make_user("bureau-c", Role.BUREAU)
    page = browser_page(1280, 900)
    login(page, live_server.url, "bureau-c", "pw-bureau-c")

    # when
    page.goto(f"{live_server.url}/inspections/bulletins/2026-W47/")

    # then
    assert "工作通报" in page.locator(".bulletin h1").inner_text()
    assert page.locator("table.bulletin-items tbody tr").count() == 4
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert_clean(page)
