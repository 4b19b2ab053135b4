"""The statistics registry and API: every figure equals a hand count on the fixture, and its rows are exactly the
rows counted; the API's shape, its scope, its errors and its cache."""
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from bureau import statistics
from bureau.statistics import Period
from tests.conftest import client_for
from tests.figures.support import expected, expected_street_a

pytestmark = pytest.mark.django_db

YEAR = Period.year(2026)
Q = "from=2026-01-01&to=2026-12-31"


def _pks(rows):
    return set(rows.values_list("pk", flat=True))


def test_every_figure_equals_its_hand_count_and_lists_exactly_its_rows(world):
    # given the fixture's rows and the hand count of each figure
    hand = expected(world)
    codes = [f.code for f in statistics.figures()]
    # then every registered figure is counted by hand (a new figure needs its count here)
    assert sorted(codes) == sorted(hand), set(codes) ^ set(hand)
    for fig in statistics.figures():
        # when
        value, rows = fig.query(YEAR)
        # then the value and the rows are the hand count's, and the rows' shares add up to the value
        want_rows, want_value = hand[fig.code]
        assert _pks(rows) == want_rows, fig.code
        assert value == want_value, fig.code
        assert sum((Decimal(str(fig.row_amount(r))) for r in rows), Decimal(0)) == Decimal(str(want_value)), fig.code


def test_a_street_counts_only_its_rows(world):
    for code, (want_rows, want_value) in expected_street_a(world).items():
        value, rows = statistics.figure(code).query(YEAR, world["a"])
        assert (_pks(rows), value) == (want_rows, want_value), code


def test_last_year_is_counted_apart(world):
    last = dict((f.code, v) for f, v in statistics.evaluate(Period.year(2025)))
    assert last["cases_reported"] == 1 and last["cases_closed_on_time"] == 1
    assert last["patrol_shops_regulated"] == 100
    assert last["demolished_area"] == Decimal(10)
    assert last["fines_total"] == Decimal(300)
    assert last["frontage_agreements_signed"] == 1  # agreement_2 (shop_2 signs again in 2026: its version 2)
    assert last["ads_removed"] == 1  # ad_4, by hand in 2025


def test_api_document_is_shaped_as_the_contract_says_and_its_rows_urls_list_the_rows(world):
    client = client_for(world["bureau"])
    # when
    response = client.get(f"/api/v1/statistics/?{Q}")
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"from", "to", "street", "figures"}
    assert (body["from"], body["to"], body["street"]) == ("2026-01-01", "2026-12-31", None)
    hand = expected(world)
    for entry in body["figures"]:
        assert set(entry) == {"code", "name", "unit", "value", "rows_url"}
        want_rows, want_value = hand[entry["code"]]
        assert Decimal(str(entry["value"])) == Decimal(str(want_value)), entry["code"]
        listed = client.get(entry["rows_url"] + "&page_size=200").json()
        assert {r["id"] for r in listed["results"]} == want_rows, entry["code"]
        assert listed["count"] == len(want_rows)
        assert sum(Decimal(str(r["amount"])) for r in listed["results"]) == Decimal(str(want_value)), entry["code"]


def test_english_names_come_from_the_catalog(world):
    body = client_for(world["bureau"]).get(f"/api/v1/statistics/?{Q}", HTTP_ACCEPT_LANGUAGE="en").json()
    names = {f["code"]: f["name"] for f in body["figures"]}
    assert names["cases_reported"] == "Cases received"
    assert names["demolished_area"] == "Area of illegal buildings demolished"


def test_a_leader_reads_their_street_only(world):
    client = client_for(world["leader_a"])
    body = client.get(f"/api/v1/statistics/?{Q}").json()
    values = {f["code"]: f["value"] for f in body["figures"]}
    assert values["cases_reported"] == 3 and values["patrol_shops_regulated"] == 5
    rows = client.get(f"/api/v1/statistics/cases_reported/rows/?{Q}").json()
    assert {r["id"] for r in rows["results"]} == world.pks("case_A", "case_C", "case_E")
    with_street = client.get(f"/api/v1/statistics/?{Q}&street=001").json()
    assert with_street["street"] == {"code": "001", "name": "古南街道"}
    # another street's figures are refused like an unknown street
    refused = client.get(f"/api/v1/statistics/?{Q}&street=002")
    assert refused.status_code == 400 and "street" in refused.json()


LATER_WORK = ("farmers_markets", "market_inspections", "market_complaints", "market_complaints_on_time",
              "referrals_received", "referrals_due", "referrals_on_time", "joint_operations", "operation_cases",
              "operation_orders", "occupation_approvals", "repeat_offenders", "ads_standing", "ads_public_service")


def test_a_leader_reads_the_later_works_figures_of_their_street(world):
    # given street a's leader, reading with no street named (their scope narrows every row)
    client = client_for(world["leader_a"])
    values = {f["code"]: f["value"] for f in client.get(f"/api/v1/statistics/?{Q}").json()["figures"]}
    hand = expected_street_a(world)
    for code in LATER_WORK:
        want_rows, want_value = hand[code]
        # then each figure is street a's hand count, and its rows are street a's rows
        assert Decimal(str(values[code])) == Decimal(str(want_value)), code
        listed = client.get(f"/api/v1/statistics/{code}/rows/?{Q}&page_size=200").json()
        assert {r["id"] for r in listed["results"]} == want_rows, code


@pytest.mark.parametrize("query, field", [
    ("from=2026-13-01", "from"), ("from=yesterday", "from"), ("to=2026-02-30", "to"),
    ("from=2026-05-01&to=2026-04-01", "to"), ("from=2020-01-01&to=2026-12-31", "to"), ("street=999", "street"),
    ("street=abc", "street"),
])
def test_bad_input_is_a_400_with_the_field(world, query, field):
    for url in ("/api/v1/statistics/", "/api/v1/statistics/cases_reported/rows/"):
        response = client_for(world["bureau"]).get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)
        assert field in response.json()


def test_an_unknown_figure_is_a_404(world):
    assert client_for(world["bureau"]).get(f"/api/v1/statistics/no_such/rows/?{Q}").status_code == 404


def test_who_may_read(world, api_user, anon_client):
    assert anon_client.get("/api/v1/statistics/").status_code == 401
    assert client_for(api_user).get("/api/v1/statistics/").status_code == 403
    assert client_for(world["officer_a1"]).get("/api/v1/statistics/").status_code == 403
    assert client_for(world["officer_a1"]).get("/api/v1/statistics/cases_reported/rows/").status_code == 403


def test_a_departments_account_reads_no_statistics(world, security_user):
    # given the account of 区环卫中心, which case C was referred to
    from bureau.accounts.choices import Role
    from enforcement.services.departments import department_account_link
    from tests.conftest import make_user

    account = make_user("dept-HW", Role.DEPARTMENT)
    department_account_link(acting_user=security_user, user=account, department="HW")
    client = client_for(account)
    # then neither the district's figures, nor their rows, nor the pages are its to read
    for url in (f"/api/v1/statistics/?{Q}", f"/api/v1/statistics/referrals_received/rows/?{Q}",
                "/api/v1/statistics/live/"):
        assert client.get(url).status_code == 403, url
    pages = Client()
    pages.force_login(account)
    for url in ("/figures/", "/figures/annex/", "/figures/wall/", "/figures/rows/referrals_received/"):
        assert pages.get(url).status_code == 403, url


def test_the_document_is_cached_until_the_data_changes(world, walker, django_assert_max_num_queries,
                                                       django_capture_on_commit_callbacks):
    cache.clear()
    client = client_for(world["bureau"])
    first = client.get(f"/api/v1/statistics/?{Q}").content
    # when asked again, the same bytes come from the cache without reading the figures again
    with django_assert_max_num_queries(1):
        assert client.get(f"/api/v1/statistics/?{Q}").content == first
    # when a case is reported, the data version moves and the next answer counts it
    from tests.inspections.reports_support import at

    with django_capture_on_commit_callbacks(execute=True):
        walker.report(at(2026, 6, 1, 9))
    after = client.get(f"/api/v1/statistics/?{Q}").json()
    assert {f["code"]: f["value"] for f in after["figures"]}["cases_reported"] == 6


def test_rows_list_query_count_does_not_grow_with_rows(world, walker, django_assert_num_queries):
    from tests.inspections.reports_support import at

    client = client_for(world["bureau"])
    url = f"/api/v1/statistics/cases_reported/rows/?{Q}"
    # families (categories, patrol counts), the figure's value, the page's count and the page
    with django_assert_num_queries(5):
        assert client.get(url).json()["count"] == 5
    for day in range(1, 11):
        walker.report(at(2026, 7, day, 9), cell="b2")
    with django_assert_num_queries(5):
        assert client.get(url).json()["count"] == 15


def test_statistics_api_query_count_is_pinned(world, django_assert_num_queries):
    cache.clear()
    client = client_for(world["bureau"])
    # the two families, one aggregate for every count of the period's cases, one query per other figure (the
    # closes each one count over the history's reading as a subquery), the campaigns' progress; pinned so a
    # reading per row would show (49, plus one for each of the ten figures of farmers markets, referrals,
    # joint operations, occupation approvals and repeat offenders, and the referrals due and on time: a history
    # reading (savepoint, statement, release; two planner options first on PostgreSQL), the units' statement
    # and a count each; the standing ads and public-service ads, one each)
    from django.db import connection

    with django_assert_num_queries(67 + (2 if connection.vendor == "postgresql" else 0)):
        assert client.get(f"/api/v1/statistics/?{Q}").status_code == 200


def test_the_api_is_in_the_openapi_schema(bureau_client):
    schema = bureau_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/statistics/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "street"}
    assert "/api/v1/statistics/{code}/rows/" in schema["paths"]
    assert "/api/v1/statistics/live/" in schema["paths"]
    document = schema["components"]["schemas"]["StatisticsDocument"]
    assert set(document["properties"]) == {"from", "to", "street", "figures"}


def test_a_token_client_gets_the_cached_document_without_a_query(world, django_assert_num_queries):
    from tests.generated.support import token_for

    cache.clear()
    world["bureau"].set_password("pw-statistics-2026")
    world["bureau"].save()
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + token_for(world["bureau"].username, "pw-statistics-2026"))
    first = client.get(f"/api/v1/statistics/?{Q}&street=001")
    assert first.status_code == 200
    client.get(f"/api/v1/statistics/?{Q}&street=001")  # the token is in the cache from now on
    # when asked again: the token, the document and the throttle's counter all come from the cache
    with django_assert_num_queries(0):
        again = client.get(f"/api/v1/statistics/?{Q}&street=001")
    assert again.status_code == 200 and again.content == first.content
    # a street that does not exist is still a 400 (never cached, so DRF's path answers)
    assert client.get(f"/api/v1/statistics/?{Q}&street=999").status_code == 400
