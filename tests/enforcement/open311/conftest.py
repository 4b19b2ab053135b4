"""Fixtures for Open311: an issued key, a Django test client, and a helper that files a request."""
from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.factories import centre_of

V2 = "/open311/v2"


@pytest.fixture
def key(place):
    from enforcement.open311.services import api_key_issue

    issued, secret = api_key_issue(acting_user=None, name="12345 热线平台", rate_limit=1000)
    issued.secret = secret
    return issued


@pytest.fixture
def web():
    return Client()


@pytest.fixture
def post(web, key, place):
    """POST requests.<fmt> form-encoded, by default a valid 暴露垃圾 report at the middle of cell a1."""

    def _post(fmt="json", *, headers=None, **fields):
        lat, lng = centre_of(place["a1"])
        data = {"api_key": key.secret, "service_code": "06010", "lat": lat, "long": lng,
                "description": "路边垃圾堆放", **fields}
        data = {k: v for k, v in data.items() if v is not None}
        return web.post(f"{V2}/requests.{fmt}", urlencode(data, doseq=True),
                        content_type="application/x-www-form-urlencoded; charset=utf-8", headers=headers or {})

    return _post
