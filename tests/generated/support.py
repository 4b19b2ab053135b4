"""Shared by the generated checks (schemathesis, the role × route matrix, the scope walk): a small district
with one user of each field role and the API client, their API tokens, and a WSGI app over Django's test
handler."""
import re

from django.test.client import ClientHandler
from rest_framework.test import APIClient

from tests.factories import centre_of

PASSWORD = "Generated-checks-2026!"  # noqa: S105 - test accounts only
ROLES = ("anonymous", "bureau", "leader", "officer", "api", "department")


def token_for(username: str, password: str = PASSWORD) -> str:
    """An API token the way a client gets one: POST /api/v1/auth/token/, answered `{"token": ...}`."""
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def build_world(two_streets):
    """The two-street district plus bureau staff and the API client, and in each street (001 "a" of leader_a
    and officer_a1, 002 "b" of leader_b) one row of every kind an API detail route reads: a case with a
    photo, a patrol report, a vendor zone with a stall permit, an outdoor ad, a road segment.

    Returns {"users": {role: user}, "rows": {"<kind>_<a|b>": obj}}."""
    import datetime
    import io

    from django.utils import timezone
    from PIL import Image

    from bureau.accounts.choices import Role
    from enforcement.services import case_report, case_transition
    from enforcement.services.departments import department_account_link
    from enforcement.services.operations import operation_create
    from grids.models import OfficerAssignment, RoadSegment, StreetLeaderAssignment
    from inspections.services.patrols import patrol_report_file
    from markets.services import outdoor_ad_register, stall_permit_issue, vendor_register, vendor_zone_create
    from tests.factories import UserFactory

    early = timezone.now() - datetime.timedelta(days=400)
    StreetLeaderAssignment.objects.update(start=early)
    OfficerAssignment.objects.update(start=early)
    users = {
        "bureau": UserFactory(username="g-bureau", role=Role.BUREAU),
        "leader": two_streets["leader_a"],
        "leader_b": two_streets["leader_b"],
        "officer": two_streets["officer_a1"],
        "api": UserFactory(username="g-api", role=Role.API),
        "department": UserFactory(username="g-dept-HW", role=Role.DEPARTMENT),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    bureau = users["bureau"]
    picture = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 20, 30)).save(picture, format="PNG")
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    rows = {}
    for side, cell, leader in (("a", "a1", users["leader"]), ("b", "b1", users["leader_b"])):
        street = two_streets[side]
        lat, lng = centre_of(two_streets[cell])
        photo = io.BytesIO(picture.getvalue())
        photo.name = "photo.png"
        rows[f"case_{side}"] = case_report(acting_user=bureau, category="06010", lat=lat, lng=lng,
                                           description="生成检查", source="supervision",
                                           reporter_phone="13800138000", photos=[photo])
        rows[f"photo_{side}"] = rows[f"case_{side}"].photos.get()
        rows[f"patrol_report_{side}"] = patrol_report_file(
            acting_user=leader, date=yesterday.date(), shift="early", grid_cells=[two_streets[cell].code],
            started_at=yesterday.replace(hour=7, minute=0), ended_at=yesterday.replace(hour=9, minute=0))
        rows[f"vendor_zone_{side}"] = vendor_zone_create(
            acting_user=bureau, street=street, kind="night_snack", name=f"夜市{side}", opens_at=datetime.time(18),
            closes_at=datetime.time(23), capacity=5)
        vendor = vendor_register(acting_user=bureau, name=f"摊主{side}", phone=f"1390013900{ord(side) % 10}")
        rows[f"stall_permit_{side}"] = stall_permit_issue(acting_user=bureau, vendor=vendor,
                                                         zone=rows[f"vendor_zone_{side}"], stall_number="01")
        rows[f"outdoor_ad_{side}"] = outdoor_ad_register(acting_user=bureau, owner=f"商户{side}", location="路口",
                                                         street=street)
        rows[f"road_segment_{side}"] = RoadSegment.objects.create(code=f"{street.code}-01", name=f"路段{side}",
                                                                  street=street)
        rows[f"joint_operation_{side}"] = operation_create(
            acting_user=bureau, name=f"联合执法{side}", date=yesterday.date(), streets=[street.code],
            departments=["HW"])
    # the department's account (区环卫中心), with a case of each street referred to it
    security = UserFactory(username="g-security", role=Role.SECURITY, is_staff=True)
    department_account_link(acting_user=security, user=users["department"], department="HW")
    for side in ("a", "b"):
        lat, lng = centre_of(two_streets[f"{side}1"])
        referral = case_report(acting_user=bureau, category="06041", lat=lat, lng=lng, description="垃圾未分类",
                               source="supervision")
        case_transition(acting_user=bureau, case=referral, action="register")
        rows[f"referral_{side}"] = case_transition(acting_user=bureau, case=referral, action="dispatch", unit="HW")
    return {"users": users, "rows": rows}


class DjangoTestApp:
    """A WSGI app over Django's test handler: unlike the production handler it keeps the test's transaction
    (it does not close the database connection around each request), so a test's rows are seen and undone."""

    def __init__(self):
        self.handler = ClientHandler(enforce_csrf_checks=False)

    def __call__(self, environ, start_response):
        response = self.handler(environ)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = list(response.items())
        headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [body]


# ---------------------------------------------------------------------------------------------- routes

# Not walked: Django's admin (its own staff-only site and permissions), the language switch, and the API's
# schema and docs (public by design: they describe the API, no data).
SKIPPED_PREFIXES = ("admin/", "i18n/", "api/schema/", "api/docs/")


def _template(pattern: str) -> str:
    """`api/v1/^cases/(?P<pk>[^/.]+)/$` -> `api/v1/cases/{pk}/`; `<int:pk>` -> `{pk}`."""
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)
    text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)
    return text.replace("^", "").replace("$", "").replace("\\.", ".")


def _declared_methods(view) -> list[str]:
    """The methods a function view accepts (Django's require_http_methods keeps them in its closure)."""
    func = view
    while func is not None:
        for cell in func.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, list | tuple | set | frozenset) and value and all(
                    isinstance(m, str) and m.isupper() for m in value):
                return sorted(value)
        func = getattr(func, "__wrapped__", None)
    return ["GET", "POST"]


def _methods(callback) -> list[str]:
    if getattr(callback, "actions", None):  # a DRF viewset route (a GET served adds `head` to its actions)
        return sorted(m.upper() for m in callback.actions if m not in ("options", "head", "trace"))
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:
        return sorted(m.upper() for m in cls.http_method_names
                      if m not in ("options", "head", "trace") and hasattr(cls, m))
    return _declared_methods(callback)


def routes() -> dict[str, list[str]]:
    """{route template: methods} for every route the product serves (but SKIPPED_PREFIXES), from the URL conf."""
    from django.urls import URLResolver, get_resolver

    out: dict[str, list[str]] = {}

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
                continue
            template = _template(prefix + str(entry.pattern))
            if template.startswith(SKIPPED_PREFIXES):
                continue
            out.setdefault(template, [])
            out[template] = sorted(set(out[template]) | set(_methods(entry.callback)))

    walk(get_resolver().url_patterns)
    return out


def path_for(template: str, rows: dict, side: str = "a") -> str | None:
    """A concrete path of the route, reading the rows of street `side`; None for a route with parameters that
    has no entry here (a new route: add one)."""
    if "{" not in template and ".*" not in template:
        return "/" + template
    for prefix, fill in PATH_PARAMS.items():
        if template.startswith(prefix):
            values = fill(rows, side)
            path = template.replace(".*", "nothing")
            for name, value in values.items():
                path = path.replace("{" + name + "}", str(value))
            return None if "{" in path else "/" + path
    return None


def _case(rows, side):
    return {"pk": rows[f"case_{side}"].pk, "photo_id": rows[f"photo_{side}"].pk}


# route prefix (longest first where they share one) -> the path parameters' values
PATH_PARAMS = {
    "api/v1/streets/": lambda r, s: {"code": r[f"case_{s}"].street.code},
    "api/v1/communities/": lambda r, s: {"full_code": r[f"case_{s}"].street.code + r[f"case_{s}"].community.code},
    "api/v1/grid-cells/": lambda r, s: {"code": r[f"case_{s}"].grid.code},
    "api/v1/road-segments/": lambda r, s: {"code": r[f"road_segment_{s}"].code},
    "api/v1/categories/": lambda r, s: {"code": "06010"},
    "api/v1/cases/": _case,
    "api/v1/joint-operations/": lambda r, s: {"pk": r[f"joint_operation_{s}"].pk},
    "cases/operations/": lambda r, s: {"pk": r[f"joint_operation_{s}"].pk},
    "api/v1/vendor-zones/": lambda r, s: {"pk": r[f"vendor_zone_{s}"].pk},
    "api/v1/stall-permits/": lambda r, s: {"pk": r[f"stall_permit_{s}"].pk},
    "api/v1/outdoor-ads/": lambda r, s: {"pk": r[f"outdoor_ad_{s}"].pk},
    "api/v1/patrol-reports/": lambda r, s: {"pk": r[f"patrol_report_{s}"].pk},
    "api/v1/patrol-count-fields/": lambda r, s: {"code": "vendors_persuaded"},
    "api/v1/rankings/weekly/": lambda r, s: {"period": "2026-W47"},
    "api/v1/rankings/monthly/": lambda r, s: {"period": "2026-10"},
    "api/v1/bulletins/weekly/": lambda r, s: {"period": "2026-W47"},
    "api/v1/statistics/": lambda r, s: {"code": "cases_reported"},
    "figures/rows/": lambda r, s: {"code": "cases_reported"},
    "open311/v2/": lambda r, s: {"format": "json", "service_code": "06010",
                                 "service_request_id": r[f"case_{s}"].number, "token": "no-such-token"},
    "open311/keys/": lambda r, s: {"pk": 999999},
    "grids/cells/": lambda r, s: {"code": r[f"case_{s}"].grid.code},
    "markets/zones/": lambda r, s: {"pk": r[f"vendor_zone_{s}"].pk},
    "markets/public/zones/": lambda r, s: {"pk": r[f"vendor_zone_{s}"].pk},
    "markets/permits/": lambda r, s: {"pk": r[f"stall_permit_{s}"].pk},
    "markets/vendors/": lambda r, s: {"pk": r[f"stall_permit_{s}"].vendor_id},
    "cases/photos/": lambda r, s: {"pk": r[f"photo_{s}"].pk},
    "cases/": lambda r, s: {"pk": r[f"case_{s}"].pk},
    "inspections/patrols/": lambda r, s: {"pk": r[f"patrol_report_{s}"].pk},
    "inspections/bulletins/": lambda r, s: {"period": "2026-W47"},
}
# Routes whose rows the world above does not build yet: their parameters name no row (the matrix still checks
# who is turned away; the detail-scope walk lists them as not walked).
NO_ROWS = 999999
ROWLESS = {

    "api/v1/campaigns/": ("pk",), "api/v1/construction-sites/": ("pk",), "api/v1/demolitions/": ("pk",),
    "api/v1/discretion-standards/": ("pk",), "api/v1/dust-check-items/": ("code",), "api/v1/key-points/": ("pk",),
    "api/v1/muck-approvals/": ("pk",), "api/v1/orders/": ("pk",), "api/v1/parties/": ("pk",),
    "api/v1/occupation-approvals/": ("pk",),
    "api/v1/penalties/": ("pk",), "api/v1/rotas/": ("pk",), "api/v1/shops/": ("pk",),
    "api/v1/site-inspections/": ("pk",), "api/v1/squads/": ("pk",), "api/v1/vendors/": ("pk",),
    "cases/orders/": ("pk",), "cases/parties/": ("pk",), "inspections/campaigns/": ("pk",),
    "inspections/rotas/": ("pk",), "inspections/sites/": ("pk",),
    # farmers markets
    "api/v1/farmers-markets/": ("pk",), "api/v1/market-cleaning-rounds/": ("pk",),
    "api/v1/market-complaints/": ("pk",), "api/v1/market-inspections/": ("pk",), "api/v1/market-repairs/": ("pk",),
    "markets/farmers/": ("pk",),
}
for _prefix, _names in ROWLESS.items():
    PATH_PARAMS[_prefix] = lambda r, s, names=_names: dict.fromkeys(names, NO_ROWS)
# the more specific prefixes first ("cases/orders/" before "cases/")
PATH_PARAMS = dict(sorted(PATH_PARAMS.items(), key=lambda item: -len(item[0])))
