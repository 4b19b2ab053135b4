"""Pages: the orders and penalties queues, the order's A4 page and PDF, a party's history across streets."""
import pytest
from django.test import Client

from enforcement.services.orders import order_issue
from enforcement.services.parties import party_register
from enforcement.services.penalties import penalty_draft
from tests.enforcement.penalty_support import make_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(report, place, bureau_user):
    make_standard(bureau_user)
    party = party_register(acting_user=bureau_user, name="王某", id_number="360802199001011234")
    case_a, case_b = report(category="09006", party=party), report(category="09006", cell="b1", party=party)
    order = order_issue(acting_user=bureau_user, case=case_a, items=["清理占道物品"], legal_basis="《条例》第十条",
                        deadline_days=3, signer_name="张队长")
    penalty_draft(acting_user=place["leader_b"], case=case_b, level="general", fine="100", legal_basis="条例")
    return {"party": party, "order": order, "case_a": case_a, "case_b": case_b}


def page(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_the_order_a4_page_has_every_part(world, bureau_user):
    r = page(bureau_user, f"/cases/orders/{world['order'].pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    for part in ("责令限期整改通知书", world["order"].number, "王某", "360802********1234", "清理占道物品",
                 "《条例》第十条", "古南街道城市管理综合执法大队", "张队长", "盖章"):
        assert part in html, part
    assert "360802199001011234" not in html


def test_the_order_pdf_page(world, place):
    r = page(place["leader_a"], f"/cases/orders/{world['order'].pk}/pdf/")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert page(place["leader_b"], f"/cases/orders/{world['order'].pk}/pdf/").status_code == 404


def test_queues(world, bureau_user, place):
    assert world["order"].number in page(bureau_user, "/cases/orders/").content.decode()
    assert world["order"].number not in page(place["leader_b"], "/cases/orders/").content.decode()
    html = page(place["leader_b"], "/cases/penalties/").content.decode()
    assert "罚决〔2026〕00001号" in html  # waiting for this leader's approval
    assert page(bureau_user, "/cases/penalties/?queue=all").status_code == 200
    workbench = page(bureau_user, "/cases/").content.decode()
    assert 'id="orders-link"' in workbench and 'id="penalties-link"' in workbench


def test_the_party_page_across_streets(world, bureau_user, place):
    html = page(bureau_user, f"/cases/parties/{world['party'].pk}/").content.decode()
    assert world["case_a"].number in html and world["case_b"].number in html
    assert "古南街道" in html and "永叔街道" in html
    # a leader sees the party through their street's case, and only that case
    html = page(place["leader_a"], f"/cases/parties/{world['party'].pk}/").content.decode()
    assert world["case_a"].number in html and world["case_b"].number not in html
    assert page(place["leader_a"], f"/cases/{world['case_a'].pk}/").content.decode().count("case-party") == 1
