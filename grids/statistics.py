"""The figures of the grid: cells in service and the grid officers holding them (see bureau/statistics.py)."""
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bureau.statistics import Figure, local_date, register

from .models import GridCell, OfficerAssignment


def _cells(query):
    return query.base(GridCell, "street").in_service_between(query.period.first, query.period.last)


def _officers(query):
    """Officers holding a cell at some point of the period (an assignment started before its end and not
    ended before its start), in the street's cells when one is asked."""
    held = query.base(OfficerAssignment, "cell__street").filter(
        Q(end__isnull=True) | Q(end__gt=query.period.start_at), start__lt=query.period.end_at)
    return get_user_model().objects.filter(pk__in=held.values("officer_id"))


def _cell_text(cell):
    return {"text": f"{cell.code} {cell.community.name}", "street": cell.street.name, "date": local_date(cell.valid_from)}


def _officer_text(user):
    return {"text": f"{user.username} {user.get_full_name()}".strip(), "street": None, "date": None}


register(
    Figure(code="grid_cells", name=_("单元网格"), unit=_("个"), definition=_("期间在用（启用、未停用）的单元网格"),
           section="grid", rows=_cells, describe=_cell_text, select_related=("street", "community"), order=10,
           models=(GridCell,)),
    Figure(code="grid_officers", name=_("网格员"), unit=_("人"), definition=_("期间负责过单元网格的网格员"),
           section="grid", rows=_officers, describe=_officer_text, order=20, models=(OfficerAssignment,)),
)
