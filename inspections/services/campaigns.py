"""Campaigns (专项整治) and their progress; demolitions of illegal building.

Progress is counted, never typed in: for each target, what fell inside the campaign: its dates (both
included, local days), its area (the listed streets, plus the listed cells; neither: the whole district)
and its categories (the target's own category when it names one; none: every category; patrol reports and
demolitions are not categorised). Cases count when reported inside the dates and not rejected; closed
cases when, of those, closed before the campaign ended; patrol reports are the brigades' reports dated
inside; demolitions those made inside.
"""
from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from bureau.audit.services import audit_record
from grids.models import GridCell, Street

from ..choices import CampaignIndicator
from ..models import Campaign, CampaignTarget, Demolition, PatrolCountField, PatrolReport

MAX_TARGETS = 30


class CampaignForbidden(PermissionDenied):
    """Campaigns are planned by the bureau (403 for anyone else)."""


def _bureau_only(user, message):
    if not (user and user.is_authenticated and user.is_bureau_staff):
        raise CampaignForbidden(message)


# ---------------------------------------------------------------------------------------------- writes


def _clean_target(n, raw, errors):
    from enforcement.models import Category

    label = (raw.get("label") or "").strip()
    indicator = raw.get("indicator")
    if not label:
        errors.setdefault("targets", []).append(_("第 %(n)d 个目标：请填写目标名称") % {"n": n})
    if indicator not in CampaignIndicator.values:
        errors.setdefault("targets", []).append(_("第 %(n)d 个目标：未知的指标") % {"n": n})
        return None
    count_code = (raw.get("count_code") or "").strip()
    if indicator == CampaignIndicator.PATROL_COUNT and not PatrolCountField.objects.filter(code=count_code).exists():
        errors.setdefault("targets", []).append(_("第 %(n)d 个目标：未知的巡查统计项") % {"n": n})
    category = None
    if raw.get("category"):
        category = Category.objects.filter(code=str(raw["category"])).first()
        if category is None:
            errors.setdefault("targets", []).append(_("第 %(n)d 个目标：未知的事项类别") % {"n": n})
    try:
        number = Decimal(str(raw.get("target")))
    except (ArithmeticError, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite() or number <= 0 or number >= Decimal("1e10"):
        errors.setdefault("targets", []).append(_("第 %(n)d 个目标：目标值须为正数") % {"n": n})
        number = None
    return {"label": label[:64], "indicator": indicator, "count_code": count_code[:32], "category": category,
            "target": number, "unit": (raw.get("unit") or "").strip()[:16], "order": n}


@transaction.atomic
def campaign_create(*, acting_user, name, starts_on, ends_on, streets=(), cells=(), categories=(), units="",
                    description="", targets=()) -> Campaign:
    """Plan a campaign: its area by street codes and cell codes, categories by code, and its targets."""
    from enforcement.models import Category

    _bureau_only(acting_user, _("只有区局可以部署专项整治"))
    errors: dict[str, list] = {}
    street_rows = list(Street.objects.filter(code__in=list(streets)))
    if len(street_rows) != len(set(streets)):
        errors.setdefault("streets", []).append(_("未知的街道代码"))
    cell_rows = list(GridCell.objects.filter(code__in=list(cells)))
    if len(cell_rows) != len(set(cells)):
        errors.setdefault("cells", []).append(_("未知的网格编码"))
    category_rows = list(Category.objects.filter(code__in=list(categories)))
    if len(category_rows) != len(set(categories)):
        errors.setdefault("categories", []).append(_("未知的事项类别"))
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("结束日期不能早于开始日期"))
    if len(targets) > MAX_TARGETS:
        errors.setdefault("targets", []).append(_("最多 %(n)d 个目标") % {"n": MAX_TARGETS})
        targets = ()
    cleaned = [_clean_target(n, dict(t), errors) for n, t in enumerate(targets, start=1)]
    campaign = Campaign(name=(name or "").strip(), starts_on=starts_on, ends_on=ends_on, units=(units or "").strip(),
                        description=(description or "").strip(), created_by=acting_user, created_at=clock.now())
    try:
        campaign.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    campaign.save()
    campaign.streets.set(street_rows)
    campaign.cells.set(cell_rows)
    campaign.categories.set(category_rows)
    for row in cleaned:
        target = CampaignTarget(campaign=campaign, **row)
        target.full_clean()
        target.save()
    audit_record(actor=acting_user, action="campaign.create", obj=campaign,
                 detail={"name": campaign.name, "streets": sorted(s.code for s in street_rows),
                         "targets": len(cleaned)})
    return campaign


@transaction.atomic
def demolition_record(*, acting_user, site, lat, lng, party_name, area_m2, demolished_on, case=None,
                      order_reference="", forced=False, note="", operation=None) -> Demolition:
    """Record a demolition at a point (its street and cell from the point), executing a case or an order; made in
    a joint operation (`operation`), it counts in its results (on its day, in its area, as enforcement says)."""
    from enforcement.effects import cell_at, parse_point
    from enforcement.models import Case

    from ..permissions import may_patrol

    if not may_patrol(acting_user):
        raise PermissionDenied(_("只有街道执法大队长和区局督查人员可以登记违建拆除"))
    lat, lng = parse_point(lat, lng)
    cell = cell_at(lat, lng)
    if not acting_user.is_bureau_staff and not Street.objects.led_by(acting_user).filter(pk=cell.street_id).exists():
        raise ValidationError({"lat": [_("该位置不在您负责的街道")]})
    if case is not None and not Case.objects.visible_to(acting_user).filter(pk=case.pk).exists():
        raise ValidationError({"case": [_("未知的案件")]})
    if case is None and not (order_reference or "").strip():
        raise ValidationError({"case": [_("请注明拆除执行的案件或整改通知书")]})
    if isinstance(demolished_on, datetime) or demolished_on > timezone.localtime(clock.now()).date():
        raise ValidationError({"demolished_on": [_("拆除日期不能晚于今天")]})
    if operation is not None:
        from enforcement.services.operations import operation_check_record

        operation_check_record(acting_user=acting_user, operation=operation, street_id=cell.street_id,
                               cell_id=cell.pk, lat=lat, lng=lng, on_date=demolished_on)
    demolition = Demolition(
        operation=operation,
        site=(site or "").strip(), street_id=cell.street_id, grid=cell, lat=lat, lng=lng,
        party_name=(party_name or "").strip(), area_m2=area_m2, demolished_on=demolished_on, case=case,
        order_reference=(order_reference or "").strip(), forced=bool(forced), note=(note or "").strip(),
        recorded_by=acting_user, recorded_at=clock.now(),
    )
    demolition.full_clean()
    demolition.save()
    audit_record(actor=acting_user, action="demolition.record", obj=demolition,
                 detail={"street": cell.street.code, "area_m2": str(demolition.area_m2),
                         "case": case.number if case else None, "order": demolition.order_reference,
                         "operation": operation.number if operation else None})
    return demolition


def operation_demolitions(operation) -> dict:
    """A joint operation's demolitions per street (count and m²): registered with enforcement's results."""
    from enforcement.choices import OperationIndicator

    rows = Demolition.objects.filter(operation=operation).values("street_id").annotate(n=Count("pk"), m2=Sum("area_m2"))
    return {OperationIndicator.DEMOLITIONS: {r["street_id"]: Decimal(r["n"]) for r in rows},
            OperationIndicator.DEMOLISHED_AREA: {r["street_id"]: r["m2"] for r in rows}}


# ---------------------------------------------------------------------------------------------- progress


def _window(first, last):
    tz = timezone.get_current_timezone()
    return (datetime.combine(first, time.min, tzinfo=tz), datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz))


class _Area:
    """The campaign's area as filters: listed streets whole, plus listed cells; neither: the district."""

    def __init__(self, campaign):
        self.street_ids = set(campaign.streets.values_list("pk", flat=True))
        self.cell_ids = set(campaign.cells.values_list("pk", flat=True))
        self.everywhere = not self.street_ids and not self.cell_ids

    def q(self, street="street", cell="grid"):
        if self.everywhere:
            return Q()
        return Q(**{f"{street}__in": self.street_ids}) | Q(**{f"{cell}__in": self.cell_ids})

    def streets(self):
        if self.everywhere:
            return list(Street.objects.order_by("code"))
        ids = self.street_ids | set(GridCell.objects.filter(pk__in=self.cell_ids).values_list("street_id", flat=True))
        return list(Street.objects.filter(pk__in=ids).order_by("code"))


def _cases(campaign, area, target):
    from enforcement.choices import CaseStatus
    from enforcement.models import Case

    start, end = _window(campaign.starts_on, campaign.ends_on)
    cases = Case.objects.filter(area.q(), reported_at__gte=start, reported_at__lt=end).exclude(
        status=CaseStatus.REJECTED)
    if target.category_id:
        cases = cases.filter(category_id=target.category_id)
    else:
        categories = list(campaign.categories.values_list("pk", flat=True))
        if categories:
            cases = cases.filter(category_id__in=categories)
    if target.indicator == CampaignIndicator.CASES_CLOSED:
        cases = cases.filter(status=CaseStatus.CLOSED, closed_at__lt=end)
    return {row["street_id"]: Decimal(row["n"]) for row in cases.values("street_id").annotate(n=Count("pk"))}


def _patrol_reports(campaign, area):
    reports = PatrolReport.objects.brigade().on_days(campaign.starts_on, campaign.ends_on)
    if not area.everywhere:
        through = PatrolReport.grid_cells.through
        in_cells = through.objects.filter(gridcell_id__in=area.cell_ids).values("patrolreport_id")
        reports = reports.filter(Q(street_id__in=area.street_ids) | Q(pk__in=in_cells))
    return reports


def _patrols(campaign, area, target):
    reports = _patrol_reports(campaign, area)
    if target.indicator == CampaignIndicator.PATROL_REPORTS:
        return {row["street_id"]: Decimal(row["n"]) for row in reports.values("street_id").annotate(n=Count("pk"))}
    totals: dict = defaultdict(Decimal)
    for street_id, counts in reports.values_list("street_id", "counts"):
        value = (counts or {}).get(target.count_code)
        if isinstance(value, int) and not isinstance(value, bool):
            totals[street_id] += value
    return dict(totals)


def _demolitions(campaign, area, target):
    rows = Demolition.objects.filter(area.q()).on_days(campaign.starts_on, campaign.ends_on).values("street_id")
    if target.indicator == CampaignIndicator.DEMOLITIONS:
        return {row["street_id"]: Decimal(row["n"]) for row in rows.annotate(n=Count("pk"))}
    return {row["street_id"]: row["m2"] for row in rows.annotate(m2=Sum("area_m2"))}


_COUNTERS = {
    CampaignIndicator.CASES: _cases,
    CampaignIndicator.CASES_CLOSED: _cases,
    CampaignIndicator.PATROL_REPORTS: _patrols,
    CampaignIndicator.PATROL_COUNT: _patrols,
    CampaignIndicator.DEMOLITIONS: _demolitions,
    CampaignIndicator.DEMOLISHED_AREA: _demolitions,
}


def campaign_progress(campaign) -> dict:
    """Each target's value in total and per street of the area, and the share of the target reached."""
    area = _Area(campaign)
    streets = area.streets()
    rows = []
    for target in campaign.targets.select_related("category").order_by("order", "pk"):
        by_street = _COUNTERS[target.indicator](campaign, area, target)
        values = {s.pk: by_street.get(s.pk, Decimal(0)) for s in streets}
        total = sum(values.values(), Decimal(0))
        rows.append({"target": target, "total": total, "by_street": values,
                     "percent": round(total / target.target * 100, 1)})
    return {"campaign": campaign, "streets": streets, "targets": rows}


# ---------------------------------------------------------------------------------------------- illegal building

# The event items of illegal building: 私搭乱建 (in town) and 无证建设 (building without a permit).
ILLEGAL_BUILDING_CATEGORIES = ("06001", "08016")


def illegal_building_week(first, last, streets) -> list[dict]:
    """The rural squad's weekly bulletin: per town (and any street with something to report), the illegal
    building found (cases reported in the week), stopped (such cases handled, 制止, in the week) and
    demolished (demolitions in the week, count and m²)."""
    from enforcement.choices import CaseAction
    from enforcement.models import Case, CaseEvent
    from grids.choices import StreetKind

    start, end = _window(first, last)
    cases = Case.objects.filter(category__code__in=ILLEGAL_BUILDING_CATEGORIES)
    found = dict(cases.filter(reported_at__gte=start, reported_at__lt=end).values("street_id")
                 .annotate(n=Count("pk")).values_list("street_id", "n"))
    stopped = dict(CaseEvent.objects.filter(case__in=cases, action=CaseAction.HANDLE, recorded_at__gte=start,
                                            recorded_at__lt=end)
                   .values("case__street_id").annotate(n=Count("case_id", distinct=True))
                   .values_list("case__street_id", "n"))
    demolished = {row["street_id"]: (row["n"], row["m2"]) for row in Demolition.objects.on_days(first, last)
                  .values("street_id").annotate(n=Count("pk"), m2=Sum("area_m2"))}
    rows = []
    for street in streets:
        n, m2 = demolished.get(street.pk, (0, Decimal(0)))
        row = {"street": street, "found": found.get(street.pk, 0), "stopped": stopped.get(street.pk, 0),
               "demolished": n, "demolished_m2": m2}
        if street.kind == StreetKind.TOWN or row["found"] or row["stopped"] or row["demolished"]:
            rows.append(row)
    return rows
