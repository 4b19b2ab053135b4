"""Dashboard tiles for cases (open, overdue, waiting for the bureau), in the viewer's scope."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .choices import OPEN_STATUSES, CaseStatus
from .models import Case
from .permissions import can_read_cases


def case_tiles(request):
    user = request.user
    if not can_read_cases(user):
        return []
    # Open cases only (the status index leaves the closed majority out of the scan).
    counts = Case.objects.visible_to(user).filter(status__in=OPEN_STATUSES).aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(overdue=True)),
        to_register=Count("id", filter=Q(status=CaseStatus.REPORTED)),
        to_verify=Count("id", filter=Q(status=CaseStatus.HANDLED)),
        dispatched=Count("id", filter=Q(status=CaseStatus.DISPATCHED)),
    )
    url = reverse("enforcement:workbench")
    tiles = [
        {"key": "cases-open", "label": _("在办案件"), "value": counts["open"], "note": "", "url": url, "tone": ""},
        {"key": "cases-overdue", "label": _("超时案件"), "value": counts["overdue"], "note": "",
         "url": f"{url}?queue=overdue", "tone": "red" if counts["overdue"] else "green"},
    ]
    if user.is_bureau_staff:
        tiles += [
            {"key": "cases-to-register", "label": _("待立案"), "value": counts["to_register"], "note": "",
             "url": f"{url}?queue=to_register", "tone": "yellow" if counts["to_register"] else "green"},
            {"key": "cases-to-verify", "label": _("待核查"), "value": counts["to_verify"], "note": "",
             "url": f"{url}?queue=to_verify", "tone": "yellow" if counts["to_verify"] else "green"},
        ]
    else:
        tiles.append({"key": "cases-dispatched", "label": _("待处置"), "value": counts["dispatched"], "note": "",
                      "url": f"{url}?queue=dispatched", "tone": "yellow" if counts["dispatched"] else "green"})
    return tiles
