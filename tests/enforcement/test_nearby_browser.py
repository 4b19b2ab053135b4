"""Duplicates found where they are made, in Chromium: a leader's phone (the patrol form, 375 px) and the staff
intake page show the standing cases of the category near the point before anything is filed."""
import pytest

from tests.browser_support import assert_clean, login
from tests.conftest import make_user
from tests.enforcement.offenders_support import Y0, boundary, east
from tests.inspections import patrol_support

reference_data = patrol_support.reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-test-2026"  # tests.factories.UserFactory
LAT = Y0 + 0.002
LNG = east(boundary(0), LAT, -20)  # 20 m west of the A|B edge, in street A


@pytest.fixture
def standing(three_streets, reference_data, bureau_user):
    """A standing 暴露垃圾 case 12 m from the point, and one of another category beside it."""
    from enforcement.services import case_report

    near = case_report(acting_user=bureau_user, category="06010", lat=LAT, lng=east(LNG, LAT, 12),
                       description="垃圾堆放", source="supervision")
    case_report(acting_user=bureau_user, category="09006", lat=LAT, lng=east(LNG, LAT, 5),
                description="占道经营", source="supervision")
    return near


def test_a_leaders_phone_shows_nearby_cases_before_filing(browser_page, live_server, standing, three_streets):
    # given A's leader on the patrol form, on a phone
    page = browser_page(375, 740)
    login(page, live_server.url, three_streets["leader_A"].username, PASSWORD)
    page.goto(live_server.url + "/inspections/patrol/new/")
    page.wait_for_selector("body[data-ready='1']")

    # when a finding of 暴露垃圾 is placed 12 m from the standing case
    page.select_option("#fd-category", "06010")
    page.fill("#fd-lat", f"{LAT:.6f}")
    page.fill("#fd-lng", f"{LNG:.7f}")

    # then the case is offered, before anything is filed
    page.wait_for_selector("#fd-nearby[data-count='1']")
    box = page.locator("#fd-nearby")
    assert box.is_visible() and standing.number in box.inner_text()
    assert page.locator(f"#fd-nearby li[data-nearby='{standing.pk}']").count() == 1

    # and another category near there has nothing to offer
    page.select_option("#fd-category", "07001")
    page.wait_for_selector("#fd-nearby[data-count='0']", state="attached")
    assert not page.locator("#fd-nearby").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_clean(page)


def test_the_intake_page_shows_nearby_cases(browser_page, live_server, standing, three_streets):
    make_user("bureau-intake", "bureau")
    page = browser_page(1280, 900)
    login(page, live_server.url, "bureau-intake", "pw-bureau-intake")
    page.goto(live_server.url + "/cases/new/")
    page.select_option("#id_category", "06010")
    page.fill("#id_lat", f"{LAT:.6f}")
    page.fill("#id_lng", f"{LNG:.7f}")
    page.wait_for_selector("#nearby-cases[data-count='1']")
    assert standing.number in page.locator("#nearby-cases").inner_text()
    assert_clean(page)


def test_a_grid_officers_phone_shows_nearby_cases(browser_page, live_server, standing, three_streets):
    page = browser_page(375, 740)
    login(page, live_server.url, three_streets["officer_A"].username, PASSWORD)
    page.goto(live_server.url + "/inspections/report-problem/")
    page.wait_for_selector("body[data-ready='1']")
    page.select_option("#fd-category", "06010")
    page.fill("#fd-lat", f"{LAT:.6f}")
    page.fill("#fd-lng", f"{LNG:.7f}")
    page.wait_for_selector("#fd-nearby[data-count='1']")
    assert standing.number in page.locator("#fd-nearby").inner_text()
    assert_clean(page)
