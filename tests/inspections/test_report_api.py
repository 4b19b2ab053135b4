"""REST for rankings and bulletins: shapes, roles, ETag/304, 400/404, xlsx, query counts."""
import io

import pytest
from django.core.cache import cache
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bureau import clock
from bureau.accounts.choices import Role
from inspections.services.reports import report_compile_month, report_compile_week
from tests.conftest import client_for, make_user
from tests.inspections import reports_support
from tests.inspections.reports_support import build_worked_example

place, walker, after_w48 = reports_support.place, reports_support.walker, reports_support.after_w48  # fixtures

pytestmark = pytest.mark.django_db

INDICATOR_KEYS = {"due_count", "closed_count", "closed_on_time_count", "close_rate", "on_time_close_rate",
                  "rework_rate", "extension_rate", "overdue_count", "bulletin_items", "patrol_coverage"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(walker, place, after_w48):
    build_worked_example(walker)
    with clock.frozen(after_w48):
        report_compile_week("2026-W47")
        report_compile_week("2026-W48")
        report_compile_month("2026-11")
    return place


def test_weekly_ranking_shape(published, api_client_role):
    # when
    response = api_client_role.get("/api/v1/rankings/weekly/2026-W47/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert {"period", "start", "end", "revision", "published_at", "scheme", "results"} <= set(body)
    assert body["period"] == "2026-W47"
    assert body["start"] == "2026-11-16" and body["end"] == "2026-11-22"  # the first and last dates of W47
    assert body["scheme"] == {"code": "default", "version": 1} and body["revision"] == 1
    assert [r["rank"] for r in body["results"]] == [1, 2]
    row = body["results"][1]
    assert row["street"] == {"code": "001", "name": "古南街道"}
    assert row["score"] == "71.00" and row["grade"] == "C"
    assert set(row["indicators"]) == INDICATOR_KEYS
    assert row["indicators"]["on_time_close_rate"] == 0.6 and row["indicators"]["bulletin_items"] == 4


def test_monthly_ranking_and_latest(published, bureau_client):
    with clock.frozen(reports_support.at(2026, 12, 2, 9)):
        monthly = bureau_client.get("/api/v1/rankings/monthly/2026-11/")
        latest_week = bureau_client.get("/api/v1/rankings/weekly/latest/")
        latest_month = bureau_client.get("/api/v1/rankings/monthly/latest/")
    assert monthly.status_code == 200 and monthly.json()["period"] == "2026-11"
    assert latest_week.json()["period"] == "2026-W48"
    assert latest_month.json()["period"] == "2026-11"


def test_bulletin_shape(published, api_client_role):
    # when
    response = api_client_role.get("/api/v1/bulletins/weekly/2026-W47/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert {"period", "start", "end", "revision", "published_at", "streets"} <= set(body)
    street = next(s for s in body["streets"] if s["street"]["code"] == "001")
    assert street["counts"]["bulletin_items"] == 4
    item = street["items"][0]
    assert {"case", "category", "address", "due_at", "overdue_hours"} <= set(item)
    assert set(item["case"]) == {"id", "number"} and set(item["category"]) == {"code", "name"}


def test_etag_and_304(published, api_client_role):
    # given
    first = api_client_role.get("/api/v1/rankings/weekly/2026-W47/")
    etag = first["ETag"]
    assert etag and first["Last-Modified"]

    # when
    again = api_client_role.get("/api/v1/rankings/weekly/2026-W47/", HTTP_IF_NONE_MATCH=etag)
    other = api_client_role.get("/api/v1/rankings/weekly/2026-W47/", HTTP_IF_NONE_MATCH='"something-else"')
    bulletin = api_client_role.get("/api/v1/bulletins/weekly/2026-W47/")
    bulletin_again = api_client_role.get("/api/v1/bulletins/weekly/2026-W47/", HTTP_IF_NONE_MATCH=bulletin["ETag"])

    # then
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert other.status_code == 200
    assert bulletin_again.status_code == 304


def test_a_reissue_changes_the_etag(published, walker, after_w48, api_client_role,
                                    django_capture_on_commit_callbacks):
    # given
    etag = api_client_role.get("/api/v1/rankings/weekly/2026-W47/")["ETag"]
    walker.closed(reports_support.at(2026, 11, 17, 9), reports_support.at(2026, 11, 17, 10),
                  reports_support.at(2026, 11, 17, 11), source="patrol")
    with clock.frozen(after_w48), django_capture_on_commit_callbacks(execute=True):
        report_compile_week("2026-W47", reissue=True, reason="补录")

    # when
    response = api_client_role.get("/api/v1/rankings/weekly/2026-W47/", HTTP_IF_NONE_MATCH=etag)

    # then
    assert response.status_code == 200 and response.json()["revision"] == 2


@pytest.mark.parametrize("url", ["/api/v1/rankings/weekly/2026-47/", "/api/v1/rankings/weekly/2026-W54/",
                                 "/api/v1/rankings/monthly/2026-13/", "/api/v1/rankings/monthly/W47/",
                                 "/api/v1/bulletins/weekly/2026-11/", "/api/v1/rankings/weekly/%E2%80%A6/"])
def test_a_malformed_period_is_400(place, api_client_role, url):
    response = api_client_role.get(url)
    assert response.status_code == 400
    assert "period" in response.json()


def test_a_period_never_compiled_is_404(place, api_client_role):
    assert api_client_role.get("/api/v1/rankings/weekly/2026-W10/").status_code == 404
    assert api_client_role.get("/api/v1/rankings/monthly/latest/").status_code == 404
    assert api_client_role.get("/api/v1/bulletins/weekly/2026-W10/").status_code == 404
    assert api_client_role.get("/api/v1/bulletins/weekly/2026-W10/?format=xlsx").status_code == 404


def test_roles(published, anon_client, api_user):
    # given: a real token for the API client
    token = Token.objects.create(user=api_user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    auditor = client_for(make_user("t-aud", Role.AUDITOR, is_staff=True))
    leader = client_for(published["leader_a"])

    # then
    assert anon_client.get("/api/v1/rankings/weekly/2026-W47/").status_code == 401
    assert auditor.get("/api/v1/rankings/weekly/2026-W47/").status_code == 403
    assert leader.get("/api/v1/rankings/weekly/2026-W47/").status_code == 200
    assert api.get("/api/v1/rankings/weekly/2026-W47/").status_code == 200
    assert api.get("/api/v1/bulletins/weekly/2026-W47/").status_code == 200
    assert api.get("/api/v1/cases/").status_code == 403
    assert api.post("/api/v1/rankings/weekly/2026-W47/", {}).status_code == 403


def test_ranking_xlsx_has_the_sheets_and_chinese_headings(published, api_client_role):
    # when
    response = api_client_role.get("/api/v1/rankings/weekly/2026-W47/?format=xlsx")

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["排名", "说明"]
    headings = [c.value for c in wb["排名"][1]]
    assert headings[:5] == ["名次", "街道代码", "街道", "得分", "等级"] and "按期结案率" in headings
    assert [c.value for c in wb["排名"][3]][:5] == [2, "001", "古南街道", 71.0, "C"]


def test_bulletin_xlsx_has_the_sheets_and_chinese_headings(published, api_client_role):
    # when
    response = api_client_role.get("/api/v1/bulletins/weekly/2026-W47/?format=xlsx")

    # then
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["汇总", "督办案件", "说明"]
    assert [c.value for c in wb["督办案件"][1]] == ["街道代码", "街道", "案件编号", "类别编码", "类别", "地址",
                                                     "处置时限", "超时（小时）"]
    assert wb["督办案件"].max_row == 5  # heading + 4 items


def test_query_counts_are_pinned(published, api_client_role, django_assert_num_queries):
    # a cold read is one query; a warm one none (authentication is forced here)
    with django_assert_num_queries(1):
        assert api_client_role.get("/api/v1/rankings/weekly/2026-W47/").status_code == 200
    with django_assert_num_queries(0):
        assert api_client_role.get("/api/v1/rankings/weekly/2026-W47/").status_code == 200
    with django_assert_num_queries(1):
        assert api_client_role.get("/api/v1/bulletins/weekly/latest/").status_code == 200


def test_the_rankings_api_is_throttled(published, api_client_role, settings):
    # given: a tiny rate (the real one is a setting, at least 6,000 a minute); a day's window, so no window
    # boundary falls between the three requests
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "2/day", "anon": "2/day"}}

    # when
    responses = [api_client_role.get("/api/v1/rankings/weekly/2026-W47/") for _ in range(3)]

    # then
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert int(responses[2]["Retry-After"]) > 0


def test_the_spreadsheet_carries_its_own_etag_and_last_modified(published, api_client_role):
    # given the bulletin spreadsheet of a published week
    url = "/api/v1/bulletins/weekly/2026-W47/?format=xlsx"
    first = api_client_role.get(url)
    # then it carries validators of its own (not the JSON's) and answers 304 to them
    assert first.status_code == 200 and first["Last-Modified"]
    assert first["ETag"] != api_client_role.get("/api/v1/bulletins/weekly/2026-W47/")["ETag"]
    again = api_client_role.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]


def test_an_unknown_format_is_400(published, api_client_role):
    response = api_client_role.get("/api/v1/bulletins/weekly/2026-W47/?format=pdf")
    assert response.status_code == 400 and "format" in response.json()


@pytest.mark.parametrize("url", ["/api/v1/rankings/weekly/9999-W52/", "/api/v1/rankings/monthly/9999-12/",
                                 "/api/v1/bulletins/weekly/9999-W52/", "/api/v1/rankings/weekly/0001-W01/"])
def test_periods_at_the_ends_of_the_calendar_are_not_a_500(place, api_client_role, url):
    assert api_client_role.get(url).status_code in (400, 404)
