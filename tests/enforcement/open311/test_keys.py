"""API keys: issued, listed and revoked by bureau staff (page and admin), stored hashed, audited; the demo
key; the integrators' guide; Open311 kept out of the project's OpenAPI schema."""
import io

import pytest
from django.core.management import call_command
from django.test import Client

from bureau.audit.models import AuditEntry
from enforcement.open311.models import ApiKey
from enforcement.open311.services import api_key_for_secret, api_key_issue

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_bureau_staff_issue_a_key_shown_once_and_stored_hashed(bureau_user):
    # when
    response = _client(bureau_user).post("/open311/keys/", {"name": "城市 App", "rate_limit": 30})
    # then
    assert response.status_code == 200
    key = ApiKey.objects.get()
    secret = response.context["issued"]["secret"]
    assert secret in response.content.decode()
    assert secret not in key.secret_hash and key.secret_hash != secret
    assert (key.name, key.rate_limit, key.created_by) == ("城市 App", 30, bureau_user)
    assert key.user.role == "api" and not key.user.has_usable_password()
    assert api_key_for_secret(secret) == key
    assert AuditEntry.objects.filter(action="open311.key_issue", actor=bureau_user).exists()
    # and the list never shows the secret again
    listing = _client(bureau_user).get("/open311/keys/").content.decode()
    assert "城市 App" in listing and secret not in listing


def test_bureau_staff_revoke_a_key_and_it_stops_working(bureau_user):
    key, secret = api_key_issue(acting_user=bureau_user, name="热线")
    response = _client(bureau_user).post(f"/open311/keys/{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == bureau_user
    assert not key.user.is_active
    assert api_key_for_secret(secret) is None
    assert AuditEntry.objects.filter(action="open311.key_revoke").exists()


@pytest.mark.parametrize("who", ["leader_a", "officer_a1"])
def test_other_roles_may_not_see_or_issue_keys(place, who):
    client = _client(place[who])
    assert client.get("/open311/keys/").status_code == 403
    assert client.post("/open311/keys/", {"name": "x", "rate_limit": 1}).status_code == 403
    assert not ApiKey.objects.exists()


def test_anonymous_is_sent_to_login_and_the_guide_is_public(db):
    assert Client().get("/open311/keys/").status_code == 302
    guide = Client().get("/open311/")
    assert guide.status_code == 200
    assert "api_key" in guide.content.decode()


def test_admin_lists_and_revokes_keys(admin_user):
    key, _secret = api_key_issue(acting_user=admin_user, name="热线")
    client = _client(admin_user)
    assert client.get("/admin/open311/apikey/").status_code == 200
    assert client.get("/admin/open311/apikey/add/").status_code == 302  # issued on the page, which shows the secret
    response = client.post("/admin/open311/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.get("/admin/open311/serviceattribute/").status_code == 200
    assert client.get("/admin/open311/servicerequest/").status_code == 200


def test_the_demo_makes_the_demo_key_once(settings):
    settings.DEMO_OPEN311_KEY = "demo-key-for-test"
    out = io.StringIO()
    from enforcement.open311 import demo

    demo.seed(stdout=out)
    demo.seed(stdout=out)
    assert ApiKey.objects.count() == 1
    assert api_key_for_secret("demo-key-for-test") is not None
    assert "demo-key-for-test" in out.getvalue()


def test_seed_demo_prints_the_default_demo_key(db):
    out = io.StringIO()
    call_command("seed_demo", quick=True, stdout=out)
    assert "bureau-demo-open311" in out.getvalue()
    assert api_key_for_secret("bureau-demo-open311") is not None


def test_open311_stays_out_of_the_openapi_schema(bureau_client):
    schema = bureau_client.get("/api/schema/", {"format": "json"}).json()
    assert schema["paths"] and not [p for p in schema["paths"] if p.startswith("/open311")]
