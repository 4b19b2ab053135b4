"""API infrastructure: schema, docs without a CDN, 401 JSON, token endpoint, errors in the
request's language, /healthz, pagination clamp, throttle rates."""
import json
import os
import re
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from openapi_spec_validator import validate
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from bureau.api.exceptions import Conflict, IdempotencyMismatch
from bureau.api.pagination import StandardPagination

pytestmark = pytest.mark.django_db


def test_schema_validates_as_openapi_3(bureau_client):
    # when
    response = APIClient().get("/api/schema/", {"format": "json"})

    # then
    assert response.status_code == 200
    spec = json.loads(response.content)
    assert spec["openapi"].startswith("3.")
    validate(spec)
    assert "/api/v1/auth/token/" in spec["paths"]


def test_docs_page_renders_with_no_cdn():
    # when
    response = Client().get("/api/docs/")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    external = re.findall(r'(?:src|href)=["\'](https?:)?//[^"\']+', html)
    assert external == [], external
    assert "cdn" not in html.lower()


def test_sidecar_assets_are_served(live_server):
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js") as r:  # noqa: S310
        assert r.status == 200


@pytest.mark.parametrize("path", ["/api/v1/auth/me/", "/api/v1/streets/", "/api/v1/cases/"])
def test_anonymous_api_call_gets_401_json_with_www_authenticate(path):
    # when
    response = APIClient().get(path)

    # then
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_bad_token_gets_401():
    response = APIClient(HTTP_AUTHORIZATION="Token not-a-token").get("/api/v1/auth/me/")
    assert response.status_code == 401


def test_session_authentication_works_for_the_api(bureau_user):
    # given
    client = APIClient()
    client.force_login(bureau_user)

    # then
    assert client.get("/api/v1/auth/me/").json()["username"] == "t-bureau"


def test_token_endpoint_200_and_400(bureau_user):
    # when
    good = APIClient().post("/api/v1/auth/token/", {"username": "t-bureau", "password": "pw-t-bureau"}, format="json")
    bad = APIClient().post("/api/v1/auth/token/", {"username": "t-bureau", "password": "wrong"}, format="json")
    missing = APIClient().post("/api/v1/auth/token/", {}, format="json")
    garbage = APIClient().post("/api/v1/auth/token/", "{not json", content_type="application/json")

    # then
    assert good.status_code == 200 and list(good.json()) == ["token"]
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/json")
    assert missing.status_code == 400 and {"username", "password"} <= set(missing.json())
    assert garbage.status_code == 400 and "detail" in garbage.json()


def test_errors_are_chinese_by_default_and_english_on_request():
    # when
    zh = APIClient().get("/api/v1/auth/me/")
    en = APIClient().get("/api/v1/auth/me/", HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert zh.json()["detail"] == "身份认证信息未提供。"
    assert en.json()["detail"] == "Authentication credentials were not provided."


def test_field_errors_are_chinese_by_default_and_english_on_request():
    # when
    zh = APIClient().post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json")
    en = APIClient().post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json",
                          HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert zh.status_code == en.status_code == 400
    zh_text = json.dumps(zh.json(), ensure_ascii=False)
    en_text = json.dumps(en.json(), ensure_ascii=False)
    assert re.search(r"[\u4e00-\u9fff]", zh_text), zh_text
    assert "Unable to log in" in en_text


def test_own_error_messages_are_translated():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(Conflict().detail) == "当前状态下不能执行此操作。"
        assert str(IdempotencyMismatch().detail) == "此 Idempotency-Key 已用于另一个请求内容。"
    with translation.override("en"):
        assert str(Conflict().detail) == "The action is not allowed in the current state."
        assert str(IdempotencyMismatch().detail) == "This Idempotency-Key was used with another request body."


def test_unknown_api_path_is_not_an_html_500(bureau_client):
    response = bureau_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404


def test_healthz_ok():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_503_when_the_database_fails():
    # given
    from django.db import OperationalError

    # when
    with mock.patch("bureau.views.connection.ensure_connection", side_effect=OperationalError("database is down")):
        response = Client().get("/healthz")

    # then
    assert response.status_code == 503
    assert response.json()["status"] != "ok"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_on_a_broken_connection_and_200_again_with_a_new_one():
    # given the worker's persistent connection broke (the server restarted under it)
    from django.db import connection

    client = Client()
    assert client.get("/healthz").status_code == 200
    connection.ensure_connection()
    connection.connection.close()

    # when the balancer probes, then the probe fails, and the connection is dropped for a new one
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})
    assert connection.connection is None
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(("asked", "got"), [(None, 50), ("10", 10), ("200", 200), ("201", 200), ("100000", 200),
                                            ("abc", 50), ("-1", 50)])
def test_page_size_is_clamped_to_200(asked, got):
    # given
    params = {"page_size": asked} if asked else {}
    request = Request(APIRequestFactory().get("/x/", params))

    # when
    page = StandardPagination().paginate_queryset(list(range(500)), request)

    # then
    assert len(page) == got


def test_paginated_response_shape():
    request = Request(APIRequestFactory().get("/x/", {"page": 2, "page_size": 10}))
    paginator = StandardPagination()
    page = paginator.paginate_queryset(list(range(25)), request)
    body = paginator.get_paginated_response(page).data
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 25 and body["results"] == list(range(10, 20))


def test_throttle_rates_come_from_settings():
    # then: the throttles in use read the configured rates
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert UserRateThrottle().get_rate() == UserRateThrottle.THROTTLE_RATES["user"]
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "rest_framework.throttling.AnonRateThrottle", "rest_framework.throttling.UserRateThrottle",
    ]
    assert set(rates) >= {"anon", "user"}
    assert AnonRateThrottle().get_rate() == rates["anon"]


def _base_rates(extra_env):
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='bureau.settings.local'; django.setup(); "
            "from django.conf import settings; import json; "
            "print(json.dumps(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("THROTTLE_")}
    env.update(extra_env)
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True,
                         text=True, timeout=60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_default_user_rate_allows_6000_a_minute_and_the_environment_overrides_it():
    # when
    default = _base_rates({})
    raised = _base_rates({"THROTTLE_USER": "60000/min", "THROTTLE_ANON": "1000/min"})

    # then
    number, period = default["user"].split("/")
    assert int(number) >= 6000 and period in ("min", "minute", "m")
    assert raised == {"anon": "1000/min", "user": "60000/min", "auth": "30/min"}


def test_throttled_requests_get_429_json():
    # given: a view with a tiny rate
    from django.core.cache import cache
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class Tiny(AnonRateThrottle):
        rate = "2/min"

    class View(APIView):
        permission_classes = []
        authentication_classes = []
        throttle_classes = [Tiny]

        def get(self, request):
            return Response({"ok": True})

    cache.clear()
    view = View.as_view()
    statuses = [view(APIRequestFactory().get("/x/")).status_code for _ in range(3)]

    # then
    assert statuses == [200, 200, 429]


def test_unknown_api_url_is_a_json_404_in_the_requests_language():
    # when
    zh = APIClient().get("/api/v1/no-such-thing/")
    en = APIClient().get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert zh.status_code == en.status_code == 404
    assert zh["Content-Type"].startswith("application/json")
    assert zh.json() == {"detail": "未找到。"}
    assert en.json() == {"detail": "Not found."}


def test_unknown_page_is_an_html_404_in_chinese(bureau_user):
    client = Client()
    client.force_login(bureau_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "页面不存在" in response.content.decode()


def test_server_error_is_json_under_the_api_and_a_plain_page_elsewhere():
    from django.test import RequestFactory

    from bureau.views import server_error

    api = server_error(RequestFactory().get("/api/v1/cases/"))
    page = server_error(RequestFactory().get("/cases/"))
    assert api.status_code == page.status_code == 500
    assert json.loads(api.content) == {"detail": "服务器内部错误。"}
    assert "服务器内部错误" in page.content.decode()


def test_an_unhandled_exception_in_an_api_view_is_a_json_500(bureau_user, settings):
    # given: a view that fails, reached through the full stack (this module is the URLconf)
    from tests.bureau import test_api_infra as here

    settings.ROOT_URLCONF = here.__name__
    client = Client(raise_request_exception=False)

    # when
    response = client.get("/api/v1/boom/")

    # then
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "服务器内部错误。"}


def _boom(request):
    raise RuntimeError("boom")


def _urlpatterns():
    from django.urls import include, path

    return [path("api/v1/boom/", _boom), path("", include("bureau.urls"))]


urlpatterns = _urlpatterns()
handler500 = "bureau.views.server_error"
