"""Writes to the audit log. Every service that writes calls `audit_record` inside its transaction."""
from datetime import timedelta

from django.conf import settings

from bureau import clock

from .context import client_ip, current_request
from .models import AuditEntry


def audit_record(*, actor, action: str, obj=None, outcome: str = AuditEntry.Outcome.SUCCESS, detail=None,
                 request=None, username: str = "") -> AuditEntry:
    request = request if request is not None else current_request.get()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        at=clock.now(),
        actor=actor_obj,
        actor_username=(actor_obj.get_username() if actor_obj else username)[:150],
        action=action[:64],
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        outcome=outcome,
        client_ip=client_ip(request),
        detail=detail or {},
    )
    entry.save()
    return entry


def audit_permission_denied(*, request, reason: str = ""):
    user = getattr(request, "user", None)
    audit_record(
        actor=user,
        action="permission.denied",
        outcome=AuditEntry.Outcome.DENIED,
        detail={"path": request.path if request else "", "method": request.method if request else "",
                "reason": reason[:500]},
        request=request,
    )


# Logs are kept at least six months (Cybersecurity Law art. 21), whatever AUDIT_RETENTION_DAYS says.
MIN_RETENTION_DAYS = 184


def audit_purge_expired(*, now=None) -> int:
    """Delete rows older than the retention period (default 184 days); nothing younger ever leaves."""
    now = now or clock.now()
    cutoff = now - timedelta(days=max(settings.AUDIT_RETENTION_DAYS, MIN_RETENTION_DAYS))
    deleted, _ = AuditEntry.objects.all()._purge_older_than(cutoff)
    return deleted
