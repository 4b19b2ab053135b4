"""Opening windows in local time. A window belongs to the weekday it starts on; one that closes at or before
it opens runs past midnight and ends the next day (a night market 18:00-02:00 opened on Friday is still
Friday's window at 01:30 on Saturday). A zone's season (valid_from/valid_to) is judged on the day the
window starts, so a season ending on 31 December still covers that night's window until it closes."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def crosses_midnight(opens: time, closes: time) -> bool:
    return closes <= opens


def window_start_day(weekday: int, opens: time, closes: time, moment: datetime) -> date | None:
    """The day the window (weekday, opens, closes) open at `moment` started, or None if it is closed then."""
    at = local(moment)
    today, t = at.date(), at.time()
    if today.isoweekday() == weekday and t >= opens and (crosses_midnight(opens, closes) or t < closes):
        return today
    yesterday = today - timedelta(days=1)
    if yesterday.isoweekday() == weekday and crosses_midnight(opens, closes) and t < closes:
        return yesterday
    return None


def window_at(windows, moment: datetime, season=None):
    """The first of `windows` (objects or dicts with weekday, opens, closes) open at `moment` whose start
    day is in season (`season(day) -> bool`, None: always), or None."""
    for w in windows:
        get = w.get if isinstance(w, dict) else w.__getattribute__
        day = window_start_day(get("weekday"), get("opens"), get("closes"), moment)
        if day is not None and (season is None or season(day)):
            return w
    return None


def hours_lines(windows) -> list[dict]:
    """A zone's windows for a sign or page: weekdays with the same hours together, e.g.
    [{"days": "星期一至星期五", "times": ["06:00–09:00"]}, {"days": "星期六、星期日", "times": [...]}]."""
    from django.utils.translation import gettext as _

    from .choices import Weekday

    by_day: dict[int, list[str]] = {}
    for w in sorted(windows, key=lambda w: (w.weekday, w.opens)):
        late = _("次日") if crosses_midnight(w.opens, w.closes) else ""
        by_day.setdefault(w.weekday, []).append(f"{w.opens:%H:%M}–{late}{w.closes:%H:%M}")
    groups: list[tuple[list[int], list[str]]] = []
    for day in sorted(by_day):
        if groups and groups[-1][1] == by_day[day] and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], by_day[day]))
    if len(groups) == 1 and len(groups[0][0]) == 7:
        return [{"days": _("每天"), "times": groups[0][1]}]
    lines = []
    for days, times in groups:
        first, last = Weekday(days[0]).label, Weekday(days[-1]).label
        if len(days) == 1:
            label = str(first)
        elif len(days) == 2:
            label = f"{first}、{last}"
        else:
            label = _("%(first)s至%(last)s") % {"first": first, "last": last}
        lines.append({"days": label, "times": times})
    return lines
