"""The headers an assessor checks: a Content Security Policy on every response that allows scripts from this site
only (so no template may hold an inline script or event handler), frames refused, a referrer policy, a
permissions policy, and HSTS in production."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.bureau.test_settings import LONG_KEY, _settings_json

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("bureau/*/templates")]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\s(on[a-z]+)\s*=", re.I)
JS_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def _templates():
    for folder in TEMPLATE_DIRS:
        yield from sorted(folder.rglob("*.html"))


def test_there_are_templates_to_check():
    assert len(list(_templates())) > 20


@pytest.mark.parametrize("path", list(_templates()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_an_inline_script_or_handler(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "an inline <script>: move it into a file under static/"
    assert not INLINE_HANDLER.search(text), "an inline event handler: bind it from a static script"
    assert not JS_URL.search(text), "a javascript: URL"


def _policy(response):
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/api/v1/streets/", "/healthz", "/api/docs/"])
def test_every_response_carries_the_policy_and_the_headers(url):
    response = Client().get(url)
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=(self)" in response["Permissions-Policy"] and "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_a_logged_in_page_carries_the_policy(bureau_user):
    client = Client()
    client.force_login(bureau_user)
    response = client.get("/")
    assert response.status_code == 200
    assert _policy(response)["script-src"] == ["'self'"]
    assert 'src="/static/js/page.js"' in response.content.decode()


def test_the_map_tile_server_is_allowed_for_images():
    policy = _settings_json("bureau.settings.test", "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']",
                            MAP_TILE_URL="https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png")
    assert "https://*.tiles.example.gov.cn" in policy


def test_production_sends_hsts():
    seconds = _settings_json("bureau.settings.production", "[s.SECURE_HSTS_SECONDS, s.X_FRAME_OPTIONS]",
                             SECRET_KEY=LONG_KEY, ALLOWED_HOSTS="bureau.example.gov.cn")
    assert seconds[0] >= 31536000 and seconds[1] == "DENY"
