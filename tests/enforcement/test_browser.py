"""Browser journey: bureau registers and dispatches a case; the street leader handles it on a phone
(375 px); bureau closes it; the timeline shows every step."""
import pytest

from bureau.accounts.choices import Role
from enforcement.models import Case
from enforcement.services import case_report
from tests.browser_support import assert_clean, login
from tests.conftest import make_user
from tests.factories import CommunityFactory, GridCellFactory, StreetFactory, centre_of, make_leader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act_on_page(page, action, note):
    page.click(f'details[data-action="{action}"] summary')
    form = page.locator(f"#form-{action}")
    form.locator("textarea[name=note]").fill(note)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_case_journey_through_the_pages(browser_page, live_server):
    # given a reported case in street 001
    street = StreetFactory(code="001", name="古南街道")
    cell = GridCellFactory(community=CommunityFactory(street=street, code="001"))
    leader = make_leader(street)
    leader.set_password("pw-leader-001")
    leader.save()
    bureau = make_user("bureau", Role.BUREAU)
    lat, lng = centre_of(cell)
    case = case_report(acting_user=bureau, category="06010", lat=lat, lng=lng, description="路边暴露垃圾",
                       source="supervision")
    case_url = f"{live_server.url}/cases/{case.pk}/"

    # when bureau staff register and dispatch it on the case page
    desk = browser_page(1280, 900)
    login(desk, live_server.url, "bureau", "pw-bureau")
    desk.goto(f"{live_server.url}/cases/?queue=to_register")
    with desk.expect_navigation():
        desk.click(f"text={case.number}")
    act_on_page(desk, "register", "予以立案")
    assert desk.locator("#case-status").get_attribute("data-status") == "registered"
    act_on_page(desk, "dispatch", "请古南街道处置")
    assert desk.locator("#case-status").get_attribute("data-status") == "dispatched"
    assert_clean(desk)

    # and the street leader handles it on a phone
    phone = browser_page(375, 740)
    login(phone, live_server.url, leader.username, "pw-leader-001")
    phone.goto(f"{live_server.url}/cases/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    with phone.expect_navigation():
        phone.click(f"text={case.number}")
    assert phone.locator('details[data-action="close"]').count() == 0
    act_on_page(phone, "handle", "已清运完毕")
    assert phone.locator("#case-status").get_attribute("data-status") == "handled"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_clean(phone)

    # and bureau staff verify and close it
    desk.goto(case_url)
    act_on_page(desk, "close", "现场核查通过")

    # then the timeline shows every step
    assert desk.locator("#case-status").get_attribute("data-status") == "closed"
    steps = desk.locator("#case-timeline li").evaluate_all("els => els.map(e => e.dataset.action)")
    assert steps == ["report", "register", "dispatch", "handle", "close"]
    assert Case.objects.get(pk=case.pk).status == "closed"
    assert_clean(desk)


def test_intake_form_picks_the_point_on_the_map(browser_page, live_server):
    # given bureau staff on the intake form of a one-cell district
    street = StreetFactory(code="001", name="古南街道")
    cell = GridCellFactory(community=CommunityFactory(street=street, code="001"))
    make_user("bureau", Role.BUREAU)
    page = browser_page(375, 740)
    login(page, live_server.url, "bureau", "pw-bureau")
    page.goto(f"{live_server.url}/cases/new/")
    # when the user clicks the middle of the map (the cell fills it)
    box = page.locator("#intake-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # then the point is set inside the cell, and the form reports it
    lat, lng = float(page.input_value("#id_lat")), float(page.input_value("#id_lng"))
    c_lat, c_lng = centre_of(cell)
    assert abs(lat - c_lat) < 0.0005 and abs(lng - c_lng) < 0.0005
    page.select_option("#id_category", "06010")
    page.fill("#id_description", "暴露垃圾")
    with page.expect_navigation():
        page.click("#intake-form button[type=submit]")
    assert Case.objects.get().grid == cell
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_clean(page)
