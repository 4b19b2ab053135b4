"""The API renders JSON with orjson and writes exactly the bytes DRF's JSONRenderer wrote: same separators,
Chinese unescaped, datetimes with `Z`, Decimals, lazy translated strings, U+2028 escaped."""
import datetime
import decimal
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from bureau import clock
from bureau.api.renderers import FastJSONRenderer
from tests.conftest import client_for
from tests.factories import centre_of

SH = ZoneInfo("Asia/Shanghai")

AWKWARD = {
    "中文": "古南街道 — “引号”…",
    "utc": datetime.datetime(2026, 11, 24, 7, 30, 5, 123456, tzinfo=datetime.UTC),
    "shanghai": datetime.datetime(2026, 11, 24, 15, 30, tzinfo=SH),
    "naive_time": datetime.time(8, 0, 0, 500),
    "day": datetime.date(2026, 11, 24),
    "span": datetime.timedelta(hours=1, seconds=3),
    "money": decimal.Decimal("71.00"),
    "lazy": gettext_lazy("工作台"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "bytes": b"abc",
    "numbers": [0, -1, 2**62, 1.5, 0.1, 115.123456789, 27.0, -0.0, 1e16, 1e-05, 3.2e-07, 0.0001, 1e22],
    "nested": {"a": [None, True, False, {"b": ()}], 7: "int key"},
    "separators": "line\u2028para\u2029end",
    "empty": {},
    "set": {"only"},
}


@pytest.mark.parametrize("key", sorted(AWKWARD, key=str))
def test_each_awkward_value_renders_as_drf_renders_it(key):
    data = {key: AWKWARD[key]}
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_a_whole_document_renders_as_drf_renders_it_and_keeps_chinese_readable():
    # when
    body = FastJSONRenderer().render(AWKWARD)

    # then
    assert body == JSONRenderer().render(AWKWARD)
    assert "古南街道".encode() in body and b"\\u2028" in body
    assert b'"utc":"2026-11-24T07:30:05.123456Z"' in body


def test_indent_requested_by_the_client_is_honoured_as_drf_does():
    media = "application/json; indent=4"
    data = {"a": [1, {"b": "中"}]}
    assert FastJSONRenderer().render(data, media) == JSONRenderer().render(data, media)


def test_nothing_renders_as_nothing():
    assert FastJSONRenderer().render(None) == b""


@pytest.fixture
def served(two_streets, bureau_user):
    """A case with history and a patrol report, so the lists and details below have rows."""
    from enforcement.services import case_report

    lat, lng = centre_of(two_streets["a1"])
    with clock.frozen(datetime.datetime(2026, 11, 24, 9, 30, tzinfo=SH)):
        case = case_report(acting_user=bureau_user, category="06010", lat=lat, lng=lng,
                           description="垃圾堆放\u2028第二行", source="supervision")
    return {"place": two_streets, "case": case}


def _same_as_drf(response):
    assert isinstance(response.accepted_renderer, FastJSONRenderer)
    expected = JSONRenderer().render(response.data, response.accepted_media_type, response.renderer_context)
    assert response["Content-Type"] == "application/json" or response["Content-Type"].startswith(
        "application/geo+json"), response["Content-Type"]
    assert response.content == expected, response.request["PATH_INFO"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    "/api/v1/cases/",
    "/api/v1/cases/?street=001",
    "/api/v1/cases/{case}/",
    "/api/v1/cases/counts-by-cell/?status=open",
    "/api/v1/streets/",
    "/api/v1/grid-cells/geojson/",
    "/api/v1/streets/geojson/",
    "/api/v1/grid-cells/locate/?lat={lat}&lng={lng}",
    "/api/v1/patrol-reports/",
    "/api/v1/auth/me/",
    "/api/v1/cases/999999999/",  # 404, a translated message
    "/api/v1/grid-cells/locate/?lat=abc&lng=1",  # 400, field errors from lazy strings
])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_endpoints_answer_the_bytes_drf_answered(served, bureau_user, path, language):
    # given
    lat, lng = centre_of(served["place"]["a1"])
    url = path.format(case=served["case"].pk, lat=lat, lng=lng)

    # when
    response = client_for(bureau_user).get(url, HTTP_ACCEPT_LANGUAGE=language)

    # then
    assert response.status_code < 500
    _same_as_drf(response)


@pytest.mark.django_db
def test_case_detail_in_chinese_is_unescaped(served, bureau_user):
    response = client_for(bureau_user).get(f"/api/v1/cases/{served['case'].pk}/")
    assert response.status_code == 200
    assert "垃圾堆放".encode() in response.content and b"\\u2028" in response.content
