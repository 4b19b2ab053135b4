"""District approvals: temporary occupation of public space (占道促销, events, night markets), issued by the
bureau with an area or a route, and the check of a place and moment against them and against the
muck-transport approvals.

`approval_check` is the one place that says what the approvals make of a finding: inside an approved
occupation of its category, in the approved hours, it is that occupation ("已批准占道：X，至 HH:MM"); a muck
truck (by plate) is recognised when an approval names the plate, its route passes the place and the moment
is in its hours, and is otherwise flagged with what did not match.
"""
import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from bureau.audit.services import audit_record
from enforcement.models import Category

from ..choices import MUCK_CATEGORIES, OCCUPATION_CATEGORIES, OccupationKind
from ..models import MuckTransportApproval, OccupationApproval, normalise_plate
from ..permissions import may_approve_muck
from .sites import route_streets

ROUTE_TOLERANCE_M = 50  # a truck this close to its approved route is on it (GPS and road width)
LINE_TOLERANCE_M = 15  # a finding this close to an approved route-shaped occupation (a street fair) is on it
MAX_POINTS = 2000


class ApprovalForbidden(PermissionDenied):
    """Only the bureau approves district-wide occupation (403)."""


def _shape(geometry):
    """A shapely Polygon or LineString (lng, lat) from GeoJSON, or a ValidationError on `geometry`."""
    import shapely
    from shapely.geometry import shape

    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "LineString"):
        raise ValidationError({"geometry": [_("范围须为 GeoJSON Polygon（区域）或 LineString（路线）")]})
    coords = geometry.get("coordinates")
    flat = coords[0] if geometry["type"] == "Polygon" and isinstance(coords, list) and coords else coords
    if not isinstance(flat, list) or len(flat) > MAX_POINTS:
        raise ValidationError({"geometry": [_("范围最多 %(n)d 个点") % {"n": MAX_POINTS}]})
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError, KeyError, shapely.errors.GEOSException) as exc:
        raise ValidationError({"geometry": [_("范围或路线的坐标无效")]}) from exc
    if geom.is_empty or not geom.is_valid:
        raise ValidationError({"geometry": [_("范围或路线的坐标无效")]})
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValidationError({"geometry": [_("范围或路线的坐标无效")]})
    return geom


def _streets_touched(geom) -> list:
    """The streets an area or a route touches: its outline's or line's points and those between them, and,
    for an area, its centre."""
    points = [[lat, lng] for lng, lat in (geom.exterior.coords if geom.geom_type == "Polygon" else geom.coords)]
    streets = route_streets(points)
    if geom.geom_type == "Polygon":
        centre = geom.representative_point()
        for street in route_streets([[centre.y, centre.x], [centre.y, centre.x]]):
            if street not in streets:
                streets.append(street)
    return streets


@transaction.atomic
def occupation_approval_issue(*, acting_user, number, kind, title, applicant, geometry, valid_from, valid_to,
                              hours_from, hours_to, conditions="", categories=None) -> OccupationApproval:
    """Approve a temporary occupation; every street its area or route touches sees it. `categories` (codes)
    default to those of its kind."""
    if not may_approve_muck(acting_user):
        raise ApprovalForbidden(_("只有区局可以审批临时占道"))
    if kind not in OccupationKind.values:
        raise ValidationError({"kind": [_("未知的审批类型：%(kind)s") % {"kind": str(kind)[:32]}]})
    geom = _shape(geometry)
    streets = _streets_touched(geom)
    if not streets:
        raise ValidationError({"geometry": [_("范围或路线不在本区")]})
    codes = list(categories) if categories else list(OCCUPATION_CATEGORIES[kind])
    found = list(Category.objects.filter(code__in=codes))
    if categories and len(found) != len(set(codes)):
        raise ValidationError({"categories": [_("未知的事项类别")]})
    approval = OccupationApproval(
        number=(number or "").strip(), kind=kind, title=(title or "").strip(), applicant=(applicant or "").strip(),
        geometry=geometry, valid_from=valid_from, valid_to=valid_to, hours_from=hours_from, hours_to=hours_to,
        conditions=(conditions or "").strip(), approved_by=acting_user, approved_at=clock.now(),
    )
    approval.full_clean()
    approval.save()
    approval.streets.set(streets)
    approval.categories.set(found)
    audit_record(actor=acting_user, action="occupation_approval.issue", obj=approval,
                 detail={"number": approval.number, "kind": kind, "streets": len(streets)})
    return approval


# ---------------------------------------------------------------------------------------------- the check


def _metres(geom, lat, lng) -> float:
    """Distance in metres from (lat, lng) to a small WGS84 geometry (local equirectangular projection)."""
    from shapely.affinity import scale
    from shapely.geometry import Point

    from grids.geometry import METRES_PER_DEGREE

    k = math.cos(math.radians(lat))
    projected = scale(geom, xfact=k, yfact=1.0, origin=(lng, lat))
    return projected.distance(Point(lng, lat)) * METRES_PER_DEGREE


def _covers(approval, lat, lng) -> bool:
    geom = _shape(approval.geometry)
    if geom.geom_type == "Polygon":
        from shapely.geometry import Point

        return geom.covers(Point(lng, lat))
    return _metres(geom, lat, lng) <= LINE_TOLERANCE_M


@dataclass
class ApprovalCheck:
    """What the approvals make of a place and moment (and a category, a plate)."""

    occupations: list = field(default_factory=list)  # [(approval, window end)] covering the place, in hours
    occupation: object = None  # the one for the category, when the category is an occupation one
    until: object = None
    muck_checked: bool = False
    muck_approval: object = None
    muck_problems: list = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return self.occupation is not None

    def occupation_message(self, approval, until) -> str:
        return _("已批准占道：%(title)s（%(number)s），至 %(until)s") % {
            "title": approval.title, "number": approval.number, "until": timezone.localtime(until).strftime("%H:%M")}

    @property
    def note(self) -> str:
        """The line a finding keeps: the approved occupation, or the muck truck recognised or flagged."""
        if self.occupation is not None:
            return self.occupation_message(self.occupation, self.until)[:255]
        if self.muck_checked and self.muck_approval is not None:
            return (_("渣土运输已核准：%(number)s %(carrier)s") % {
                "number": self.muck_approval.number, "carrier": self.muck_approval.carrier})[:255]
        if self.muck_checked:
            return (_("渣土车无有效核准：") + "；".join(self.muck_problems))[:255]
        return ""


def _muck(check, plate, lat, lng, moment):
    from shapely.geometry import LineString

    plate = normalise_plate(plate)
    check.muck_checked = True
    day = timezone.localtime(moment).date()
    # a window crossing midnight started the day before
    candidates = [a for a in MuckTransportApproval.objects.filter(valid_from__lte=day, valid_to__gte=day - timedelta(days=1))
                  if plate in a.plates()]
    if not candidates:
        check.muck_problems = [_("号牌 %(plate)s 不在有效的核准车辆中") % {"plate": plate}]
        return
    problems = []
    for approval in candidates:
        route = LineString([(p[1], p[0]) for p in approval.route])
        on_route = _metres(route, lat, lng) <= ROUTE_TOLERANCE_M
        in_hours = approval.allows(moment)
        if on_route and in_hours:
            check.muck_approval, check.muck_problems = approval, []
            return
        if not on_route:
            problems.append(_("不在核准 %(number)s 的路线上") % {"number": approval.number})
        if not in_hours:
            problems.append(_("不在核准 %(number)s 的运输时段（%(start)s–%(end)s）") % {
                "number": approval.number, "start": approval.hours_from.strftime("%H:%M"),
                "end": approval.hours_to.strftime("%H:%M")})
    check.muck_problems = problems


def approvals_in_force(first_day, last_day) -> list:
    """The occupation approvals in force on any day from `first_day` to `last_day` (a window crossing midnight
    started the day before), with their categories: one read for every finding of a patrol report."""
    return list(OccupationApproval.objects.filter(valid_from__lte=last_day, valid_to__gte=first_day - timedelta(days=1))
                .prefetch_related("categories"))


def approval_check(*, lat, lng, moment, category=None, plate="", approvals=None) -> ApprovalCheck:
    """The approvals at a place and moment: the occupations covering it in their hours; for an occupation
    category, the one that approves it; for a muck-truck category (or any finding naming a plate), the
    muck-transport approval that matches plate, route and hours, or what did not match.

    `approvals` narrows the occupation approvals: a queryset (a user's `visible_to`), or a list already read with
    their categories (`approvals_in_force`, so that checking many findings reads them once); by default every
    one in force."""
    code = getattr(category, "code", category) or ""
    day = timezone.localtime(moment).date()
    # a window crossing midnight started the day before
    if isinstance(approvals, list):
        candidates = [a for a in approvals if a.valid_from <= day and a.valid_to >= day - timedelta(days=1)]
    else:
        qs = approvals if approvals is not None else OccupationApproval.objects.all()
        candidates = qs.filter(valid_from__lte=day, valid_to__gte=day - timedelta(days=1)).prefetch_related("categories")
    check = ApprovalCheck()
    for approval in candidates:
        until = approval.window_end(moment)
        if until is None or not _covers(approval, lat, lng):
            continue
        check.occupations.append((approval, until))
        if code and check.occupation is None and any(c.code == code for c in approval.categories.all()):
            check.occupation, check.until = approval, until
    if plate or code in MUCK_CATEGORIES:
        if plate:
            _muck(check, plate, lat, lng, moment)
        else:
            check.muck_checked, check.muck_problems = True, [_("未填写车辆号牌")]
    return check
