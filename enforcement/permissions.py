"""Who may do what with cases, in one place (the API permission classes, pages and services ask here)."""
from rest_framework.permissions import BasePermission


def can_read_cases(user) -> bool:
    """Field staff (bureau, leaders, officers) read cases in their scope; the API client and auditor none."""
    return bool(user and user.is_authenticated and user.is_field_staff)


def can_report_cases(user) -> bool:
    return can_read_cases(user)


def can_read_categories(user) -> bool:
    return can_read_cases(user)


class CasePermission(BasePermission):
    """Field staff only; which case and which action is decided by `visible_to` and the workflow service."""

    def has_permission(self, request, view):
        return can_read_cases(request.user)


class CategoryPermission(BasePermission):
    def has_permission(self, request, view):
        return can_read_categories(request.user)
