"""A case and a page of cases in the API's fast lane (enforcement/api/fast.py, bureau/fastlane.py): the same
statuses, bytes and headers as the viewset's answer for every role and shape it takes, a pinned number of
queries without DRF, and every other request (refusals, other filters, pages past the end, departments'
accounts, a throttled client) still answered by the viewset."""
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.views import APIView

from bureau.accounts.choices import Role
from bureau.accounts.services import token_issue
from enforcement.services.parties import case_set_party, party_register
from tests.conftest import make_user
from tests.enforcement.test_api import body_for, jpeg

LIST = "/api/v1/cases/"


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_lane")]


def token_client(user, **headers):
    client = APIClient(**headers)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)}")
    return client


@pytest.fixture
def cases(place, report, act, bureau_user):
    """Street A: a case with photos reported over the API, one named against a party and dispatched with an
    extension requested, one referred to a department; street B: one case."""
    reporter = token_client(bureau_user)
    created = reporter.post(LIST, {**body_for(place["a1"]), "photos": [jpeg(), jpeg((50, 40))]}, format="multipart")
    assert created.status_code == 201, created.content
    with_photos = created.json()["id"]
    named = report(cell="a2", reporter_name="张三", reporter_phone="13812345678")
    act(named, "register")
    act(named, "dispatch")
    act(named, "request_extension", user=place["leader_a"])
    party = party_register(acting_user=bureau_user, name="李四", id_number="360802199001011234", phone="13900001111")
    case_set_party(acting_user=bureau_user, case=named, party=party)
    referred = report(cell="a1", category="06041")
    act(referred, "register")
    act(referred, "dispatch", unit="HW")
    other = report(cell="b1")
    return {"photos": with_photos, "named": named.pk, "referred": referred.pk, "other": other.pk}


def _answer(client, url, **headers):
    response = client.get(url, **headers)
    return response.status_code, response.content, sorted((k, v) for k, v in response.headers.items() if k != "Date")


def _both(settings, client, url, **headers):
    """(the lane's answer, the viewset's answer) to the same request; the lane's is asked twice, so the second
    is answered from what the first kept (the token, the count)."""
    _answer(client, url, **headers)
    fast = _answer(client, url, **headers)
    settings.API_FAST_LANE = False
    slow = _answer(client, url, **headers)
    settings.API_FAST_LANE = True
    return fast, slow


@pytest.mark.parametrize("who", ["bureau", "leader_a", "officer_a1"])
def test_a_case_is_the_viewsets_answer_byte_for_byte(settings, place, cases, bureau_user, who):
    user = bureau_user if who == "bureau" else place[who]
    client = token_client(user)
    for key in ("photos", "named", "referred", "other"):
        for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "en"}, {"HTTP_ACCEPT": "text/html"},
                        {"HTTP_ACCEPT": "application/json; indent=4"}):
            fast, slow = _both(settings, client, f"{LIST}{cases[key]}/", **headers)
            assert fast == slow, (who, key, headers)
            # the leader of B and the officer of a1 do not see every case: 404 from the viewset, in both
            assert fast[0] in (200, 404, 406)
    # the case reported with two photos shows them on its first event
    detail = client.get(f"{LIST}{cases['photos']}/").json()
    assert [len(e["photos"]) for e in detail["history"]][:1] == [2]


@pytest.mark.parametrize("who", ["bureau", "leader_a", "officer_a1"])
def test_a_page_of_cases_is_the_viewsets_answer_byte_for_byte(settings, place, cases, bureau_user, who):
    user = bureau_user if who == "bureau" else place[who]
    client = token_client(user)
    for url in (LIST, f"{LIST}?street=001", f"{LIST}?street=002", f"{LIST}?page_size=2",
                f"{LIST}?page_size=2&page=2", f"{LIST}?street=001&page_size=1&page=3", f"{LIST}?page_size=0",
                f"{LIST}?page_size=abc", f"{LIST}?page_size=500", f"{LIST}?page=9", f"{LIST}?page=last",
                f"{LIST}?street=999", f"{LIST}?status=reported", f"{LIST}?street=001&street=002",
                f"{LIST}?street=%00", f"{LIST}?street=%20001"):
        fast, slow = _both(settings, client, url)
        assert fast == slow, (who, url)


def test_the_lane_answers_without_drf_in_a_pinned_number_of_queries(
        place, cases, bureau_user, monkeypatch, django_assert_num_queries):
    client = token_client(place["leader_a"])
    # the token kept, the count kept, the statements compiled
    client.get(f"{LIST}{cases['named']}/")
    client.get(f"{LIST}?street=001")

    def no_drf(self, request, *args, **kwargs):
        raise AssertionError("DRF's request handling ran")

    monkeypatch.setattr(APIView, "initial", no_drf)
    # a case: the case with its flags, its history, its photos
    with django_assert_num_queries(3):
        detail = client.get(f"{LIST}{cases['named']}/")
    assert detail.status_code == 200 and detail.json()["party"]["name"] == "李四"
    assert detail.json()["party"]["id_number"] != "360802199001011234"  # masked, as everywhere
    assert "approve_extension" not in detail.json()["available_actions"]  # the leader's actions only
    # a page: the street's id, its count (a count under a thousand is not kept), the page
    with django_assert_num_queries(3):
        page = client.get(f"{LIST}?street=001")
    assert page.status_code == 200 and page.json()["count"] == 3


def test_the_count_follows_a_write(place, cases, report, bureau_user):
    client = token_client(bureau_user)
    assert client.get(f"{LIST}?street=001").json()["count"] == 3
    report(cell="a2")
    assert client.get(f"{LIST}?street=001").json()["count"] == 4


def test_refusals_and_other_callers_are_the_viewsets(settings, place, cases, bureau_user, anon_client, security_user):
    from enforcement.services.departments import department_account_link

    url = f"{LIST}{cases['named']}/"
    # a department's account: the viewset decides (its referral only)
    dept = make_user("dept-HW", Role.DEPARTMENT)
    department_account_link(acting_user=security_user, user=dept, department="HW")
    dept_client = token_client(dept)
    assert dept_client.get(url).status_code == 404
    assert dept_client.get(f"{LIST}{cases['referred']}/").status_code == 200
    assert dept_client.get(LIST).json()["count"] == 1
    # no token, a wrong one, a deactivated user's, an API client's and an auditor's
    assert anon_client.get(url).status_code == 401
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert wrong.get(url).status_code == 401
    gone = make_user("t-gone-lane", Role.BUREAU)
    gone_client = token_client(gone)
    assert gone_client.get(url).status_code == 200
    gone.is_active = False
    gone.save()
    assert gone_client.get(url).status_code == 401
    assert token_client(make_user("t-api-lane", Role.API)).get(url).status_code == 403
    assert token_client(make_user("t-aud-lane", Role.AUDITOR, is_staff=True)).get(url).status_code == 403
    # a case out of the leader's scope, and one that does not exist
    leader_b = token_client(place["leader_b"])
    assert leader_b.get(url).status_code == 404
    assert leader_b.get(f"{LIST}999999999/").status_code == 404
    # a filter the lane does not take, and a bad one
    assert token_client(bureau_user).get(f"{LIST}?status=nonsense").status_code == 400


def test_the_lane_counts_in_the_viewsets_throttle(settings, place, cases, bureau_user):
    # given a rate of 3 a day for a signed-in client
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "user": "3/day"}}
    client = token_client(bureau_user)

    # when the lane and the viewset are asked in turn, and the lane hands one to the viewset (a page past the end)
    statuses = [client.get(f"{LIST}{cases['named']}/").status_code, client.get(f"{LIST}?page=9").status_code,
                client.get(LIST).status_code, client.get(f"{LIST}{cases['named']}/").status_code]

    # then they spend one budget, each request counted once
    assert statuses == [200, 404, 200, 429]


def test_after_the_cache_is_flushed_the_lane_takes_the_token_afresh(place, cases, bureau_user, monkeypatch):
    client = token_client(bureau_user)
    url = f"{LIST}{cases['named']}/"
    assert client.get(url).status_code == 200
    cache.clear()  # the shared auth generation gone: what this process kept no longer holds
    assert client.get(url).status_code == 200  # answered by the viewset, the token forgotten here

    def no_drf(self, request, *args, **kwargs):
        raise AssertionError("DRF's request handling ran")

    client.get(url)  # authenticated afresh and kept under the generation now published
    monkeypatch.setattr(APIView, "initial", no_drf)
    assert client.get(url).status_code == 200


def test_walking_the_pages_adds_no_statement_per_page(place, cases, bureau_user):
    from enforcement.api import fast

    client = token_client(bureau_user)
    client.get(f"{LIST}?page_size=1")
    pages, first = len(fast._case_pages._shapes), len(fast._first_pages._shapes)
    ids = [client.get(f"{LIST}?page_size=1&page={n}").json()["results"][0]["id"] for n in range(1, 5)]
    assert len(set(ids)) == 4  # every case once, newest first
    # one statement for every page of that size (its bounds are parameters), none of the first pages' kind
    assert (len(fast._case_pages._shapes), len(fast._first_pages._shapes)) == (pages, first)
