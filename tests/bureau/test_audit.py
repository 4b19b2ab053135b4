"""The audit log: what is recorded, that nothing updates or deletes it (ORM and, on PostgreSQL, raw SQL),
the retention job, and that only the audit administrator reads and exports it (MLPS 2.0)."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from bureau.audit.models import AuditEntry, AuditLogIsAppendOnly
from bureau.audit.services import audit_purge_expired, audit_record
from bureau.audit.tasks import purge_expired
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _entry(**kw):
    return audit_record(actor=None, action=kw.pop("action", "test.event"), username=kw.pop("username", "x"), **kw)


def test_failed_login_leaves_an_audit_row(bureau_user):
    # given
    client = Client()

    # when
    response = client.post("/accounts/login/", {"username": "t-bureau", "password": "wrong-password"},
                           REMOTE_ADDR="10.1.2.3")

    # then
    assert response.status_code == 200
    row = AuditEntry.objects.get(action="auth.login_failed")
    assert row.outcome == AuditEntry.Outcome.FAILURE
    assert row.actor_username == "t-bureau"
    assert row.client_ip == "10.1.2.3"


def test_successful_login_and_logout_are_audited(bureau_user):
    # given
    client = Client()

    # when
    client.post("/accounts/login/", {"username": "t-bureau", "password": "pw-t-bureau"})
    client.post("/accounts/logout/")

    # then
    actions = list(AuditEntry.objects.filter(actor=bureau_user).values_list("action", flat=True))
    assert sorted(actions) == ["auth.login", "auth.logout"]


def test_failed_api_token_request_is_audited(bureau_user, anon_client):
    # when
    response = anon_client.post("/api/v1/auth/token/", {"username": "t-bureau", "password": "nope"}, format="json")

    # then
    assert response.status_code == 400
    assert AuditEntry.objects.filter(action="auth.login_failed", actor_username="t-bureau").exists()


def test_orm_refuses_update_and_delete():
    # given
    entry = _entry()

    # then
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    entry.action = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"


def _insert_raw(at):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry (at, actor_username, action, object_type, object_id, object_repr,"
            " outcome, detail) VALUES (%s, 'old', 'test.old', '', '', '', 'success', '{}') RETURNING id",
            [at],
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_postgres_refuses_raw_update_of_any_row():
    # given
    entry = _entry()

    # when / then
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'tampered' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"


@pytest.mark.postgres
def test_postgres_refuses_raw_update_of_an_old_row_too():
    # given
    old_id = _insert_raw(timezone.now() - timedelta(days=400))

    # when / then
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'tampered' WHERE id = %s", [old_id])


@pytest.mark.postgres
def test_postgres_refuses_raw_delete_of_a_recent_row():
    # given
    entry = _entry()

    # when / then
    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
def test_postgres_refuses_queryset_update_bypassing_the_manager():
    # given: the plain QuerySet, as code that sidesteps AuditQuerySet would use it
    from django.db.models import QuerySet

    entry = _entry()

    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        QuerySet(AuditEntry).filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        QuerySet(AuditEntry).filter(pk=entry.pk).delete()


def test_orm_refuses_bulk_update_too():
    # given
    entry = _entry()
    entry.action = "tampered"

    # then
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"


@pytest.mark.postgres
def test_postgres_refuses_truncate_of_the_audit_log():
    # given: a row, and a session that does not allow TRUNCATE (the product's sessions never do)
    entry = _entry()

    # when / then
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL bureau.allow_truncate = off")
        cursor.execute("TRUNCATE audit_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
def test_retention_job_removes_only_rows_older_than_the_period():
    # given: one row just past the period, one just inside it, one recent
    days = settings.AUDIT_RETENTION_DAYS
    expired_id = _insert_raw(timezone.now() - timedelta(days=days, hours=1))
    kept_id = _insert_raw(timezone.now() - timedelta(days=days - 1))
    recent = _entry()

    # when
    deleted = purge_expired.delay().get()

    # then
    assert deleted == 1
    assert not AuditEntry.objects.filter(pk=expired_id).exists()
    assert AuditEntry.objects.filter(pk__in=[kept_id, recent.pk]).count() == 2


def test_retention_service_removes_only_expired_rows_on_any_database():
    # given: rows written with the clock set back, one past the period and one inside it
    from bureau import clock

    days = settings.AUDIT_RETENTION_DAYS
    now = timezone.now()
    with clock.frozen(now - timedelta(days=days, hours=2)):
        expired = _entry()
    with clock.frozen(now - timedelta(days=days - 1)):
        kept = _entry()
    recent = _entry()

    # when
    deleted = audit_purge_expired()

    # then
    assert deleted == 1
    assert not AuditEntry.objects.filter(pk=expired.pk).exists()
    assert AuditEntry.objects.filter(pk__in=[kept.pk, recent.pk]).count() == 2


def test_retention_period_defaults_to_184_days():
    assert settings.AUDIT_RETENTION_DAYS == 184
    assert "audit.purge_expired" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}


# --- who reads it --------------------------------------------------------------------------------------


@pytest.fixture
def auditor_web(auditor_user):
    client = Client()
    client.force_login(auditor_user)
    return client


def _web(user):
    client = Client()
    client.force_login(user)
    return client


def test_auditor_page_lists_and_filters(auditor_web):
    # given
    _entry(action="case.dispatch", username="alice")
    _entry(action="auth.login_failed", username="bob", outcome=AuditEntry.Outcome.FAILURE)

    # when
    everything = auditor_web.get("/platform/audit/")
    failures = auditor_web.get("/platform/audit/", {"outcome": "failure"})
    alice = auditor_web.get("/platform/audit/", {"actor": "ALICE"})
    cases = auditor_web.get("/platform/audit/", {"action": "case."})
    bad_ip = auditor_web.get("/platform/audit/", {"client_ip": "not-an-ip"})

    # then
    assert everything.status_code == 200
    assert {e.actor_username for e in everything.context["page"]} >= {"alice", "bob"}
    assert [e.actor_username for e in failures.context["page"]] == ["bob"]
    assert [e.actor_username for e in alice.context["page"]] == ["alice"]
    assert [e.action for e in cases.context["page"]] == ["case.dispatch"]
    assert bad_ip.status_code == 200 and len(bad_ip.context["page"]) == 0


def test_auditor_page_date_filters(auditor_web):
    # given
    entry = _entry(username="dated")
    day = timezone.localdate(entry.at)

    # when
    same_day = auditor_web.get("/platform/audit/", {"since": day.isoformat(), "until": day.isoformat(),
                                                    "actor": "dated"})
    later = auditor_web.get("/platform/audit/", {"since": (day + timedelta(days=1)).isoformat(), "actor": "dated"})
    earlier = auditor_web.get("/platform/audit/", {"until": (day - timedelta(days=1)).isoformat(), "actor": "dated"})

    # then
    assert len(same_day.context["page"]) == 1
    assert len(later.context["page"]) == 0
    assert len(earlier.context["page"]) == 0


def test_auditor_page_paginates(auditor_web):
    # given
    for i in range(55):
        _entry(username=f"u{i}")

    # when
    first = auditor_web.get("/platform/audit/", {"action": "test."})
    second = auditor_web.get("/platform/audit/", {"action": "test.", "page": 2})

    # then
    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 5


def test_auditor_exports_csv_and_the_export_is_audited(auditor_web):
    # given
    _entry(action="case.close", username="张三")

    # when
    response = auditor_web.get("/platform/audit/", {"format": "csv", "action": "case."})

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("at,actor_username,action,outcome")
    assert len(lines) == 2 and "张三" in lines[1] and "case.close" in lines[1]
    assert AuditEntry.objects.filter(action="audit.export", actor_username="t-auditor").exists()


@pytest.mark.parametrize("role_fixture", ["bureau_user", "admin_user", "api_user"])
def test_everyone_but_the_auditor_gets_403_and_the_denial_is_audited(request, role_fixture):
    # given
    user = request.getfixturevalue(role_fixture)
    client = _web(user)

    # when
    page = client.get("/platform/audit/")
    export = client.get("/platform/audit/", {"format": "csv"})

    # then
    assert page.status_code == 403
    assert export.status_code == 403
    denied = AuditEntry.objects.filter(action="permission.denied", actor=user)
    assert denied.count() == 2
    assert denied.first().detail["path"] == "/platform/audit/"


def test_anonymous_is_sent_to_login():
    response = Client().get("/platform/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_visible_to_only_the_audit_admin(auditor_user, bureau_user, admin_user):
    _entry()
    assert AuditEntry.objects.visible_to(auditor_user).count() >= 1
    assert AuditEntry.objects.visible_to(bureau_user).count() == 0
    assert AuditEntry.objects.visible_to(admin_user).count() == 0


def test_admin_shows_the_auditor_only_the_audit_log_read_only(auditor_web):
    # given
    entry = _entry()

    # when
    index = auditor_web.get("/admin/")
    changelist = auditor_web.get("/admin/audit/auditentry/")
    detail = auditor_web.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    add = auditor_web.get("/admin/audit/auditentry/add/")
    delete = auditor_web.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    users = auditor_web.get("/admin/accounts/user/")

    # then
    assert index.status_code == 200
    apps = index.context["app_list"]
    assert [(a["app_label"], [m["object_name"] for m in a["models"]]) for a in apps] == [("audit", ["AuditEntry"])]
    assert changelist.status_code == 200
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    assert add.status_code == 403
    assert delete.status_code == 403
    assert users.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_admin_does_not_show_the_system_administrator_the_audit_log(admin_user):
    # given
    client = _web(admin_user)

    # when
    index = client.get("/admin/")
    changelist = client.get("/admin/audit/auditentry/")

    # then
    assert "audit" not in [a["app_label"] for a in index.context["app_list"]]
    assert changelist.status_code == 403


def test_page_permission_denials_are_audited_with_the_client_address(bureau_user):
    # given
    client = _web(bureau_user)

    # when
    response = client.get("/admin/", REMOTE_ADDR="10.9.8.7")
    denied = client.get("/platform/audit/", REMOTE_ADDR="10.9.8.7")

    # then
    assert response.status_code == 302  # a non-staff user is sent to the admin login, not denied
    assert denied.status_code == 403
    assert b"\xe6\x97\xa0\xe6\x9d\x83" in denied.content  # 无权
    row = AuditEntry.objects.get(action="permission.denied", actor=bureau_user)
    assert row.client_ip == "10.9.8.7"


def test_auditor_user_made_like_the_demo_can_use_the_page():
    # given: the demo's auditor is staff (for the admin) with the auditor role and nothing else
    from bureau.accounts.choices import Role

    auditor = make_user("demo-auditor", Role.AUDITOR, is_staff=True)

    # then
    assert auditor.has_perm("audit.view_auditentry")
    assert not auditor.has_perm("accounts.view_user")
    assert _web(auditor).get("/platform/audit/").status_code == 200


def test_a_csrf_failure_is_a_403_and_audited(bureau_user):
    # given
    client = Client(enforce_csrf_checks=True)
    client.force_login(bureau_user)

    # when
    response = client.post("/accounts/password/", {"old_password": "x"})

    # then
    assert response.status_code == 403
    row = AuditEntry.objects.get(action="permission.denied", actor=bureau_user)
    assert row.detail["reason"].startswith("CSRF")
