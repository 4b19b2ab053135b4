"""A ranking's and a bulletin's `start` and `end` are the first and last dates of the period, wherever they are
shown: the API, its schema, the pages and the spreadsheets (W47 of 2026 is 2026-11-16 to 2026-11-22, not to the
23rd, the Monday its end instant falls on)."""
import io

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from bureau import clock
from inspections.models import Bulletin, Ranking
from inspections.services.reports import report_compile_month, report_compile_week
from tests.inspections import reports_support
from tests.inspections.reports_support import build_worked_example

place, walker, after_w48 = reports_support.place, reports_support.walker, reports_support.after_w48  # fixtures

pytestmark = pytest.mark.django_db

WEEK = ("2026-W47", "2026-11-16", "2026-11-22")
MONTH = ("2026-10", "2026-10-01", "2026-10-31")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(walker, place, after_w48):
    build_worked_example(walker)
    with clock.frozen(after_w48):
        report_compile_week(WEEK[0])
        report_compile_month(MONTH[0])
    return place


def _about(content) -> dict:
    """The spreadsheet's 说明 sheet as {项目: 内容}."""
    sheet = load_workbook(io.BytesIO(content))["说明"]
    return {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}


@pytest.mark.parametrize(("url", "period"), [
    ("/api/v1/rankings/weekly/2026-W47/", WEEK),
    ("/api/v1/rankings/monthly/2026-10/", MONTH),
    ("/api/v1/bulletins/weekly/2026-W47/", WEEK),
])
def test_the_api_and_the_spreadsheet_give_the_first_and_last_dates(published, api_client_role, url, period):
    # when
    body = api_client_role.get(url).json()
    xlsx = api_client_role.get(url + "?format=xlsx")

    # then
    _code, first, last = period
    assert (body["start"], body["end"]) == (first, last)
    about = _about(xlsx.content)
    assert (about["开始"], about["结束"]) == (first, last)


def test_the_stored_documents_hold_the_dates(published):
    ranking = Ranking.objects.get(kind="week", period=WEEK[0])
    assert (ranking.payload["start"], ranking.payload["end"]) == WEEK[1:]
    assert (ranking.first_day.isoformat(), ranking.last_day.isoformat()) == WEEK[1:]
    bulletin = Bulletin.objects.get(period=WEEK[0])
    assert (bulletin.first_day.isoformat(), bulletin.last_day.isoformat()) == WEEK[1:]
    month = Ranking.objects.get(kind="month", period=MONTH[0])
    assert (month.payload["start"], month.payload["end"]) == MONTH[1:]


def test_a_ranking_published_with_instants_is_served_with_dates(published, api_client_role):
    # given a ranking as it was published before: the bounding instants in its stored document
    url = "/api/v1/rankings/weekly/2026-W47/"
    ranking = Ranking.objects.get(kind="week", period=WEEK[0])
    etag = api_client_role.get(url)["ETag"]
    old = {**ranking.payload, "start": "2026-11-16T00:00:00+08:00", "end": "2026-11-23T00:00:00+08:00"}
    Ranking.objects.filter(pk=ranking.pk).update(payload=old)
    cache.clear()

    # when
    response = api_client_role.get(url)

    # then the dates come from the row: the same bytes, the same ETag
    assert (response.json()["start"], response.json()["end"]) == WEEK[1:]
    assert response["ETag"] == etag


def test_the_etag_follows_the_bytes_served(published, api_client_role):
    # given
    url = "/api/v1/rankings/weekly/2026-W47/"
    ranking = Ranking.objects.get(kind="week", period=WEEK[0])
    etag = api_client_role.get(url)["ETag"]

    # when the representation of the same revision changes (here: by hand)
    Ranking.objects.filter(pk=ranking.pk).update(payload={**ranking.payload, "note": "x"})
    cache.clear()

    # then a client holding the old ETag gets the new body, not a 304
    response = api_client_role.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_the_pages_print_the_first_and_last_dates(published, bureau_user):
    client = Client()
    client.force_login(bureau_user)

    week = client.get("/inspections/rankings/?kind=week&period=2026-W47").content.decode()
    month = client.get("/inspections/rankings/?kind=month&period=2026-10").content.decode()
    bulletin = client.get("/inspections/bulletins/2026-W47/").content.decode()

    assert "2026-11-16 – 2026-11-22" in week and "2026-11-23" not in week
    assert "2026-10-01 – 2026-10-31" in month and "2026-11-01" not in month
    assert "现将 2026年11月16日 至 2026年11月22日 各街道" in bulletin


def test_the_schema_says_the_dates_are_dates(tmp_path):
    # when
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(path))
    schema = yaml.safe_load(path.read_text())

    # then
    components = schema["components"]["schemas"]
    for name in ("RankingDocument", "BulletinDocument"):
        for field in ("start", "end"):
            prop = components[name]["properties"][field]
            assert (prop["type"], prop["format"]) == ("string", "date")
    responses = [schema["paths"][p]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
                 for p in ("/api/v1/rankings/weekly/{period}/", "/api/v1/rankings/monthly/{period}/",
                           "/api/v1/bulletins/weekly/{period}/")]
    assert responses == ["#/components/schemas/RankingDocument"] * 2 + ["#/components/schemas/BulletinDocument"]
