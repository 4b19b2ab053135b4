"""Deployment settings for load: persistent database connections by default, checked before reuse, and a
health check a load balancer can probe over plain HTTP while every other path still redirects to HTTPS."""
import json

from tests.bureau.test_settings import LONG_KEY, _run, _settings_json


def test_database_connections_persist_and_are_checked_by_default():
    # when
    values = _settings_json("bureau.settings.production",
                            '{k: s.DATABASES["default"][k] for k in '
                            '("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS")}',
                            SECRET_KEY=LONG_KEY, ALLOWED_HOSTS="bureau.example.gov.cn",
                            DATABASE_URL="postgres://u:p@db.example:5432/bureau")

    # then
    assert values == {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True, "DISABLE_SERVER_SIDE_CURSORS": False}


def test_pgbouncer_transaction_mode_settings_come_from_the_environment():
    values = _settings_json("bureau.settings.production",
                            '[s.DATABASES["default"]["CONN_MAX_AGE"], s.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"]]',
                            SECRET_KEY=LONG_KEY, ALLOWED_HOSTS="bureau.example.gov.cn",
                            DATABASE_URL="postgres://u:p@pgbouncer.example:6432/bureau",
                            CONN_MAX_AGE="0", DISABLE_SERVER_SIDE_CURSORS="true")
    assert values == [0, True]


def test_embedded_sqlite_keeps_its_connection_too():
    values = _settings_json("bureau.settings.local",
                            '[s.DATABASES["default"]["ENGINE"], s.DATABASES["default"]["CONN_MAX_AGE"]]')
    assert values == ["django.db.backends.sqlite3", 60]


def test_production_answers_healthz_over_plain_http_and_redirects_everything_else(tmp_path):
    # given: production settings, a request as a load balancer sends it (no X-Forwarded-Proto)
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='bureau.example.gov.cn')\n"
        "out = {}\n"
        "for path in ('/healthz', '/api/v1/cases/', '/accounts/login/'):\n"
        "    r = c.get(path)\n"
        "    out[path] = [r.status_code, r.get('Location', '')]\n"
        "probe = Client(HTTP_HOST='127.0.0.1:8000', raise_request_exception=False)\n"  # a balancer probes each host by its address
        "out['by address'] = [probe.get('/healthz').status_code, probe.head('/healthz').status_code]\n"
        "r = c.get('/api/v1/cases/', HTTP_X_FORWARDED_PROTO='https')\n"
        "out['https'] = [r.status_code, r.get('Location', '')]\n"
        "print(json.dumps(out))\n"
    )

    # when
    result = _run(code, "bureau.settings.production", SECRET_KEY=LONG_KEY, ALLOWED_HOSTS="bureau.example.gov.cn",
                  DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    # then
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["/healthz"] == [200, ""]
    # the probe is answered before the host check (and sessions, CSRF, authentication, URL resolution)
    assert out["by address"] == [200, 200]
    assert out["/api/v1/cases/"] == [301, "https://bureau.example.gov.cn/api/v1/cases/"]
    assert out["/accounts/login/"] == [301, "https://bureau.example.gov.cn/accounts/login/"]
    # behind the proxy (HTTPS) the API answers as usual: 401 without credentials, no redirect
    assert out["https"][0] == 401

