"""Reads for Open311: keys (bureau staff only), attributes (public), and the public view of every case.

The public view is what anybody may read over Open311 about any case, whatever its channel: category,
point, address, description, times, status and the notes that answer the reporter. Never the reporter's
name, phone or e-mail, never who acted, never the bureau's internal notes.
"""
import hashlib

from django.db import models
from django.db.models import OuterRef, Subquery

from enforcement.choices import CaseAction, CaseStatus

# Notes that answer the reporter: why a report was refused or taken as a duplicate, what the unit did,
# how the bureau verified it. A return's, a rework's, an extension's or a suspension's reason is the
# bureau's business with its units and stays internal.
PUBLIC_NOTE_ACTIONS = (CaseAction.REJECT, CaseAction.MARK_DUPLICATE, CaseAction.HANDLE, CaseAction.CLOSE)
# A case is "closed" to Open311 once it needs nobody's work: closed, or refused.
CLOSED_STATUSES = (CaseStatus.CLOSED, CaseStatus.REJECTED)
# The columns a request is made of (a .values() row; see services.request_rows).
PUBLIC_FIELDS = (
    "number", "status", "description", "address", "lat", "lng", "reported_at", "updated_at", "handling_due_at",
    "category__code", "category__name", "category__handle_limit", "category__handle_unit", "street__name",
    "handling_department__name", "open311__media_url",
)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(str(secret).encode("utf-8")).hexdigest()


def _bureau(user) -> bool:
    return bool(user and user.is_authenticated and user.is_bureau_staff)


class ApiKeyQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Keys are the bureau's to issue and revoke; nobody else lists them.
        return self if _bureau(user) else self.none()

    def active(self):
        return self.filter(revoked_at__isnull=True)

    def by_secret(self, secret):
        """The active key whose secret this is (looked up by its hash, so no secret is ever compared)."""
        if not secret or len(str(secret)) > 200:
            return self.none()
        return self.active().filter(secret_hash=secret_hash(secret)).select_related("user")


class ServiceAttributeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self  # service definitions are public (GeoReport v2 needs no key to read them)

    def for_service(self, category):
        return self.filter(category=category).order_by("order")


class ServiceRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        # The e-mail and the attribute values are personal data: bureau staff only (never a public read).
        return self if _bureau(user) else self.none()

    def by_token(self, token):
        return self.filter(token=str(token or "")[:32]).select_related("case")


def public_cases():
    """Every case as a public request: one query, the last public note annotated (no per-row query)."""
    from enforcement.models import Case, CaseEvent

    last_public_note = (CaseEvent.objects.filter(case=OuterRef("pk"), action__in=PUBLIC_NOTE_ACTIONS)
                        .exclude(note="").order_by("-seq").values("note")[:1])
    return Case.objects.annotate(public_note=Subquery(last_public_note)).order_by("-reported_at", "-id")


def with_public_status(queryset, statuses):
    """Cases whose Open311 status is one of `statuses` ("open", "closed")."""
    wanted = set(statuses)
    if wanted >= {"open", "closed"}:
        return queryset
    if wanted == {"closed"}:
        return queryset.filter(status__in=CLOSED_STATUSES)
    if wanted == {"open"}:
        return queryset.exclude(status__in=CLOSED_STATUSES)
    return queryset.none()
