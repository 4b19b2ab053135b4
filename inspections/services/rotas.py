"""Duty rotas: generating a month's duties on the work calendar, and reading them against the patrol reports.

The generator rotates groups over towns (the rural illegal-building squad: three groups, one out every day,
each day the next group to the next town) and puts a squad at each key point in each of its windows on
working days only (the calendar's, so holidays are off and 调休 weekend workdays on). Planned against
done: a round is done when the squad filed a patrol report that day over the town; a key point's window
when a report of the squad that day covers the key point's cell and overlaps the window. Each gap is
named, day by day.
"""
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from bureau.audit.services import audit_record
from bureau.workcalendar.calendar import is_workday

from ..choices import PatrolShift
from ..models import PatrolReport, Rota, RotaDuty, Squad
from ..permissions import may_patrol
from .sites import month_bounds


class RotaForbidden(PermissionDenied):
    """Not the user's to plan (403)."""


def shift_of(start: time) -> str:
    """The shift a duty starting at `start` belongs to (early from 06:30, as the shifts' usual times)."""
    if start < time(8):
        return PatrolShift.EARLY
    if start < time(18):
        return PatrolShift.DAY
    if start < time(22):
        return PatrolShift.EVENING
    return PatrolShift.NIGHT


def _windows(key_point):
    out = []
    for window in key_point.windows or []:
        try:
            start, end = time.fromisoformat(window[0]), time.fromisoformat(window[1])
        except (TypeError, ValueError, IndexError) as exc:
            raise ValidationError({"key_points": [_("%(name)s 的值守时段无效") % {"name": key_point.name}]}) from exc
        if end <= start:
            raise ValidationError({"key_points": [_("%(name)s 的值守时段无效") % {"name": key_point.name}]})
        out.append((start, end))
    return out


@transaction.atomic
def rota_generate(*, acting_user, name, month, squads=(), towns=(), shift=PatrolShift.DAY, key_points=(),
                  key_point_squad=None, street=None) -> Rota:
    """A month's rota: `squads` rotate over `towns` every day (one squad out a day, the next town each day);
    `key_point_squad` stands at each of `key_points` in each of its windows on the calendar's working days."""
    if not may_patrol(acting_user):
        raise RotaForbidden(_("只有街道执法大队长和区局督查人员可以排班"))
    visible_squads = Squad.objects.visible_to(acting_user)
    errors: dict[str, list] = {}
    first, last = month_bounds(month)
    squads, towns, key_points = list(squads), list(towns), list(key_points)
    from grids.models import Street

    if street is None and not acting_user.is_bureau_staff:
        errors.setdefault("street", []).append(_("请选择街道"))
    elif street is not None and not Street.objects.visible_to(acting_user).filter(pk=street.pk).exists():
        errors.setdefault("street", []).append(_("未知的街道，或不在您负责的范围"))
    if any(not visible_squads.filter(pk=s.pk).exists() for s in squads + ([key_point_squad] if key_point_squad else [])):
        errors.setdefault("squads", []).append(_("未知的中队，或不属于您所在的街道"))
    if squads and not towns:
        errors.setdefault("towns", []).append(_("请选择轮流巡查的街道（镇）"))
    if key_points and key_point_squad is None:
        errors.setdefault("key_point_squad", []).append(_("请指定重点点位的值守中队"))
    if not squads and not key_points:
        errors.setdefault("squads", []).append(_("请至少安排一个中队或一个重点点位"))
    if shift not in PatrolShift.values:
        errors.setdefault("shift", []).append(_("未知的班次"))
    windows = {kp.pk: _windows(kp) for kp in key_points}
    if errors:
        raise ValidationError(errors)

    rota = Rota(name=(name or "").strip(), month=first, street=street, created_by=acting_user, created_at=clock.now())
    rota.full_clean()
    rota.save()
    duties = []
    day, k = first, 0
    while day <= last:
        if squads:
            duties.append(RotaDuty(rota=rota, date=day, shift=shift, squad=squads[k % len(squads)],
                                   street=towns[k % len(towns)]))
        if key_points and is_workday(day):
            for kp in key_points:
                for start, end in windows[kp.pk]:
                    duties.append(RotaDuty(rota=rota, date=day, shift=shift_of(start), squad=key_point_squad,
                                           street_id=kp.street_id, key_point=kp, starts_at=start, ends_at=end))
        day += timedelta(days=1)
        k += 1
    RotaDuty.objects.bulk_create(duties)
    audit_record(actor=acting_user, action="rota.generate", obj=rota,
                 detail={"month": first.isoformat()[:7], "duties": len(duties)})
    return rota


# ---------------------------------------------------------------------------------------------- planned / done


def _overlaps(report, day, start, end) -> bool:
    tz = timezone.get_current_timezone()
    window_start = datetime.combine(day, start, tzinfo=tz)
    window_end = datetime.combine(day, end, tzinfo=tz)
    return report.started_at < window_end and report.ended_at > window_start


def rota_plan_vs_done(rota) -> list[dict]:
    """Day by day: the duties planned, which were done, and each gap named."""
    duties = list(rota.duties.select_related("squad", "street", "key_point").order_by("date", "starts_at", "pk"))
    if not duties:
        return []
    first, last = duties[0].date, duties[-1].date
    squad_ids = {d.squad_id for d in duties}
    reports = list(PatrolReport.objects.filter(duty_squad_id__in=squad_ids).on_days(first, last)
                   .prefetch_related("grid_cells"))
    by_key: dict = {}
    for report in reports:
        by_key.setdefault((report.duty_squad_id, report.date), []).append(report)

    days: dict = {}
    for duty in duties:
        mine = by_key.get((duty.squad_id, duty.date), [])
        if duty.key_point_id:
            done = any(_overlaps(r, duty.date, duty.starts_at, duty.ends_at)
                       and any(c.pk == duty.key_point.grid_id for c in r.grid_cells.all()) for r in mine)
            what = _("%(point)s %(start)s–%(end)s") % {
                "point": duty.key_point.name, "start": duty.starts_at.strftime("%H:%M"),
                "end": duty.ends_at.strftime("%H:%M")}
            gap = _("%(squad)s 未在 %(what)s 值守") % {"squad": duty.squad.name, "what": what}
        else:
            done = any(r.street_id == duty.street_id or any(c.street_id == duty.street_id for c in r.grid_cells.all())
                       for r in mine)
            what = duty.street.name
            gap = _("%(squad)s 未巡查 %(street)s") % {"squad": duty.squad.name, "street": what}
        row = days.setdefault(duty.date, {"date": duty.date, "planned": [], "gaps": []})
        row["planned"].append({"duty": duty, "what": what, "done": done})
        if not done:
            row["gaps"].append(gap)
    return list(days.values())
