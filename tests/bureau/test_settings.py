"""Settings from the environment: production refuses to start without SECRET_KEY and passes the deploy
check; Celery is JSON-only with late acks and time limits; `make run`'s embedded deployment uses the
filesystem broker unless Redis is configured, and its beat schedule holds the periodic jobs."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SERVICE_VARS = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS",
                "DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_ALLOW_ASYNC_UNSAFE",
                "FIELD_ENCRYPTION_KEY", "PII_HASH_KEY")
# Production's personal-data keys, given to every production run unless a test passes its own (None: unset).
PII_KEYS = {"FIELD_ENCRYPTION_KEY": "field-encryption-test-key-0123456789abcdef",
            "PII_HASH_KEY": "pii-hash-test-key-0123456789abcdefghijklmn"}


def _run(code_or_args, settings_module, **env_extra):
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    if settings_module == "bureau.settings.production":
        env_extra = {**PII_KEYS, **env_extra}
    env.update({k: v for k, v in env_extra.items() if v is not None})
    args = code_or_args if isinstance(code_or_args, list) else [sys.executable, "-c", code_or_args]
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def _settings_json(settings_module, expr, **env_extra):
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            f"print(json.dumps({expr}, default=str))")
    result = _run(code, settings_module, **env_extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


LONG_KEY = "k" * 20 + "-production-test-secret-key-0123456789abcdefghijkl"


def test_production_without_secret_key_fails_with_a_message_naming_it():
    # when
    result = _run("import django; django.setup()", "bureau.settings.production", ALLOWED_HOSTS="bureau.example.gov.cn")

    # then
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _run("import django; django.setup()", "bureau.settings.production", SECRET_KEY="short",
                  ALLOWED_HOSTS="bureau.example.gov.cn")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_passes_check_deploy_at_warning_level():
    # when
    result = _run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  "bureau.settings.production", SECRET_KEY=LONG_KEY, ALLOWED_HOSTS="bureau.example.gov.cn")

    # then
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_read_the_environment():
    # when
    values = _settings_json(
        "bureau.settings.production",
        '{"db": s.DATABASES["default"]["ENGINE"], "name": s.DATABASES["default"]["NAME"], '
        '"hosts": s.ALLOWED_HOSTS, "cache": s.CACHES["default"]["BACKEND"], "broker": s.CELERY_BROKER_URL, '
        '"debug": s.DEBUG, "lang": s.LANGUAGE_CODE, "tz": s.TIME_ZONE, "use_tz": s.USE_TZ, '
        '"languages": [c for c, _ in s.LANGUAGES]}',
        SECRET_KEY=LONG_KEY, ALLOWED_HOSTS="a.example,b.example",
        DATABASE_URL="postgres://u:p@db.example:5432/bureau", REDIS_URL="redis://cache.example:6379/2",
        CELERY_BROKER_URL="redis://broker.example:6379/3",
    )

    # then
    assert values == {
        "db": "django.db.backends.postgresql", "name": "bureau", "hosts": ["a.example", "b.example"],
        "cache": "bureau.cache.RedisCache", "broker": "redis://broker.example:6379/3",
        "debug": False, "lang": "zh-hans", "tz": "Asia/Shanghai", "use_tz": True, "languages": ["zh-hans", "en"],
    }


def test_embedded_deployment_uses_sqlite_and_the_filesystem_broker_without_services():
    # when
    values = _settings_json("bureau.settings.local",
                            '{"db": s.DATABASES["default"]["ENGINE"], "broker": s.CELERY_BROKER_URL, '
                            '"opts": s.CELERY_BROKER_TRANSPORT_OPTIONS}')

    # then
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["broker"] == "filesystem://"
    assert values["opts"]["data_folder_in"] == values["opts"]["data_folder_out"]
    assert values["opts"]["data_folder_in"].endswith("var/broker")


def test_redis_url_alone_makes_redis_the_broker():
    broker = _settings_json("bureau.settings.local", "s.CELERY_BROKER_URL", REDIS_URL="redis://127.0.0.1:6379/9")
    assert broker == "redis://127.0.0.1:6379/9"


def test_celery_is_json_only_with_late_acks_and_time_limits():
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_RESULT_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert 0 < settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_TIME_LIMIT < settings.CELERY_BROKER_VISIBILITY_TIMEOUT


def _project_tasks():
    from bureau.celery import app

    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_has_an_explicit_name_and_time_limits():
    tasks = _project_tasks()
    assert "jobs.ping" in tasks and "audit.purge_expired" in tasks
    for name, task in tasks.items():
        soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
        hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        assert soft and hard and soft <= hard, name
        assert hard < settings.CELERY_BROKER_VISIBILITY_TIMEOUT, name
        assert "." in name, f"{name}: tasks are named <app>.<verb>"


def test_beat_schedule_holds_the_periodic_jobs_and_they_exist():
    # given
    tasks = _project_tasks()
    schedule = settings.CELERY_BEAT_SCHEDULE

    # then
    names = {entry["task"] for entry in schedule.values()}
    assert {"audit.purge_expired", "workcalendar.check_coverage"} <= names
    missing = names - set(tasks)
    assert not missing, f"scheduled but not registered: {missing}"


def test_no_countdown_or_retry_delay_longer_than_the_visibility_timeout():
    # Redis redelivers a job not acknowledged within the visibility timeout: a longer ETA would run twice.
    limit = settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    pattern = re.compile(r"\b(countdown|retry_backoff_max|default_retry_delay|max_retry_delay)\b\W{1,4}(\d+)")
    offenders = []
    for app_dir in ("bureau", "grids", "enforcement", "markets", "inspections"):
        for path in (ROOT / app_dir).rglob("*.py"):
            for match in pattern.finditer(path.read_text(encoding="utf-8")):
                if int(match.group(2)) >= limit:
                    offenders.append(f"{path}: {match.group(0)}")
    assert not offenders, offenders


@pytest.mark.parametrize("module", ["bureau.settings.local", "bureau.settings.test"])
def test_other_settings_start_without_a_secret_key(module):
    result = _run("import django; django.setup()", module)
    assert result.returncode == 0, result.stderr
