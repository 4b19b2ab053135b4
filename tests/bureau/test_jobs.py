"""The job log page (/platform/jobs/): bureau staff see what ran and what failed; other roles get 403."""
import pytest
from django.test import Client
from django.utils import timezone

from bureau.accounts.choices import Role
from bureau.jobs.models import JobRun
from bureau.navigation import navigation_for
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _web(user):
    client = Client()
    client.force_login(user)
    return client


def _run(name, status):
    return JobRun.objects.create(task_id=f"id-{name}", task_name=name, status=status, started_at=timezone.now())


def test_bureau_staff_see_the_job_log_and_filter_it(bureau_user):
    # given
    _run("audit.purge_expired", JobRun.Status.SUCCEEDED)
    _run("inspections.compile_week", JobRun.Status.FAILED)

    # when
    everything = _web(bureau_user).get("/platform/jobs/")
    failed = _web(bureau_user).get("/platform/jobs/", {"status": "failed"})
    nonsense = _web(bureau_user).get("/platform/jobs/", {"status": "nonsense", "page": "x"})

    # then
    assert everything.status_code == 200
    assert {r.task_name for r in everything.context["page"]} == {"audit.purge_expired", "inspections.compile_week"}
    assert [r.task_name for r in failed.context["page"]] == ["inspections.compile_week"]
    assert nonsense.status_code == 200 and len(nonsense.context["page"]) == 2


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER, Role.API, Role.AUDITOR])
def test_other_roles_get_403(role):
    user = make_user(f"j-{role}", role)
    assert _web(user).get("/platform/jobs/").status_code == 403


def test_anonymous_is_sent_to_login():
    response = Client().get("/platform/jobs/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_job_log_is_in_the_navigation_of_bureau_staff_only(bureau_user, admin_user):
    # given
    leader = make_user("j-leader", Role.LEADER)

    # then
    def keys(user):
        return [i["key"] for i in navigation_for(user)]

    assert "jobs" in keys(bureau_user) and "jobs" in keys(admin_user)
    assert "jobs" not in keys(leader)
    entry = next(i for i in navigation_for(bureau_user) if i["key"] == "jobs")
    assert entry["url"] == "/platform/jobs/"
    assert keys(bureau_user)[0] == "dashboard"


def test_navigation_shows_the_audit_log_only_to_the_auditor(auditor_user, admin_user, bureau_user):
    def keys(user):
        return [i["key"] for i in navigation_for(user)]

    assert keys(auditor_user) == ["dashboard", "audit", "admin"]
    assert "audit" not in keys(admin_user) and "admin" in keys(admin_user)
    assert "audit" not in keys(bureau_user) and "admin" not in keys(bureau_user)


def test_dashboard_renders_for_every_role():
    for role in Role:
        user = make_user(f"d-{role}", role, is_staff=role == Role.AUDITOR)
        response = _web(user).get("/")
        assert response.status_code == 200, role
        assert "工作台" in response.content.decode()


@pytest.mark.parametrize("role", [Role.ADMIN])
def test_a_superuser_of_any_role_is_bureau_staff_for_the_platform_pages(role):
    # given: superusers are covered once, by User.is_bureau_staff (a superuser's only role is the system
    # administrator: the database refuses any other)
    from django.test import RequestFactory

    from bureau.context_processors import platform

    user = make_user(f"j-super-{role}", role, is_superuser=True, is_staff=True)
    _run("audit.purge_expired", JobRun.Status.SUCCEEDED)
    request = RequestFactory().get("/")
    request.user = user

    # when
    page = _web(user).get("/platform/jobs/")

    # then
    assert page.status_code == 200 and len(page.context["page"]) == 1
    assert JobRun.objects.visible_to(user).count() == 1
    assert "jobs" in [i["key"] for i in navigation_for(user)]
    assert "calendar_missing_years" in platform(request)


def test_an_inactive_superuser_is_not_bureau_staff():
    # given
    user = make_user("j-super-gone", Role.ADMIN, is_superuser=True, is_active=False)
    _run("audit.purge_expired", JobRun.Status.SUCCEEDED)

    # then
    assert not user.is_bureau_staff and not user.is_field_staff
    assert JobRun.objects.visible_to(user).count() == 0
