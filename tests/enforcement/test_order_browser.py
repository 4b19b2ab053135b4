"""A real browser: a rectification order's A4 document shows every part, prints on A4 pages without the site's
navigation, and its PDF (made by reportlab) downloads and opens as a PDF."""
import re

import pytest

from enforcement.services.orders import order_issue
from enforcement.services.parties import party_register
from tests.browser_support import assert_clean, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def order(report, place, bureau_user):
    party = party_register(acting_user=bureau_user, name="王某", id_number="360802199001011234")
    case = report(category="09006", party=party)
    return order_issue(acting_user=bureau_user, case=case, items=["清理占道物品"], legal_basis="《条例》第十条",
                       deadline_days=3, signer_name="张队长")


def test_the_order_prints_on_a4_and_its_pdf_opens(browser_page, live_server, order, bureau_user):
    # given: bureau staff on the order's page
    page = browser_page(1280, 900)
    login(page, live_server.url, bureau_user.username, "pw-t-bureau")
    page.goto(f"{live_server.url}/cases/orders/{order.pk}/")
    text = page.inner_text("body")
    for part in ("责令限期整改通知书", order.number, "王某", "清理占道物品", "《条例》第十条", "张队长", "盖章"):
        assert part in text, part
    assert "360802199001011234" not in text

    # when printed: the navigation is gone and the document is on A4 pages (595 x 842 points)
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf))
    assert boxes and all(abs(float(w) - 595.9) < 2 and abs(float(h) - 842.9) < 2 for w, h in boxes), boxes

    # and the PDF made by the server opens as a PDF of A4 pages
    response = page.context.request.get(f"{live_server.url}/cases/orders/{order.pk}/pdf/")
    assert response.status == 200 and response.headers["content-type"].startswith("application/pdf")
    body = response.body()
    assert body.startswith(b"%PDF") and b"%%EOF" in body[-1024:]
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+595\.2\d*\s+841\.8\d*\s*\]", body), body[:400]
    assert_clean(page)
