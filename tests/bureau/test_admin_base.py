"""The shared admin bases (bureau/admin_base.py): bureau-only screens and read-only history inlines."""
import pytest
from django.contrib import admin
from django.test import RequestFactory

from bureau.accounts.choices import Role
from bureau.admin_base import BureauStaffAdmin, BureauStaffReadOnlyAdmin, ReadOnlyInline
from enforcement.models import Case, Category
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize(("role", "superuser", "allowed"), [
    (Role.BUREAU, False, True), (Role.ADMIN, True, True), (Role.LEADER, False, False),
    (Role.OFFICER, False, False), (Role.AUDITOR, False, False), (Role.API, False, False),
])
def test_bureau_staff_screens_open_to_bureau_staff_and_superusers_only(role, superuser, allowed):
    # given
    user = make_user(f"u-{role}-{superuser}", role, is_superuser=superuser, is_staff=True)
    request = _request(user)
    editable, read_only = admin.site._registry[Category], admin.site._registry[Case]

    # then
    assert isinstance(editable, BureauStaffAdmin) and isinstance(read_only, BureauStaffReadOnlyAdmin)
    assert editable.has_module_permission(request) is allowed
    assert editable.has_view_permission(request) is allowed
    assert editable.has_add_permission(request) is allowed
    assert editable.has_change_permission(request) is allowed
    assert editable.has_delete_permission(request) is False
    assert read_only.has_view_permission(request) is allowed
    assert (read_only.has_add_permission(request), read_only.has_change_permission(request),
            read_only.has_delete_permission(request)) == (False, False, False)


def test_an_inactive_bureau_user_gets_nothing():
    user = make_user("gone", Role.BUREAU, is_active=False)
    assert admin.site._registry[Category].has_module_permission(_request(user)) is False


def test_every_inline_in_the_admin_is_read_only(admin_user):
    # given: every inline of every registered screen
    request = _request(admin_user)
    inlines = [inline for model_admin in admin.site._registry.values() for inline in model_admin.inlines]

    # then: the history shown under a row is never added to, changed or removed from here
    assert inlines
    for inline_class in inlines:
        assert issubclass(inline_class, ReadOnlyInline), inline_class
        inline = inline_class(inline_class.model, admin.site)
        assert not inline.has_add_permission(request, None), inline_class
        assert not inline.has_change_permission(request, None), inline_class
        assert not inline.has_delete_permission(request, None), inline_class
