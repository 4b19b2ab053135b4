"""Which case sources each caller may claim.

A case's source feeds a street's supervision count and score, so it is a fact about who reported it, not
a choice: a grid officer reports as a grid officer, a street leader's cases come from the brigade's
patrol, bureau staff record their own supervision, the 12345 hotline and other channels. `open311` is
claimed only by the Open311 endpoint (passing `channel=OPEN311_CHANNEL`), never by a person.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bureau.text import code_with_label, enumerate_items

from .choices import CaseSource

OPEN311_CHANNEL = "open311"


def allowed_sources(user, *, channel=None) -> tuple[str, ...]:
    if channel == OPEN311_CHANNEL:
        return (CaseSource.OPEN311,)
    if user.is_grid_officer:
        return (CaseSource.GRID_OFFICER,)
    if user.is_street_leader:
        return (CaseSource.PATROL,)
    if user.is_bureau_staff:
        return (CaseSource.SUPERVISION, CaseSource.HOTLINE, CaseSource.OTHER)
    return ()


def check_source(user, source, *, channel=None) -> None:
    """400 on `source` naming the sources this caller may use, when `source` is not one of them."""
    allowed = allowed_sources(user, channel=channel)
    if source not in allowed:
        raise ValidationError({"source": [
            _("您只能以这些来源上报：%(allowed)s") % {
                "allowed": enumerate_items(code_with_label(s, CaseSource(s).label) for s in allowed)}
        ]})
