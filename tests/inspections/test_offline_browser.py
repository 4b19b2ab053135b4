"""The phone forms offline, in Chromium at 375 px (issue 5 acceptance).

Playwright's `set_offline` does not stop a service worker's own requests, so the server itself is stopped
and started again on the same port (same origin: the service worker and IndexedDB survive). That server is
the test's own (`restartable_server`), never the session's live server.
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from bureau import clock
from bureau.accounts.choices import Role
from tests.browser_support import assert_clean, login
from tests.conftest import make_user
from tests.factories import centre_of
from tests.inspections import patrol_support

reference_data = patrol_support.reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-test-2026"  # tests.factories.UserFactory
# What Chromium logs while the server is down; the point of the test, not an error of the page.
OFFLINE_NOISE = ("ERR_CONNECTION_REFUSED", "ERR_FAILED", "Failed to fetch", "ERR_INTERNET_DISCONNECTED")


@pytest.fixture
def server(restartable_server):
    """This test's own live server, on its own port, which the test stops and starts again on that port.
    The session's live server goes on serving the other tests; this one is never it."""
    return restartable_server


def wait_for_service_worker(page, path):
    """The worker is installed, controls the page, and has the form in its cache."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function(f"caches.match('{path}').then(r => !!r)", polling=200)
    page.wait_for_selector("body[data-ready='1']")


def clean(page):
    page.console_errors[:] = [e for e in page.console_errors if not any(n in e for n in OFFLINE_NOISE)]
    assert_clean(page)


def test_patrol_report_made_offline_is_kept_and_sent_once(browser_page, server, two_streets, reference_data):
    from enforcement.models import Case
    from inspections.models import PatrolReport

    # given: the leader of street 001 on the form, the service worker ready
    place = two_streets
    page = browser_page(375, 740)
    login(page, server.url, "leader-001", PASSWORD)
    page.goto(server.url + "/inspections/patrol/new/")
    wait_for_service_worker(page, "/inspections/patrol/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # when: the server goes away, and the leader fills in yesterday's early shift with two findings
    server.stop()
    yesterday = (timezone.localtime(clock.now()) - timedelta(days=1)).date().isoformat()
    page.fill("#f-date", yesterday)
    page.select_option("#f-shift", "early")
    page.fill("#f-start", f"{yesterday}T06:30")
    page.fill("#f-end", f"{yesterday}T09:00")
    page.check(f"[data-cell='{place['a1'].code}']")
    page.check(f"[data-cell='{place['a2'].code}']")
    page.fill("#count-vendors_persuaded", "3")
    for cell, category, text, handled in ((place["a1"], "09001", "流动摊贩已劝离", True),
                                          (place["a2"], "06010", "暴露垃圾待清运", False)):
        lat, lng = centre_of(cell)
        page.select_option("#fd-category", category)
        page.fill("#fd-lat", f"{lat:.6f}")
        page.fill("#fd-lng", f"{lng:.6f}")
        page.fill("#fd-description", text)
        page.set_checked("#fd-handled", handled)
        page.click("#fd-add")
    assert page.locator("#finding-list li[data-finding]").count() == 2
    page.fill("#f-summary", "早班巡查")
    page.click("#submit-report")

    # then: it is queued on the phone
    page.wait_for_selector("#outbox li[data-state='queued']")

    # when: the page is reloaded while the server is still away
    page.reload()
    page.wait_for_selector("body[data-ready='1']")

    # then: the form comes from the service worker's cache and the report is still queued
    page.wait_for_selector("#outbox li[data-state='queued']")
    assert PatrolReport.objects.count() == 0

    # when: the server comes back
    server.start()
    page.click("#send-now")

    # then: sent, once; the server has one report, one open case and one self-handled case
    page.wait_for_selector("#outbox li[data-state='sent']", timeout=20000)
    page.click("#send-now")
    page.reload()
    page.wait_for_selector("#outbox li[data-state='sent']")
    assert PatrolReport.objects.count() == 1
    report = PatrolReport.objects.get()
    assert report.counts == {"vendors_persuaded": 3}
    assert sorted(report.grid_cells.values_list("code", flat=True)) == sorted([place["a1"].code, place["a2"].code])
    cases = list(Case.objects.order_by("pk"))
    assert [(c.source, c.self_handled, c.status) for c in cases] == [
        ("patrol", True, "closed"), ("patrol", False, "reported")]
    assert page.locator("#outbox li[data-state='sent']").inner_text().count(cases[1].number) == 1
    clean(page)

    # and: the finding not handled is in the bureau's case workbench, as a brigade patrol
    bureau = make_user("bureau-x", Role.BUREAU)
    from django.test import Client

    client = Client()
    client.force_login(bureau)
    html = client.get("/cases/").content.decode()
    assert cases[1].number in html and "大队巡查" in html


def test_grid_officers_offline_report_arrives_once_as_a_case(browser_page, server, two_streets, reference_data):
    from enforcement.models import Case

    # given
    place = two_streets
    page = browser_page(375, 740)
    login(page, server.url, place["officer_a1"].username, PASSWORD)
    page.goto(server.url + "/inspections/report-problem/")
    wait_for_service_worker(page, "/inspections/report-problem/")

    # when: offline, the officer reports a problem in their cell
    server.stop()
    lat, lng = centre_of(place["a1"])
    page.select_option("#fd-category", "06042")
    page.fill("#fd-lat", f"{lat:.6f}")
    page.fill("#fd-lng", f"{lng:.6f}")
    page.fill("#fd-description", "垃圾箱满溢")

    # then: closing the page before submitting loses nothing (the draft is on the phone)
    page.wait_for_timeout(400)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.input_value("#fd-description") == "垃圾箱满溢"
    assert page.input_value("#fd-category") == "06042"

    # when: submitted, and the page reloaded, still without a server
    page.click("#submit-problem")
    page.wait_for_selector("#outbox li[data-state='queued']")
    page.reload()
    page.wait_for_selector("#outbox li[data-state='queued']")

    # when: back online; sent, and pressed again
    server.start()
    page.click("#send-now")
    page.wait_for_selector("#outbox li[data-state='sent']", timeout=20000)
    page.click("#send-now")
    page.reload()
    page.wait_for_selector("#outbox li[data-state='sent']")

    # then
    case = Case.objects.get()
    assert case.source == "grid_officer" and case.grid == place["a1"] and case.reported_by == place["officer_a1"]
    clean(page)


def test_expired_login_keeps_the_report_and_asks_to_log_in_again(browser_page, live_server, two_streets,
                                                                reference_data):
    from inspections.models import PatrolReport

    # given: the leader's login expires while the form is open
    place = two_streets
    page = browser_page(375, 740)
    login(page, live_server.url, "leader-001", PASSWORD)
    page.goto(live_server.url + "/inspections/patrol/new/")
    page.wait_for_selector("body[data-ready='1']")
    # the form's own reads (the vendors for its zone checks, the cells) finished first: a read in flight when the
    # session goes answers 400 (SessionInterrupted), not the 403 this test is about
    page.wait_for_load_state("networkidle")
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()  # the login expires on the server
    yesterday = (timezone.localtime(clock.now()) - timedelta(days=1)).date().isoformat()
    page.fill("#f-date", yesterday)
    page.fill("#f-start", f"{yesterday}T19:00")
    page.fill("#f-end", f"{yesterday}T21:00")
    page.check(f"[data-cell='{place['a1'].code}']")

    # when
    page.click("#submit-report")

    # then: kept on the phone, and the page asks to log in again
    page.wait_for_selector("#auth-banner:not([hidden])")
    page.wait_for_selector("#outbox li[data-state='auth']")
    assert PatrolReport.objects.count() == 0

    # when: the user follows the link and logs in
    with page.expect_navigation():
        page.click("#login-link")
    page.fill("input[name=username]", "leader-001")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit].primary")

    # then: back on the form, the report goes out by itself
    assert "/inspections/patrol/new/" in page.url
    page.wait_for_selector("#outbox li[data-state='sent']", timeout=20000)
    assert PatrolReport.objects.count() == 1
    assert page.locator("#auth-banner").is_hidden()
    page.console_errors[:] = [e for e in page.console_errors if "401" not in e and "403" not in e]
    assert_clean(page)
