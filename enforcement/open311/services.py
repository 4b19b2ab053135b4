"""Writes for Open311 (issuing and revoking keys, filing a request) and the shape of a public request.

A request filed over Open311 becomes a case through `case_report` with source `open311` (only this
channel may make that source), acting as the key's service account, so it walks the same workflow as
every other case; its Open311 status, agency and expected time are read from the case each time.
"""
import functools
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from bureau import clock
from bureau.accounts.choices import Role
from bureau.accounts.models import User
from bureau.audit.services import audit_record
from bureau.workcalendar.choices import TimeUnit
from enforcement import pii
from enforcement.choices import CaseSource, CaseStatus
from enforcement.models import Category
from enforcement.services import case_report
from grids.gazetteer import locate_address

from .choices import Datatype, PublicStatus
from .models import ApiKey, ServiceAttribute, ServiceRequest
from .querysets import CLOSED_STATUSES, secret_hash

MAX_DESCRIPTION = 4000  # GeoReport v2: "free form text limited to 4,000 characters"
# Statuses in which the street's brigade (or the department) has the case: it is theirs to answer for.
UNIT_STATUSES = (CaseStatus.DISPATCHED, CaseStatus.HANDLED, CaseStatus.CLOSED)


class UnknownService(Exception):
    """The service_code names no active category (404, as the specification says)."""


# ---------------------------------------------------------------------------------------------- keys


def _require_bureau(acting_user):
    if acting_user is not None and not (acting_user.is_authenticated and acting_user.is_bureau_staff):
        raise PermissionDenied(_("只有区局督查人员可以管理 Open311 密钥。"))


@transaction.atomic
def api_key_issue(*, acting_user, name: str, rate_limit: int = 60, secret: str | None = None):
    """Issue a key: returns (key, secret). The secret is shown once; only its hash is kept.

    `acting_user=None` is the system (the demo seed), which may also choose the secret."""
    _require_bureau(acting_user)
    if secret is not None and acting_user is not None:
        raise PermissionDenied(_("密钥由系统随机生成。"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("请填写名称")]})
    secret = secret or secrets.token_urlsafe(32)
    if ApiKey.objects.filter(secret_hash=secret_hash(secret)).exists():
        raise ValidationError({"secret": [_("该密钥已存在")]})
    now = clock.now()
    user = User(username=f"open311-{secrets.token_hex(4)}", role=Role.API, first_name=name[:150])
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    key = ApiKey(name=name, prefix=secret[:6], secret_hash=secret_hash(secret), rate_limit=rate_limit, user=user,
                 created_at=now, created_by=acting_user if getattr(acting_user, "pk", None) else None)
    key.full_clean()
    key.save()
    audit_record(actor=acting_user, action="open311.key_issue", obj=key,
                 detail={"name": name, "rate_limit": rate_limit, "account": user.username}, username="system")
    return key, secret


@transaction.atomic
def api_key_revoke(*, acting_user, api_key: ApiKey) -> ApiKey:
    """Revoke a key: it stops working at once, and so does its service account."""
    _require_bureau(acting_user)
    key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if key.revoked_at is not None:
        return key
    key.revoked_at = clock.now()
    key.revoked_by = acting_user if getattr(acting_user, "pk", None) else None
    key.save(update_fields=["revoked_at", "revoked_by"])
    User.objects.filter(pk=key.user_id).update(is_active=False)
    audit_record(actor=acting_user, action="open311.key_revoke", obj=key, detail={"name": key.name},
                 username="system")
    return key


def api_key_for_secret(secret) -> ApiKey | None:
    return ApiKey.objects.by_secret(secret).first()


# ---------------------------------------------------------------------------------------------- reads


def service_notice(limit, unit) -> str:
    """The category's handling time limit in words: "派遣后 4 工作时内处置"."""
    return _service_notice(limit, unit, translation.get_language())


@functools.lru_cache(maxsize=1024)  # a list of 1,000 requests has a few dozen categories: words made once each
def _service_notice(limit, unit, language) -> str:
    amount = f"{limit:f}".rstrip("0").rstrip(".") if limit is not None else "?"
    return _("派遣后 %(amount)s %(unit)s内处置") % {"amount": amount, "unit": TimeUnit(unit).label}


def request_rows(rows) -> list[dict]:
    """Public requests from `public_cases().values(*PUBLIC_FIELDS, "public_note")` rows.

    Built in bulk for a page of up to 1,000: the time zone, the language and the words of each street, category
    and the bureau are looked up once per call, not once per row (per row they were three quarters of the list's
    time: every `localtime` and `gettext` reads thread-local state)."""
    zone = timezone.get_current_timezone()
    language = translation.get_language()
    bureau = _("%(district)s城市管理局") % {"district": settings.DISTRICT_NAME}
    brigades: dict = {}  # street name -> the street's brigade, in the active language
    notices: dict = {}  # (limit, unit) -> the time limit in words
    closed, unit_statuses = frozenset(CLOSED_STATUSES), frozenset(UNIT_STATUSES)
    open_, closed_ = str(PublicStatus.OPEN.value), str(PublicStatus.CLOSED.value)

    def w3(moment):  # ISO 8601 with the offset (Asia/Shanghai), as GeoReport v2 writes datetimes
        return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None

    out = []
    for row in rows:
        status = row["status"]
        # The department of a referral; the street's brigade once dispatched; the district bureau before.
        agency = row["handling_department__name"]
        if not agency:
            if status in unit_statuses:
                street = row["street__name"]
                agency = brigades.get(street)
                if agency is None:
                    agency = brigades[street] = _("%(street)s执法大队") % {"street": street}
            else:
                agency = bureau
        limit = (row["category__handle_limit"], row["category__handle_unit"])
        notice = notices.get(limit)
        if notice is None:
            notice = notices[limit] = _service_notice(*limit, language)
        out.append({
            "service_request_id": row["number"],
            "status": closed_ if status in closed else open_,
            "status_notes": row["public_note"] or None,
            "service_name": row["category__name"],
            "service_code": row["category__code"],
            "description": row["description"],
            "agency_responsible": agency,
            "service_notice": notice,
            "requested_datetime": w3(row["reported_at"]),
            "updated_datetime": w3(row["updated_at"]),
            "expected_datetime": w3(row["handling_due_at"]),
            "address": row["address"] or None,
            "address_id": None,
            "zipcode": None,
            "lat": row["lat"],
            "long": row["lng"],
            "media_url": row["open311__media_url"] or None,
        })
    return out


def service_row(category, has_attributes: bool) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.major_name}：{category.name}",
        "metadata": has_attributes,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([*category.name.replace("（", "、").replace("）", "").split("、"),
                                             category.major_name])),
        "group": category.major_name,
    }


def attribute_row(attribute: ServiceAttribute) -> dict:
    return {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": attribute.order,
        "description": attribute.description,
        "values": [{"key": v.get("key"), "name": v.get("name")} for v in attribute.values or []],
    }


# ---------------------------------------------------------------------------------------------- filing


def _category(service_code) -> Category:
    code = str(service_code or "").strip()
    if not code:
        raise ValidationError({"service_code": [_("请提供 service_code")]})
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise UnknownService(_("未知的 service_code：%(code)s") % {"code": code[:20]})
    return category


def _check_attributes(category, given: dict) -> tuple[dict, list[str]]:
    """Validated attribute values {code: value or [values]} and lines "说明：值" for the case's trail."""
    defined = {a.code: a for a in ServiceAttribute.objects.for_service(category)}
    errors: list[str] = []
    for code in given:
        if code not in defined:
            errors.append(_("未知的属性 attribute[%(code)s]") % {"code": code[:32]})
    out, lines = {}, []
    for code, attribute in defined.items():
        values = [str(v).strip() for v in given.get(code, []) if str(v).strip()]
        if not values:
            if attribute.required:
                errors.append(_("缺少必填属性 attribute[%(code)s]（%(label)s）") % {"code": code, "label": attribute.description})
            continue
        names = {str(v.get("key")): str(v.get("name")) for v in attribute.values or [] if isinstance(v, dict)}
        if attribute.datatype in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST):
            unknown = [v for v in values if v not in names]
            if unknown or (attribute.datatype == Datatype.SINGLEVALUELIST and len(values) > 1):
                errors.append(_("属性 attribute[%(code)s] 的值无效：%(value)s；可选：%(keys)s") % {
                    "code": code, "value": ", ".join(values)[:100], "keys": ", ".join(names)})
                continue
            out[code] = values if attribute.datatype == Datatype.MULTIVALUELIST else values[0]
            lines.append(f"{attribute.description}：{'、'.join(names[v] for v in values)}")
            continue
        value = values[0]
        if attribute.datatype == Datatype.NUMBER:
            try:
                number = float(value)
            except ValueError:
                number = float("nan")
            if number != number or number in (float("inf"), float("-inf")):
                errors.append(_("属性 attribute[%(code)s] 须为数字") % {"code": code})
                continue
        elif attribute.datatype == Datatype.DATETIME and parse_datetime(value) is None:
            errors.append(_("属性 attribute[%(code)s] 须为 ISO 8601 日期时间") % {"code": code})
            continue
        elif len(value) > 1000:
            errors.append(_("属性 attribute[%(code)s] 过长") % {"code": code})
            continue
        out[code] = value
        lines.append(f"{attribute.description}：{value}")
    if errors:
        raise ValidationError({"attribute": errors})
    return out, lines


def mask_email(value: str) -> str:
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def _point(lat, long, address_string):
    if lat not in (None, "") or long not in (None, ""):
        if lat in (None, "") or long in (None, ""):
            raise ValidationError({"lat": [_("lat 与 long 须同时提供")]})
        return lat, long
    if address_string:
        match = locate_address(address_string)
        if match is None:
            raise ValidationError({"address_string": [_("无法在本区地名库中找到该地址：%(address)s") % {
                "address": address_string[:100]}]})
        return match.lat, match.lng
    raise ValidationError({"lat": [_("请提供 lat 和 long，或 address_string")]})


def _text(value, limit, field):
    value = str(value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: [_("%(field)s 最多 %(limit)s 个字符") % {"field": field, "limit": limit}]})
    return value


@transaction.atomic
def open311_request_file(*, api_key: ApiKey, service_code, lat=None, long=None, address_string="", attributes=None,
                         description="", media_url="", email="", phone="", first_name="", last_name="",
                         account_id="", device_id="") -> ServiceRequest:
    """File a request as a case (source open311). Raises UnknownService (404) or ValidationError (400)."""
    category = _category(service_code)
    description = str(description or "")
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError({"description": [_("description 最多 %(limit)s 个字符（收到 %(n)s 个）") % {
            "limit": MAX_DESCRIPTION, "n": len(description)}]})
    values, lines = _check_attributes(category, attributes or {})
    address_string = _text(address_string, 255, "address_string")
    point = _point(lat, long, address_string)
    media_url = _text(media_url, 1000, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            raise ValidationError({"media_url": [_("media_url 不是有效的网址")]}) from exc
    email = _text(email, 254, "email")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError as exc:
            raise ValidationError({"email": [_("email 不是有效的电子邮箱")]}) from exc
    phone = _text(phone, 32, "phone")
    name = _text(f"{_text(last_name, 32, 'last_name')}{_text(first_name, 32, 'first_name')}", 64, "first_name")
    account_id, device_id = _text(account_id, 64, "account_id"), _text(device_id, 64, "device_id")
    note = "\n".join([_("Open311 · %(key)s") % {"key": api_key.name}, *lines]
                     + ([_("媒体：%(url)s") % {"url": media_url}] if media_url else []))
    case = case_report(
        acting_user=api_key.user, category=category, lat=point[0], lng=point[1],
        description=description.strip() or category.name, source=CaseSource.OPEN311, channel=CaseSource.OPEN311,
        address=address_string, reporter_name=name, reporter_phone=phone, note=note,
    )
    now = clock.now()
    request = ServiceRequest(
        case=case, api_key=api_key, token=secrets.token_hex(16), attributes=values, address_string=address_string,
        media_url=media_url, email_encrypted=pii.encrypt(email), email_masked=mask_email(email) if email else "",
        account_id=account_id, device_id=device_id, created_at=now,
    )
    request.full_clean(exclude=["case", "api_key"])
    request.save()
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    audit_record(actor=api_key.user, action="open311.request_file", obj=case,
                 detail={"key": api_key.name, "key_id": api_key.pk, "number": case.number,
                         "service_code": category.code})
    return request
