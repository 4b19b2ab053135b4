"""On the phone's patrol form (Chromium at 375 px), a finding placed inside an approved occupation shows
"已批准占道：X，至 HH:MM" before it is filed."""
from datetime import time, timedelta

import pytest
from django.utils import timezone

from bureau import clock
from tests.browser_support import login
from tests.factories import centre_of
from tests.inspections import patrol_support
from tests.inspections.test_offline_browser import PASSWORD, clean, server  # noqa: F401

reference_data = patrol_support.reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_finding_inside_an_approved_occupation_shows_the_approval(browser_page, server, two_streets,  # noqa: F811
                                                                    reference_data, bureau_user):
    from inspections.services.approvals import occupation_approval_issue

    # given: a promotion approved around the centre of cell a1, today, all day
    lat, lng = centre_of(two_streets["a1"])
    d = 0.0003
    today = timezone.localtime(clock.now()).date()
    occupation_approval_issue(
        acting_user=bureau_user, number="占审-B1", kind="road_promotion", title="商场门前促销", applicant="商场",
        geometry={"type": "Polygon", "coordinates": [[[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d],
                                                      [lng - d, lat + d], [lng - d, lat - d]]]},
        valid_from=today - timedelta(days=1), valid_to=today + timedelta(days=1), hours_from=time(0),
        hours_to=time(23, 59))
    page = browser_page(375, 740)
    login(page, server.url, "leader-001", PASSWORD)
    page.goto(server.url + "/inspections/patrol/new/")

    # when: the leader places a 占道促销 finding there
    page.select_option("#fd-category", "09022")
    page.fill("#fd-lat", f"{lat:.6f}")
    page.fill("#fd-lng", f"{lng:.6f}")

    # then
    page.wait_for_selector("#fd-approval:not([hidden])", timeout=10000)
    assert page.locator("#fd-approval").inner_text() == "已批准占道：商场门前促销（占审-B1），至 23:59"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # and: elsewhere, nothing is shown
    far_lat, far_lng = centre_of(two_streets["a2"])
    page.fill("#fd-lat", f"{far_lat:.6f}")
    page.fill("#fd-lng", f"{far_lng:.6f}")
    page.wait_for_selector("#fd-approval[hidden]", state="attached", timeout=10000)
    clean(page)
