"""Duty rotas: generating a month's duties on the work calendar, and reading them against the patrol reports.

The generator rotates groups over towns (the rural illegal-building squad: three groups, one out every day,
each day the next group to the next town) and puts a squad at each key point in each of its windows on
working days only (the calendar's, so holidays are off and 调休 weekend workdays on). Planned against
done: a round is done when the squad filed a patrol report that day over the town; a key point's window
when a report of the squad that day covers the key point's cell and overlaps the window. Each gap is
named, day by day; a duty the street took its squad off (for 创城, 防汛 ...) is named with its reason.

Where the brigades' time goes: each street brigade's duty hours in a month, urban management (its patrol
reports' hours) against other street work (the duties taken off the rota, by reason).
"""
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from bureau.audit.services import audit_record
from bureau.workcalendar.calendar import is_workday

from ..choices import SHIFT_USUAL_TIMES, OffRotaReason, PatrolShift
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


@transaction.atomic
def rota_duty_take_off(*, acting_user, duty, reason, note="") -> RotaDuty:
    """Take a squad off a planned duty for other street work, with the reason chosen (创城, 防汛, 街道中心工作,
    其他 with a note). Bureau staff, or the leader of the rota's street; once per duty."""
    if not may_patrol(acting_user):
        raise RotaForbidden(_("只有街道执法大队长和区局督查人员可以调整排班"))
    duty_id = duty.pk if isinstance(duty, RotaDuty) else duty
    duty = RotaDuty.objects.select_for_update().filter(pk=duty_id).first()
    if duty is None or not Rota.objects.visible_to(acting_user).filter(pk=duty.rota_id).exists():
        raise RotaDuty.DoesNotExist
    if reason not in OffRotaReason.values:
        raise ValidationError({"reason": [_("请选择抽调事由")]})
    note = (note or "").strip()
    if reason == OffRotaReason.OTHER and not note:
        raise ValidationError({"note": [_("事由为「其他」时请填写说明")]})
    if len(note) > 255:
        raise ValidationError({"note": [_("最多 %(n)d 个字") % {"n": 255}]})
    if duty.off_reason:
        raise ValidationError({"duty": [_("该值班安排已登记抽调（%(reason)s）") % {
            "reason": OffRotaReason(duty.off_reason).label}]})
    duty.off_reason, duty.off_note = reason, note
    duty.taken_off_by, duty.taken_off_at = acting_user, clock.now()
    duty.full_clean(exclude=["rota", "squad", "street", "key_point", "taken_off_by"])
    duty.save(update_fields=["off_reason", "off_note", "taken_off_by", "taken_off_at"])
    audit_record(actor=acting_user, action="rota_duty.take_off", obj=duty,
                 detail={"rota": duty.rota_id, "date": duty.date.isoformat(), "reason": reason})
    return duty


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
        if duty.off_reason:
            gap = _("%(squad)s 被抽调（%(reason)s%(note)s），%(what)s 未安排") % {
                "squad": duty.squad.name, "reason": OffRotaReason(duty.off_reason).label,
                "note": "：" + duty.off_note if duty.off_note else "", "what": what}
        row = days.setdefault(duty.date, {"date": duty.date, "planned": [], "gaps": []})
        row["planned"].append({"duty": duty, "what": what, "done": done})
        if not done:
            row["gaps"].append(gap)
    return list(days.values())


# ---------------------------------------------------------------------------------------------- brigade time


def duty_hours(duty) -> float:
    """A planned duty's length in hours: its own times, else its shift's usual times (a night crosses midnight)."""
    start, end = duty.starts_at, duty.ends_at
    if start is None or end is None:
        usual = SHIFT_USUAL_TIMES[duty.shift].split("–")
        start, end = time.fromisoformat(usual[0]), time.fromisoformat(usual[1])
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes <= 0:
        minutes += 24 * 60
    return minutes / 60


def brigade_time(streets, first, last, *, using="default") -> dict:
    """Each street brigade's duty hours from `first` to `last` (dates): urban management, the hours of its
    patrol reports; other street work, the hours of its squads' duties taken off the rota, per reason.

    Two queries whatever the number of streets, reports or duties."""
    from django.db.models import DurationField, ExpressionWrapper, F, Sum

    streets = list(streets)
    ids = [s.pk for s in streets]
    patrol = dict(
        PatrolReport.objects.using(using).filter(street_id__in=ids).on_days(first, last).order_by().values("street_id")
        .annotate(total=Sum(ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())))
        .values_list("street_id", "total"))
    other: dict[int, dict[str, float]] = {}
    for duty in (RotaDuty.objects.using(using).filter(squad__street_id__in=ids, date__gte=first, date__lte=last)
                 .exclude(off_reason="").only("squad__street_id", "shift", "starts_at", "ends_at", "off_reason")
                 .select_related("squad")):
        reasons = other.setdefault(duty.squad.street_id, {})
        reasons[duty.off_reason] = reasons.get(duty.off_reason, 0.0) + duty_hours(duty)

    def row(urban, by_reason):
        other_hours = round(sum(by_reason.values()), 1)
        total = round(urban + other_hours, 1)
        return {"urban_hours": round(urban, 1), "other_hours": other_hours,
                "by_reason": {r: round(by_reason.get(r, 0.0), 1) for r in OffRotaReason.values},
                "total_hours": total, "urban_share": round(urban / total, 4) if total else None}

    rows, sum_urban, sum_reasons = [], 0.0, {}
    for street in sorted(streets, key=lambda s: s.code):
        urban = patrol[street.pk].total_seconds() / 3600 if patrol.get(street.pk) else 0.0
        by_reason = other.get(street.pk, {})
        sum_urban += urban
        for r, h in by_reason.items():
            sum_reasons[r] = sum_reasons.get(r, 0.0) + h
        rows.append({"street": {"code": street.code, "name": street.name}, **row(urban, by_reason)})
    return {"start": first, "end": last, "streets": rows, "total": row(sum_urban, sum_reasons)}
