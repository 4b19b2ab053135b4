"""The street-commerce read API: role matrix, scope, one test per filter, masking, pinned query counts."""
from datetime import date, time, timedelta

import pytest

from markets import services
from tests.conftest import client_for, make_user

from .conftest import TODAY

pytestmark = pytest.mark.django_db

ZONES, PERMITS, ADS = "/api/v1/vendor-zones/", "/api/v1/stall-permits/", "/api/v1/outdoor-ads/"
OFFENDERS, COVERAGE = "/api/v1/vendors/repeat-offenders/", "/api/v1/frontage-coverage/"
ENDPOINTS = [ZONES, PERMITS, ADS, OFFENDERS, COVERAGE]


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _ad(place, street="a", **kw):
    return services.outdoor_ad_register(acting_user=None, owner="某店", location="路1号", street=place[street], **kw)


def _offender(make_vendor, make_case, cells=("a1", "b1"), **kw):
    vendor = make_vendor(**kw)
    for cell in cells:
        services.vendor_link_case(acting_user=None, vendor=vendor, case=make_case(cell=cell))
    return vendor


# --- role matrix ---

@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_is_401(anon_client, url):
    assert anon_client.get(url).status_code == 401


@pytest.mark.parametrize("url", ENDPOINTS)
def test_api_client_and_auditor_are_403(api_client_role, auditor_user, url):
    assert api_client_role.get(url).status_code == 403
    assert client_for(auditor_user).get(url).status_code == 403


@pytest.mark.parametrize("url", ENDPOINTS)
def test_bureau_reads_everything(bureau_client, place, url):
    assert bureau_client.get(url).status_code == 200


def test_leader_sees_only_their_street(place, make_zone, make_permit):
    # given
    za, zb = make_zone(street="a"), make_zone(street="b")
    pa, pb = make_permit(street="a"), make_permit(street="b")
    aa, ab = _ad(place, "a"), _ad(place, "b")
    client = client_for(place["leader_a"])
    # when / then
    assert _ids(client.get(ZONES)) == {za.pk, pa.zone_id}
    assert _ids(client.get(PERMITS)) == {pa.pk}
    assert _ids(client.get(ADS)) == {aa.pk}
    assert client.get(f"{ZONES}{zb.pk}/").status_code == 404
    assert client.get(f"{PERMITS}{pb.pk}/").status_code == 404
    assert client.get(f"{ADS}{ab.pk}/").status_code == 404
    assert client.get(f"{ZONES}{za.pk}/").status_code == 200
    assert [r["street"] for r in client.get(COVERAGE).json()["results"]] == ["001"]


def test_officer_sees_the_streets_of_their_cells(place, make_zone):
    za, _zb = make_zone(street="a"), make_zone(street="b")
    assert _ids(client_for(place["officer_a1"]).get(ZONES)) == {za.pk}


def test_leader_without_assignment_sees_nothing(place, make_zone):
    make_zone(street="a")
    leader = make_user("t-leader-none", "leader")
    assert _ids(client_for(leader).get(ZONES)) == set()


def test_leader_sees_offenders_caught_in_their_street_with_district_counts(place, make_vendor, make_case):
    # given: one vendor caught in a and b, one caught twice in b only
    mover = _offender(make_vendor, make_case, ("a1", "b1"))
    b_only = _offender(make_vendor, make_case, ("b1", "b2"))
    # when
    rows = client_for(place["leader_a"]).get(OFFENDERS).json()["results"]
    # then: leader a sees the mover, with both streets; leader b sees both
    assert [(r["id"], r["street_count"], r["streets"]) for r in rows] == [(mover.pk, 2, ["001", "002"])]
    assert _ids(client_for(place["leader_b"]).get(OFFENDERS)) == {mover.pk, b_only.pk}


# --- masking ---

def test_no_full_phone_or_id_number_in_any_response(bureau_client, place, make_zone, make_vendor, make_permit,
                                                     make_case):
    # given
    zone = make_zone(complaint_phone="13812345678")
    vendor = _offender(make_vendor, make_case, phone="13987654321", id_number="360802199001011234")
    make_permit(zone=zone, vendor=vendor)
    # when
    bodies = [bureau_client.get(url).content.decode() for url in ENDPOINTS]
    # then
    joined = "".join(bodies)
    for secret in ("13987654321", "360802199001011234"):
        assert secret not in joined
    # the zone's complaint phone is public (printed on its sign)
    assert "13812345678" in bodies[0] and "139****4321" in bodies[1] and "360802********1234" in bodies[1]
    assert "139****4321" in bodies[3]


# --- filters: vendor zones ---

def test_zone_filter_street(bureau_client, make_zone):
    za, _zb = make_zone(street="a"), make_zone(street="b")
    assert _ids(bureau_client.get(ZONES + "?street=001")) == {za.pk}
    assert _ids(bureau_client.get(ZONES + "?street=999")) == set()


def test_zone_filter_kind(bureau_client, make_zone):
    _day, night = make_zone(), make_zone(kind="night_snack", opens=time(18), closes=time(2))
    assert _ids(bureau_client.get(ZONES + "?kind=night_snack")) == {night.pk}
    assert bureau_client.get(ZONES + "?kind=nope").status_code == 400


def test_zone_filter_open_at(bureau_client, make_zone):
    day, night = make_zone(opens=time(7), closes=time(21)), make_zone(opens=time(18), closes=time(2))
    assert _ids(bureau_client.get(ZONES + "?open_at=2026-11-27T01:30:00%2B08:00")) == {night.pk}
    assert _ids(bureau_client.get(ZONES + "?open_at=2026-11-26T19:00:00%2B08:00")) == {day.pk, night.pk}
    assert _ids(bureau_client.get(ZONES + "?open_at=2026-11-26T10:00:00")) == {day.pk}
    assert bureau_client.get(ZONES + "?open_at=yesterday").status_code == 400


# --- filters: stall permits ---

def test_permit_filter_street(bureau_client, make_permit):
    pa, _pb = make_permit(street="a"), make_permit(street="b")
    assert _ids(bureau_client.get(PERMITS + "?street=001")) == {pa.pk}


def test_permit_filter_status(bureau_client, make_permit):
    active, revoked = make_permit(), make_permit()
    services.stall_permit_revoke(acting_user=None, permit=revoked, reason="违规")
    assert _ids(bureau_client.get(PERMITS + "?status=revoked")) == {revoked.pk}
    assert _ids(bureau_client.get(PERMITS + "?status=active")) == {active.pk}
    assert bureau_client.get(PERMITS + "?status=nope").status_code == 400


def test_permit_filter_due_for_renewal(bureau_client, make_permit, frozen_today):
    due = make_permit(valid_to=TODAY + timedelta(days=45))
    later = make_permit(valid_to=TODAY + timedelta(days=200))
    assert _ids(bureau_client.get(PERMITS + "?due_for_renewal=true")) == {due.pk}
    assert _ids(bureau_client.get(PERMITS + "?due_for_renewal=false")) == {later.pk}
    assert bureau_client.get(PERMITS + "?due_for_renewal=maybe").status_code == 400
    assert bureau_client.get(f"{PERMITS}{due.pk}/").json()["due_for_renewal"] is True


# --- filters: outdoor ads ---

def test_ad_filter_street(bureau_client, place):
    aa, _ab = _ad(place, "a"), _ad(place, "b")
    assert _ids(bureau_client.get(ADS + "?street=001")) == {aa.pk}


def test_ad_filter_kind(bureau_client, place):
    _ad(place)
    sign = _ad(place, kind="shop_sign")
    assert _ids(bureau_client.get(ADS + "?kind=shop_sign")) == {sign.pk}


def test_ad_filter_status(bureau_client, place):
    _ad(place)
    hazard = _ad(place, hazard=True)
    assert _ids(bureau_client.get(ADS + "?status=hazard")) == {hazard.pk}


def test_ad_filter_problem(bureau_client, place, frozen_today):
    ok = _ad(place, approval_number="A1", approved_until=date(2027, 1, 1))
    expired = _ad(place, approval_number="A2", approved_until=date(2026, 1, 1))
    assert _ids(bureau_client.get(ADS + "?problem=true")) == {expired.pk}
    assert _ids(bureau_client.get(ADS + "?problem=false")) == {ok.pk}
    assert bureau_client.get(ADS + "?problem=x").status_code == 400


# --- repeat offenders parameters ---

def test_offenders_min_cases(bureau_client, place, make_vendor, make_case):
    mover = _offender(make_vendor, make_case, ("a1", "b1"))
    stayer = _offender(make_vendor, make_case, ("a1", "a2"))
    assert _ids(bureau_client.get(OFFENDERS)) == {mover.pk, stayer.pk}
    assert _ids(bureau_client.get(OFFENDERS + "?min_cases=3")) == {mover.pk}
    assert bureau_client.get(OFFENDERS + "?min_cases=0").status_code == 400


def test_offenders_since(bureau_client, place, make_vendor, make_case):
    _offender(make_vendor, make_case, ("a1", "b1"))
    assert _ids(bureau_client.get(OFFENDERS + "?since=2026-12-01T00:00:00%2B08:00")) == set()
    assert len(_ids(bureau_client.get(OFFENDERS + "?since=2026-01-01T00:00:00%2B08:00"))) == 1
    assert bureau_client.get(OFFENDERS + "?since=soon").status_code == 400


def test_coverage_figures(bureau_client, place, frozen_today):
    shop = services.shop_register(acting_user=None, name="店", address="路1号", street=place["a"])
    services.shop_register(acting_user=None, name="店2", address="路2号", street=place["a"])
    services.frontage_agreement_sign(acting_user=None, shop=shop, signed_on=TODAY, signer_name="张三")
    rows = bureau_client.get(COVERAGE).json()["results"]
    assert rows == [
        {"street": "001", "street_name": "古南街道", "shop_count": 2, "covered_count": 1, "coverage": 0.5},
        {"street": "002", "street_name": "永叔街道", "shop_count": 0, "covered_count": 0, "coverage": None},
    ]


# --- pinned query counts (the same for 1 row and for many) ---

@pytest.mark.parametrize("n", [1, 12])
def test_zone_list_query_count(bureau_client, make_zone, django_assert_num_queries, n):
    for i in range(n):
        make_zone(street="a" if i % 2 else "b")
    with django_assert_num_queries(4):  # count + page + windows + slots
        assert len(_ids(bureau_client.get(ZONES))) == n


@pytest.mark.parametrize("n", [1, 12])
def test_leader_zone_list_query_count(place, make_zone, django_assert_num_queries, n):
    for _ in range(n):
        make_zone(street="a")
    client = client_for(place["leader_a"])
    with django_assert_num_queries(5):  # street code resolved + count + page + windows + slots
        assert len(_ids(client.get(ZONES + "?street=001"))) == n


@pytest.mark.parametrize("n", [1, 12])
def test_permit_list_query_count(bureau_client, make_permit, django_assert_num_queries, n):
    for i in range(n):
        make_permit(street="a" if i % 2 else "b")
    with django_assert_num_queries(2):
        assert len(_ids(bureau_client.get(PERMITS))) == n


@pytest.mark.parametrize("n", [1, 12])
def test_ad_list_query_count(bureau_client, place, django_assert_num_queries, n):
    for _ in range(n):
        _ad(place)
    with django_assert_num_queries(2):
        assert len(_ids(bureau_client.get(ADS + "?problem=true"))) == n


@pytest.mark.parametrize("n", [1, 8])
def test_offender_list_query_count(bureau_client, place, make_vendor, make_case, django_assert_num_queries, n):
    for _ in range(n):
        _offender(make_vendor, make_case)
    with django_assert_num_queries(3):  # count + page + the links with their streets
        assert len(_ids(bureau_client.get(OFFENDERS))) == n


@pytest.mark.parametrize("n", [1, 8])
def test_coverage_query_count(bureau_client, place, django_assert_num_queries, n):
    for i in range(n):
        services.shop_register(acting_user=None, name=f"店{i}", address="路", street=place["a"])
    with django_assert_num_queries(2):
        assert bureau_client.get(COVERAGE).json()["results"][0]["shop_count"] == n
