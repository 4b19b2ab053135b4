"""Admin base classes every app shares: who may open a screen, and history shown read-only.

Reference data and registers are the bureau's to edit; nothing is deleted from the admin (rows are
PROTECTed by what points at them: deactivate, revoke or end instead); history (case events, report
revisions, assignments, published rows) is shown, never edited, here: it changes only through services.
"""
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect


def is_bureau_staff(request) -> bool:
    """Bureau staff, superusers included (User.is_bureau_staff covers them), active."""
    return bool(getattr(request.user, "is_bureau_staff", False))


class BureauStaffAdmin(admin.ModelAdmin):
    """A screen for bureau staff only, who may view, add and change; nobody deletes.

    Saves go through the app's services, whose rules may refuse what the form accepted: the refusal is
    shown on the same page (nothing saved, the transaction rolled back) instead of an error page.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def has_module_permission(self, request):
        return is_bureau_staff(request)

    def has_view_permission(self, request, obj=None):
        return is_bureau_staff(request)

    def has_add_permission(self, request):
        return is_bureau_staff(request)

    def has_change_permission(self, request, obj=None):
        return is_bureau_staff(request)

    def has_delete_permission(self, request, obj=None):
        return False


class BureauStaffReadOnlyAdmin(BureauStaffAdmin):
    """A screen bureau staff may only read."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """A screen nobody edits here (who may read it follows Django's view permission)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows of a history shown under their parent: no row added, changed or removed here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
