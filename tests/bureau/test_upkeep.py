"""Lesser gaps: the audit retention floor, the client address behind a proxy, the job log and sessions purged on a
schedule, seed_demo kept out of production, and the case forms' free text bounded."""
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.utils import timezone

from bureau import clock
from bureau.audit.context import client_ip
from bureau.audit.models import AuditEntry
from bureau.audit.services import audit_purge_expired, audit_record
from bureau.jobs.models import JobRun
from bureau.jobs.tasks import clear_expired_sessions
from bureau.jobs.tasks import purge_expired as purge_job_log
from tests.bureau.test_settings import LONG_KEY, PII_KEYS

pytestmark = pytest.mark.django_db


# --- audit retention -----------------------------------------------------------------------------------


def test_the_audit_purge_keeps_six_months_whatever_the_setting(settings):
    # given: a retention set too short, and a row 100 days old and one 200 days old
    settings.AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    with clock.frozen(now - timedelta(days=100)):
        young = audit_record(actor=None, action="test.young", username="x")
    with clock.frozen(now - timedelta(days=200)):
        old = audit_record(actor=None, action="test.old", username="x")

    # when
    deleted = audit_purge_expired()

    # then: only the row past 184 days left
    assert deleted == 1
    assert AuditEntry.objects.filter(pk=young.pk).exists()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


# --- client address ------------------------------------------------------------------------------------


def _request(xff=None, remote="10.0.0.1"):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.9")) == "10.0.0.1"


def test_behind_one_trusted_proxy_the_address_it_saw_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # the client sent a forged entry; the proxy appended what it saw
    assert client_ip(_request("198.51.100.1, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request()) == "10.0.0.1"  # nothing forwarded
    assert client_ip(_request("not-an-address")) == "10.0.0.1"


def test_behind_two_trusted_proxies_it_is_two_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("198.51.100.1, 203.0.113.9, 10.1.1.1")) == "203.0.113.9"
    assert client_ip(_request("203.0.113.9")) == "10.0.0.1"  # fewer entries than proxies: not believed


def test_a_failed_login_behind_the_proxy_is_audited_with_the_clients_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").post(
        "/accounts/login/", {"username": "nobody", "password": "wrong-password"})
    assert AuditEntry.objects.get(action="auth.login_failed").client_ip == "203.0.113.9"


# --- job log and sessions ------------------------------------------------------------------------------


def _run(days_ago, status=JobRun.Status.SUCCEEDED):
    return JobRun.objects.create(task_id=f"t-{days_ago}-{status}", task_name="x", status=status,
                                 started_at=timezone.now() - timedelta(days=days_ago))


def test_the_job_log_forgets_finished_runs_after_the_retention_period():
    # given
    old, old_failed, recent = _run(settings.JOB_LOG_RETENTION_DAYS + 1), _run(400, JobRun.Status.FAILED), _run(1)
    stuck = _run(400, JobRun.Status.STARTED)

    # when
    purge_job_log.delay().get()

    # then
    remaining = set(JobRun.objects.values_list("pk", flat=True))
    assert recent.pk in remaining and stuck.pk in remaining
    assert old.pk not in remaining and old_failed.pk not in remaining


def test_expired_sessions_are_cleared():
    # given
    live, dead = SessionStore(), SessionStore()
    live.create()
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(expire_date=timezone.now() - timedelta(days=1))

    # when
    clear_expired_sessions.delay().get()

    # then
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_the_purges_are_scheduled():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"jobs.purge_expired", "sessions.clear_expired", "audit.purge_expired"} <= tasks


# --- seed_demo -----------------------------------------------------------------------------------------


def _seed_demo_under_production(*args):
    env = {"DJANGO_SETTINGS_MODULE": "bureau.settings.production", "SECRET_KEY": LONG_KEY, **PII_KEYS,
           "ALLOWED_HOSTS": "bureau.example.gov.cn", "DATABASE_URL": "sqlite:///:memory:", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "manage.py", "seed_demo", *args], capture_output=True, text=True,
                          env=env, cwd=settings.BASE_DIR, timeout=120)


def test_seed_demo_refuses_to_run_under_production_settings():
    result = _seed_demo_under_production("--quick")
    assert result.returncode != 0
    assert "production" in result.stderr and "--force-demo" in result.stderr


def test_demo_accounts_made_under_production_settings_have_no_usable_password(settings):
    # given: production settings (no demo password)
    from bureau.accounts.models import User
    from bureau.demo import ensure_user

    settings.DEMO_PASSWORD = None

    # when
    admin, _created = ensure_user("admin", "admin", superuser=True)

    # then
    assert not admin.has_usable_password()
    assert not User.objects.get(username="admin").check_password("bureau-demo-2026")


# --- free text in the case forms -----------------------------------------------------------------------


def test_case_form_text_is_bounded():
    from enforcement.forms import CaseIntakeForm, TransitionForm

    assert CaseIntakeForm().fields["description"].max_length == 4000
    assert TransitionForm().fields["note"].max_length == 4000


def test_a_huge_note_on_the_case_page_is_refused_not_stored(bureau_user):
    from enforcement.forms import TransitionForm

    form = TransitionForm(data={"action": "reject", "note": "长" * 12_000})
    assert not form.is_valid() and "note" in form.errors
