"""Audience permissions: for each class, which role may use which method (401 anonymous, 403 wrong role)."""
import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from bureau.accounts import permissions as p
from bureau.accounts.choices import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ROLES = ["admin", "auditor", "bureau", "leader", "officer", "api"]


def _user(role):
    from bureau.accounts.models import User

    existing = User.objects.filter(username=f"perm-{role}").first()
    if existing:
        return existing
    extra = {"is_superuser": True, "is_staff": True} if role == "admin" else {}
    return make_user(f"perm-{role}", Role(role), **extra)


def _view(permission):
    class View(APIView):
        permission_classes = [permission]

        def get(self, request):
            return Response({"ok": True})

        def post(self, request):
            return Response({"ok": True})

    return View.as_view()


def _status(permission, role, method):
    factory = APIRequestFactory()
    request = getattr(factory, method)("/x/", {}, format="json")
    if role is not None:
        force_authenticate(request, user=_user(role))
    return _view(permission)(request).status_code


# (permission, roles allowed to GET, roles allowed to POST)
MATRIX = [
    (p.IsBureauStaff, {"admin", "bureau"}, {"admin", "bureau"}),
    (p.IsStreetLeader, {"leader"}, {"leader"}),
    (p.IsGridOfficer, {"officer"}, {"officer"}),
    (p.IsFieldStaff, {"admin", "bureau", "leader", "officer"}, {"admin", "bureau", "leader", "officer"}),
    (p.IsBureauStaffOrStreetLeader, {"admin", "bureau", "leader"}, {"admin", "bureau", "leader"}),
    (p.IsFieldStaffReader, {"admin", "bureau", "leader", "officer"}, {"admin", "bureau"}),
    # the reports' reader: grid officers read rankings and bulletins too (the pages and the API agree)
    (p.IsApiClientOrFieldStaffReader, {"admin", "bureau", "leader", "officer", "api"}, set()),
    (p.IsAuditAdmin, {"auditor"}, set()),
]


@pytest.mark.parametrize(("permission", "readers", "writers"), MATRIX, ids=[m[0].__name__ for m in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_method_to_right(permission, readers, writers, role):
    # when
    get_status = _status(permission, role, "get")
    post_status = _status(permission, role, "post")

    # then
    assert get_status == (200 if role in readers else 403)
    assert post_status == (200 if role in writers else 403)


@pytest.mark.parametrize("permission", [m[0] for m in MATRIX], ids=[m[0].__name__ for m in MATRIX])
def test_anonymous_gets_401_with_www_authenticate(permission):
    # given
    request = APIRequestFactory().get("/x/")

    # when
    response = _view(permission)(request)

    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_inactive_user_is_refused_even_if_forced():
    # given
    user = _user("bureau")
    user.is_active = False
    user.save()
    request = APIRequestFactory().get("/x/")
    force_authenticate(request, user=user)

    # then
    assert _view(p.IsBureauStaff)(request).status_code == 403


def test_an_api_permission_denial_is_audited():
    # given
    from bureau.audit.models import AuditEntry

    user = _user("bureau")
    request = APIRequestFactory().post("/api/v1/some-endpoint/", {}, format="json", REMOTE_ADDR="10.0.0.9")
    force_authenticate(request, user=user)

    # when
    response = _view(p.IsAuditAdmin)(request)

    # then
    assert response.status_code == 403
    row = AuditEntry.objects.get(action="permission.denied", actor=user)
    assert row.outcome == AuditEntry.Outcome.DENIED
    assert row.detail["path"] == "/api/v1/some-endpoint/" and row.detail["method"] == "POST"
    assert row.client_ip == "10.0.0.9"


def test_a_401_is_not_a_permission_denial():
    from bureau.audit.models import AuditEntry

    _view(p.IsBureauStaff)(APIRequestFactory().get("/x/"))
    assert not AuditEntry.objects.filter(action="permission.denied").exists()
