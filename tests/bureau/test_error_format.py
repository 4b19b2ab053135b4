"""Error bodies: `{"detail": "..."}` as a string, in Chinese by default, English on request."""
import pytest

pytestmark = pytest.mark.django_db


def test_malformed_json_is_a_400_in_chinese_by_default(bureau_client):
    response = bureau_client.post("/api/v1/cases/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON。"}


def test_malformed_json_in_english_on_request(bureau_client):
    response = bureau_client.post("/api/v1/cases/", data="{not json", content_type="application/json",
                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str) and "JSON" in response.json()["detail"]
    assert "请求" not in response.json()["detail"]


def test_a_bad_idempotency_key_gets_a_string_detail(bureau_client):
    response = bureau_client.post("/api/v1/patrol-reports/", data={}, format="json",
                                  HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


def test_pages_are_chinese_even_when_the_browser_asks_for_english(client, bureau_user):
    # given a browser whose own language is English, and no choice made in the product
    client.force_login(bureau_user)
    # then the page is in the bureau's language
    assert "工作台" in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    # and choosing English with the switch turns it English
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "工作台" not in client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


def test_admin_pages_declare_a_favicon(client, admin_user):
    client.force_login(admin_user)
    assert 'rel="icon"' in client.get("/admin/").content.decode()
