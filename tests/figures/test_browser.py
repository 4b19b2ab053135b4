"""A real browser: the wall mode at 1920x1080 refreshes by itself, shows a new case without reloading and rides
out a short loss of connection; the annual annex prints on A4 pages; the charts are drawn with PNG export."""
import re

import pytest

from tests.browser_support import assert_clean, login
from tests.inspections.reports_support import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _refreshes(page) -> int:
    return int(page.get_attribute("#leadership", "data-refreshes") or 0)


def _until(page, predicate, timeout_ms=15000):
    """Poll from here: the page's Content Security Policy refuses the evaluated strings of wait_for_function."""
    waited = 0
    while not predicate():
        assert waited < timeout_ms, "timed out"
        page.wait_for_timeout(100)
        waited += 100


def test_wall_mode_refreshes_shows_a_new_case_and_survives_a_short_outage(browser_page, live_server, world, walker):
    # given the wall at 1920x1080, refreshing every 2 seconds
    page = browser_page(1920, 1080)
    login(page, live_server.url, world["bureau"].username, "pw-t-bureau")
    page.goto(f"{live_server.url}/figures/wall/?interval=2")
    _until(page, lambda: _refreshes(page) >= 1)
    page.evaluate("window.__sameDocument = true")
    assert world["case_E"].number in page.inner_text("#lead-latest")
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080  # one screen, no scrolling
    assert not page.locator(".topbar").is_visible()
    first = _refreshes(page)

    # when a case is reported meanwhile
    new = walker.report(at(2026, 11, 20, 9), cell="b2")

    # then two more refreshes later it is on the wall, and the page was never reloaded
    _until(page, lambda: _refreshes(page) >= first + 2 and new.number in page.inner_text("#lead-latest"))
    assert page.evaluate("window.__sameDocument") is True
    # ... the charts are drawn, each with the modebar's PNG download
    assert page.locator("#chart-streets .main-svg").count() >= 1
    button = page.locator("#chart-streets .modebar-btn[data-title='Download plot as a PNG']")
    page.hover("#chart-streets")
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "bureau-chart.png"
    assert page.locator("#heat-map .leaflet-container, #heat-map.leaflet-container").count() == 1
    assert_clean(page)

    # when the connection drops for a moment
    page.context.set_offline(True)
    page.wait_for_selector("#lead-stale", state="visible")
    # then the last data stays on screen, marked stale
    assert new.number in page.inner_text("#lead-latest")
    assert page.inner_text(".count[data-count='open'] .count-value") != "—"
    # and when it comes back the wall carries on by itself
    before = _refreshes(page)
    page.context.set_offline(False)
    _until(page, lambda: _refreshes(page) > before, 20000)
    page.wait_for_selector("#lead-stale", state="hidden")
    assert page.evaluate("window.__sameDocument") is True
    # the only console errors are the requests refused while offline
    assert all("ERR_INTERNET_DISCONNECTED" in e or "Failed to fetch" in e for e in page.console_errors), \
        page.console_errors


def test_annex_prints_on_whole_a4_pages(browser_page, live_server, world):
    # given
    page = browser_page(1280, 900)
    login(page, live_server.url, world["bureau"].username, "pw-t-bureau")
    page.goto(f"{live_server.url}/figures/annex/?year=2026")
    assert "2026" in page.inner_text("#annex h1")
    # when printed
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.locator("#annex-form").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    # then a PDF of one or more A4 pages (595 x 842 points)
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    assert len(pages) >= 1
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf))
    assert boxes and all(abs(float(w) - 595.9) < 2 and abs(float(h) - 842.9) < 2 for w, h in boxes), boxes
    assert_clean(page)
