"""The GET requests parameters of GeoReport v2 and its common extensions, each checked (400 when bad):

- `service_request_id`: comma-separated ids; overrides every other argument;
- `service_code`: comma-separated; `status`: `open`, `closed` or both, comma-separated;
- `start_date`, `end_date`: W3C datetimes, at most 90 days apart; without them the last 90 days
  (one of them alone spans the 90 days from or to it);
- extensions: `updated_after` (a datetime), `page` (from 1) and `page_size` (1 to 1,000, default 1,000).
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from .querysets import with_public_status

WINDOW = timedelta(days=90)
MAX_ROWS = 1000


@dataclass
class Page:
    offset: int
    size: int


def _moment(params, name):
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "+"))  # a "+08:00" sent unescaped arrives as " 08:00"
        if moment is None:
            day = parse_date(raw)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({name: [_("%(name)s 须为 W3C 日期时间，如 2026-01-01T00:00:00+08:00") % {"name": name}]})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _csv(params, name) -> list[str]:
    return [v.strip() for v in (params.get(name) or "").split(",") if v.strip()]


def _positive(params, name, default, maximum=None) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum is not None and value > maximum):
        bound = f"1-{maximum}" if maximum else "≥ 1"
        raise ValidationError({name: [_("%(name)s 须为整数（%(bound)s）") % {"name": name, "bound": bound}]})
    return value


def filter_requests(queryset, params, *, now):
    """(the filtered queryset, the page) for GET requests' query `params`."""
    page = Page(offset=0, size=_positive(params, "page_size", MAX_ROWS, MAX_ROWS))
    page.offset = (_positive(params, "page", 1) - 1) * page.size
    ids = _csv(params, "service_request_id")
    if ids:
        return queryset.filter(number__in=ids[:MAX_ROWS]), page
    codes = _csv(params, "service_code")
    if codes:
        queryset = queryset.filter(category__code__in=codes)
    statuses = _csv(params, "status")
    if statuses:
        unknown = set(statuses) - {"open", "closed"}
        if unknown:
            raise ValidationError({"status": [_("status 只能是 open 或 closed")]})
        queryset = with_public_status(queryset, statuses)
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    if start and end:
        if end < start:
            raise ValidationError({"end_date": [_("end_date 早于 start_date")]})
        if end - start > WINDOW:
            raise ValidationError({"end_date": [_("start_date 与 end_date 相隔不能超过 90 天")]})
    elif start:
        end = start + WINDOW
    elif end:
        start = end - WINDOW
    else:
        start, end = now - WINDOW, now
    queryset = queryset.filter(reported_at__gte=start, reported_at__lte=end)
    updated_after = _moment(params, "updated_after")
    if updated_after:
        queryset = queryset.filter(updated_at__gt=updated_after)
    return queryset, page
