"""A reading of the figures: the period and street a request asks for, checked, and the document the API answers
with, cached as bytes under the parameters, the caller's scope and the data version."""
import hashlib
import json
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from bureau.statistics import MAX_DAYS, VERSION_KEY, Period, data_version, evaluate, figures


class Reading:
    """What a request asks for: a period, optionally a street, as `user` may see it."""

    def __init__(self, period: Period, street, user, visible_street_ids: tuple):
        self.period, self.street, self.user = period, street, user
        self.visible_street_ids = visible_street_ids

    @property
    def scope(self) -> str:
        """Whose rows: the district for bureau staff, the streets a leader leads for a leader."""
        if self.user is None or self.user.is_bureau_staff:
            return "all"
        return "streets:" + ",".join(str(i) for i in self.visible_street_ids)

    def params(self) -> dict:
        out = {"from": self.period.first.isoformat(), "to": self.period.last.isoformat()}
        if self.street is not None:
            out["street"] = self.street.code
        return out

    def query_string(self) -> str:
        return urlencode(self.params())


def _date(raw, field_name, default):
    if raw in (None, ""):
        return default
    try:
        value = parse_date(str(raw))
    except ValueError:
        value = None
    if value is None:
        raise ValidationError({field_name: [_("日期格式应为 YYYY-MM-DD，且为有效日期。")]})
    return value


def reading_from(params, user) -> Reading:
    """The reading the query parameters `from`, `to` (ISO dates, both included; default: this year to today) and
    `street` (a 3-digit code the user may see) ask for; ValidationError with the fields at fault otherwise."""
    from grids.models import Street

    today = timezone.localdate()
    first = _date(params.get("from"), "from", date(today.year, 1, 1))
    last = _date(params.get("to"), "to", max(today, first))
    if last < first:
        raise ValidationError({"to": [_("结束日期不能早于开始日期。")]})
    if (last - first).days >= MAX_DAYS:
        raise ValidationError({"to": [_("统计区间最长 %(days)d 天。") % {"days": MAX_DAYS}]})
    code = params.get("street")
    if user is None or user.is_bureau_staff:
        # the district: no scope to list, only the street asked for to find
        visible_ids = ()
        street = Street.objects.filter(code=code).first() if code not in (None, "") else None
    else:
        visible = list(Street.objects.visible_to(user).order_by("pk"))
        visible_ids = tuple(s.pk for s in visible)
        street = next((s for s in visible if s.code == code), None)
    if code not in (None, "") and street is None:
        raise ValidationError({"street": [_("没有这个街道，或不在您的工作范围内：%(code)s") % {"code": str(code)[:20]}]})
    return Reading(Period(first, last), street, user, visible_ids)


def number(value):
    """A figure's value for JSON: an integer when whole, else a float with two places."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(round(value, 2))
    return value


def rows_url(code: str, reading: Reading) -> str:
    return reverse("statistics-rows", kwargs={"code": code}) + "?" + reading.query_string()


def document(reading: Reading, base_url: str = "") -> dict:
    """`{from, to, street, figures: [{code, name, unit, value, rows_url}]}` in the active language."""
    street = {"code": reading.street.code, "name": reading.street.name} if reading.street is not None else None
    return {
        "from": reading.period.first.isoformat(), "to": reading.period.last.isoformat(), "street": street,
        "figures": [
            {"code": fig.code, "name": str(fig.name), "unit": str(fig.unit), "value": number(value),
             "rows_url": base_url + rows_url(fig.code, reading)}
            for fig, value in evaluate(reading.period, reading.street, reading.user)
        ],
    }


def cached_document(params, base_url: str) -> bytes | None:
    """The district's cached document for these parameters, if it is current, without touching the database
    and in one cache round trip (the data version and the entry together): only a valid reading is ever
    cached, so an unchecked street code finds nothing when it is wrong. None when anything is not plainly so
    (the caller then reads and checks it properly)."""
    today = timezone.localdate()
    try:
        first = _date(params.get("from"), "from", date(today.year, 1, 1))
        last = _date(params.get("to"), "to", max(today, first))
    except ValidationError:
        return None
    query = {"from": first.isoformat(), "to": last.isoformat()}
    code = params.get("street")
    if code not in (None, ""):
        if not (isinstance(code, str) and len(code) == 3 and code.isdigit()):
            return None
        query["street"] = code
    key = document_key("all", urlencode(query), base_url)
    try:
        found = cache.get_many([VERSION_KEY, key])
    except Exception:  # noqa: BLE001 - a cache outage: the full path answers
        return None
    version, entry = found.get(VERSION_KEY), found.get(key)
    if version is None or entry is None or entry[0] != version:
        return None
    return entry[1]


def cache_seconds() -> int:
    return getattr(settings, "STATISTICS_CACHE_SECONDS", 300)


def document_key(scope: str, query_string: str, base_url: str) -> str:
    """The cache key of a document: whose rows, which reading, in which language, for which host (the rows
    URLs are absolute). The entry holds the data version it was read at beside the bytes, so the version and
    the entry come back in one round trip (`cached_document`)."""
    parts = "|".join([scope, query_string, translation.get_language() or "", base_url])
    return "statistics:doc:" + hashlib.sha256(parts.encode()).hexdigest()


def document_bytes(reading: Reading, base_url: str = "") -> bytes:
    """The document as UTF-8 JSON, from the cache when this reading (parameters, scope, language, host) was
    answered since the data last changed."""
    version = data_version()
    key = document_key(reading.scope, reading.query_string(), base_url)
    if version is not None:
        entry = cache.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
    body = json.dumps(document(reading, base_url), ensure_ascii=False, separators=(",", ":")).encode()
    if version is not None:
        cache.set(key, (version, body), timeout=cache_seconds())
    return body


def figure_codes() -> list[str]:
    return [f.code for f in figures()]
