"""A leader inspects a construction site from a phone (Chromium at 375 px), without a connection: the inspection
is kept on the phone, sent once when the server is back, and the failed item's case and its rectification
order to the contractor are in the workbench (the cases queue and the orders queue)."""
import io
from datetime import date

import pytest
from PIL import Image

from tests.browser_support import login
from tests.inspections import patrol_support
from tests.inspections.test_offline_browser import PASSWORD, clean, server, wait_for_service_worker  # noqa: F401

reference_data = patrol_support.reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (140, 110, 70)).save(out, format="JPEG")
    return out.getvalue()


def test_a_leader_inspects_a_site_offline_and_the_order_reaches_the_workbench(browser_page, server, two_streets,  # noqa: F811
                                                                             reference_data, bureau_user):
    from importlib import import_module

    from django.apps import apps

    from enforcement.models import Case, RectificationOrder
    from inspections.models import SiteInspection
    from tests.inspections.sites_support import make_site

    # given: the checklist, a site in street 001, its leader on the phone form with the service worker ready
    import_module("inspections.migrations.0007_default_dust_check_items").create_items(apps, None)
    site = make_site(bureau_user, two_streets["a1"], name="御文府", starts_on=date(2026, 1, 1))
    page = browser_page(375, 740)
    login(page, server.url, "leader-001", PASSWORD)
    page.goto(server.url + "/inspections/sites/inspect/")
    wait_for_service_worker(page, "/inspections/sites/inspect/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # when: the connection is gone, and the leader finds the enclosure broken and the rest in order
    server.stop()
    page.select_option("#s-site", str(site.pk))
    for row in page.locator("#check-items li[data-item]").all():
        failed = row.get_attribute("data-item") == "enclosure"
        row.locator(f"input[data-result='{'failed' if failed else 'passed'}']").check()
        if failed:
            row.locator("[data-note]").fill("东侧围挡缺口约 5 米")
            row.locator("[data-photo]").set_input_files({"name": "gap.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()})
            row.locator("[data-thumbs] img").wait_for()
    page.click("#submit-site")

    # then: kept on the phone, across a reload from the service worker's cache
    page.wait_for_selector("#outbox li[data-state='queued']")
    page.reload()
    page.wait_for_selector("#outbox li[data-state='queued']")
    assert SiteInspection.objects.count() == 0

    # when: the server is back, and the phone sends (and sends again)
    server.start()
    page.click("#send-now")
    page.wait_for_selector("#outbox li[data-state='sent']", timeout=20000)
    page.click("#send-now")
    page.reload()
    page.wait_for_selector("#outbox li[data-state='sent']")

    # then: one inspection, one case for the enclosure, named in the outbox
    assert SiteInspection.objects.count() == 1
    case = Case.objects.get()
    assert case.category.code == "08007" and case.source == "patrol" and case.street == two_streets["a"]
    order = RectificationOrder.objects.get()
    assert order.case == case and order.party.name == "江西建工"
    sent = page.locator("#outbox li[data-state='sent']").inner_text()
    assert case.number in sent and order.number in sent
    clean(page)

    # and: the leader finds the case in the case workbench, and the order in its orders queue, at 375 px
    page.goto(server.url + "/cases/")
    assert case.number in page.content()
    clean(page)
    page.goto(server.url + "/cases/orders/")
    row = page.locator("tr", has_text=order.number)
    assert row.count() == 1 and "江西建工" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    clean(page)

    # and: the site is on the district map's sites layer
    page.goto(server.url + "/grids/map/")
    page.wait_for_selector("#map[data-layer-construction-sites='1']", timeout=20000)
    clean(page)
