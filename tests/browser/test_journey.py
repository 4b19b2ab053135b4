"""The first browser journey (issue 2): log in as bureau staff, dashboard in Chinese, switch to English, log out."""
import pytest

from bureau.accounts.choices import Role
from tests.browser_support import assert_clean, login
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_user_logs_in_sees_chinese_dashboard_switches_to_english_and_logs_out(browser_page, live_server):
    # given
    make_user("bureau", Role.BUREAU)
    page = browser_page(1280, 900)

    # when
    login(page, live_server.url, "bureau", "pw-bureau")

    # then: the dashboard, in Chinese
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("main h1").inner_text() == "工作台"

    # when: the language switch
    with page.expect_navigation():
        page.select_option("#language-select", "en")

    # then
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").inner_text() == "Dashboard"
    assert page.locator("#logout-button").inner_text() == "Log out"

    # when: log out
    with page.expect_navigation():
        page.click("#logout-button")

    # then: back at the login page, and the dashboard needs a login again
    assert "/accounts/login/" in page.url
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    assert_clean(page)


def test_login_page_works_on_a_phone(browser_page, live_server):
    # given
    make_user("leader-x", Role.BUREAU)
    page = browser_page(375, 740)

    # when
    login(page, live_server.url, "leader-x", "pw-leader-x")

    # then: nothing wider than the screen
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    assert_clean(page)


def test_api_docs_render_in_the_browser_with_nothing_from_outside(browser_page, live_server):
    # given
    make_user("docs-reader", Role.BUREAU)
    page = browser_page(1280, 900)
    login(page, live_server.url, "docs-reader", "pw-docs-reader")

    # when
    response = page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
    page.wait_for_load_state("networkidle")

    # then
    assert response.status == 200
    assert "Bureau API" in page.inner_text(".swagger-ui .info .title")
    assert_clean(page)
