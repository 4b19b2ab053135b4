"""The audit administrator's pages: the audit log with filters, and its CSV export (MLPS 2.0: only the
audit administrator reads and exports it; every other role gets 403, which is itself audited)."""
import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from bureau import clock
from bureau.spreadsheets import spreadsheet_row

from .filtersets import AuditEntryFilterSet
from .models import AuditEntry
from .services import audit_record

CSV_COLUMNS = ["at", "actor_username", "action", "outcome", "object_type", "object_id", "object_repr",
               "client_ip", "detail"]


class _Echo:
    def write(self, value):
        return value


def _csv_rows(entries):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so spreadsheet programs read the Chinese text as UTF-8
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(spreadsheet_row([
            timezone.localtime(entry.at).isoformat(), entry.actor_username, entry.action, entry.outcome,
            entry.object_type, entry.object_id, entry.object_repr, entry.client_ip or "", entry.detail,
        ]))


@login_required
def audit_log(request):
    if not request.user.is_audit_admin:
        raise PermissionDenied
    filterset = AuditEntryFilterSet(request.GET, queryset=AuditEntry.objects.visible_to(request.user))
    entries = filterset.qs if filterset.is_valid() else AuditEntry.objects.none()
    if request.GET.get("format") == "csv":
        # The export is itself an audited event: who took a copy of the log, with which filters.
        audit_record(actor=request.user, action="audit.export",
                     detail={k: v for k, v in request.GET.items() if k != "format"})
        response = StreamingHttpResponse(_csv_rows(entries), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{clock.now():%Y%m%d-%H%M%S}.csv"'
        return response
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return render(request, "audit/audit_list.html",
                  {"page": page, "filter": filterset, "csv_query": query.urlencode()})
