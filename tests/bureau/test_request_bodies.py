"""Request bodies are bounded: too large a body is a 413 read no further than the limit, and a deeply nested
JSON body is a 400, never a 500, on every endpoint that takes a body, anonymous requests included."""
import io
import re

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from bureau.api.parsers import BoundedJSONParser, RequestTooLarge

pytestmark = pytest.mark.django_db

NESTED = "[" * 100000 + "]" * 100000


def _write_operations(client):
    """Every (method, path) of the API schema that takes a body, path parameters filled with 1."""
    schema = client.get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method in ("post", "put", "patch"):
            if method in operations:
                yield method, re.sub(r"\{[^}]+\}", "1", path)


def test_a_nested_json_body_to_the_token_endpoint_is_a_400_in_chinese(anon_client):
    response = anon_client.post("/api/v1/auth/token/", data=NESTED, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容的 JSON 嵌套层数过多。"}


def test_a_nested_json_body_is_a_400_on_every_write_endpoint(bureau_client, anon_client):
    operations = list(_write_operations(bureau_client))
    assert len(operations) > 3
    for client in (bureau_client, anon_client):
        for method, path in operations:
            response = getattr(client, method)(path, data=NESTED, content_type="application/json")
            assert response.status_code < 500, (method, path, response.status_code)
    # the create endpoints, which read the body, say why
    for path in ("/api/v1/cases/", "/api/v1/patrol-reports/"):
        response = bureau_client.post(path, data=NESTED, content_type="application/json")
        assert response.status_code == 400 and "嵌套" in response.json()["detail"]


def test_json_nested_less_than_the_decoder_allows_but_more_than_the_limit_is_a_400(bureau_client):
    body = "[" * 900 + "]" * 900
    response = bureau_client.post("/api/v1/patrol-reports/", data=body, content_type="application/json",
                                  HTTP_IDEMPOTENCY_KEY="deep-1")
    assert response.status_code == 400


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_is_a_413_with_a_json_message(anon_client, bureau_client):
    body = '{"username": "' + "x" * 2000 + '", "password": "p"}'
    response = anon_client.post("/api/v1/auth/token/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert "1000" in response.json()["detail"]
    response = anon_client.post("/api/v1/auth/token/", data={"username": "x" * 2000, "password": "p"},
                                format=None, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    response = bureau_client.post("/api/v1/cases/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "请求内容过大：不能超过 1000 字节。"}


def test_a_body_at_the_limit_is_parsed(db):
    body = '{"username": "nobody", "password": "' + "p" * 100 + '"}'
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=len(body.encode())):
        response = APIClient().post("/api/v1/auth/token/", data=body, content_type="application/json")
    assert response.status_code == 400  # wrong credentials, not too large


class _CountingStream(io.BytesIO):
    def __init__(self, size):
        super().__init__(b"[" + b" " * (size - 2) + b"]")
        self.bytes_read = 0

    def read(self, n=-1):
        chunk = super().read(n)
        self.bytes_read += len(chunk)
        return chunk


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_without_a_declared_length_is_read_no_further_than_the_limit():
    stream = _CountingStream(20 * 1024 * 1024)
    with pytest.raises(RequestTooLarge):
        BoundedJSONParser().parse(stream, "application/json", {"request": None})
    assert stream.bytes_read <= 1001


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_declared_over_the_limit_is_not_read_at_all():
    class Request:
        META = {"CONTENT_LENGTH": str(20 * 1024 * 1024)}

    stream = _CountingStream(20 * 1024 * 1024)
    with pytest.raises(RequestTooLarge):
        BoundedJSONParser().parse(stream, "application/json", {"request": Request()})
    assert stream.bytes_read == 0
