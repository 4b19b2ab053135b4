"""Who may read street commerce: field staff (bureau, street leaders, grid officers), each in their scope
(querysets.visible_to). The API client and the auditor may not (403)."""
from rest_framework.permissions import BasePermission


def can_read_markets(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_field_staff or user.is_superuser))


class MarketsReadPermission(BasePermission):
    def has_permission(self, request, view):
        return can_read_markets(request.user)
