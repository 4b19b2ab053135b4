"""The farmers-market admin: lists render; adds go through the services (default slots, operator as a party,
audit); field records are read-only."""
import pytest
from django.test import Client

from bureau.audit.models import AuditEntry
from markets.farmers.models import FarmersMarket, ManagementStation, StationPost
from tests.factories import centre_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_admin_adds_a_station_a_market_and_a_post_through_the_services(admin_client_, place):
    prefix = "/admin/markets/"
    r = admin_client_.post(prefix + "managementstation/add/", {"street": place["a"].pk, "name": "城北管理站",
                                                               "head": "刘站长", "phone": "0796-8220000",
                                                               "posts-TOTAL_FORMS": "0", "posts-INITIAL_FORMS": "0"})
    assert r.status_code == 302, r.content.decode()[:1500]
    station = ManagementStation.objects.get()
    lat, lng = centre_of(place["a1"])
    r = admin_client_.post(prefix + "farmersmarket/add/", {
        "street": place["a"].pk, "grid": place["a1"].pk, "name": "城北农贸市场", "address": "城北路 1 号", "lat": lat,
        "lng": lng, "operator_name": "城北市场公司", "station": station.pk, "stall_count": "120",
        "cleaning_slots-TOTAL_FORMS": "0", "cleaning_slots-INITIAL_FORMS": "0",
        "volunteer_points-TOTAL_FORMS": "0", "volunteer_points-INITIAL_FORMS": "0"})
    assert r.status_code == 302, r.content.decode()[:1500]
    market = FarmersMarket.objects.get()
    assert market.cleaning_slots.count() == 2 and market.operator.name == "城北市场公司"
    r = admin_client_.post(prefix + "stationpost/add/", {"station": station.pk, "market": market.pk, "post": "保洁员",
                                                         "person": "王阿姨", "duty": "上下午各保洁一次",
                                                         "starts": "06:00", "ends": "18:00"})
    assert r.status_code == 302, r.content.decode()[:1500]
    assert StationPost.objects.get().person == "王阿姨"
    assert AuditEntry.objects.filter(action__in=["market_station.create", "farmers_market.register",
                                                 "market_station.post_add"]).count() == 3
    for name in ["managementstation", "farmersmarket", "stationpost", "volunteerpoint", "cleaninground",
                 "marketinspection", "marketcomplaint", "marketrepair"]:
        assert admin_client_.get(f"{prefix}{name}/").status_code == 200, name
    assert admin_client_.get(f"{prefix}farmersmarket/{market.pk}/change/").status_code == 200
    assert admin_client_.get(f"{prefix}marketcomplaint/add/").status_code == 403


def test_the_demo_makes_farmers_markets_through_the_services_once(bureau_user):
    from grids.demo import seed as grids_seed
    from markets.demo import seed
    from markets.farmers.models import CleaningRound, MarketComplaint, MarketRepair

    grids_seed(quick=True)
    seed(quick=True)
    counts = [m.objects.count() for m in (FarmersMarket, CleaningRound, MarketComplaint, MarketRepair)]
    seed(quick=True)
    assert [m.objects.count() for m in (FarmersMarket, CleaningRound, MarketComplaint, MarketRepair)] == counts
    assert counts[0] == 3 and FarmersMarket.objects.filter(name="城北农贸市场").exists()
    assert AuditEntry.objects.filter(action="farmers_market.register").count() == 3
