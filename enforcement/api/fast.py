"""A case and a page of cases in the API's fast lane (bureau/fastlane.py).

A token client of field staff reading `GET /api/v1/cases/<id>/` or `GET /api/v1/cases/` (optionally
`?street=`, `?page=`, `?page_size=`) is answered here: the same rows `CaseViewSet` reads — `visible_to`, the
repeat-offender flag, the history with its actors and photos, the viewer's actions — through querysets
compiled once per shape (bureau/prepared.py), the auth generation, the list's cached count and the
throttle's counter in one round trip to the cache, and the same JSON bytes and headers the viewset gives
(tests/enforcement/test_case_lane.py). Anything else (another filter, a department's account, a case out
of scope, a page past the end, a count not yet cached, a throttled client) returns None and the viewset
answers it.
"""
from types import SimpleNamespace

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from rest_framework.utils.urls import remove_query_param, replace_query_param

from bureau.accounts.models import User
from bureau.api.renderers import FastJSONRenderer
from bureau.fastlane import cached_and_allowed, caller
from bureau.prepared import Prepared
from grids.models import Street

from ..models import Case, CaseEvent, CasePhoto
from ..pagination import VERSION_KEY, count_cache_key, count_key, fresh_count, keep_count
from .serializers import LIST_FIELDS, _dt, case_row
from .views import CasesThrottle, CaseViewSet

_render = FastJSONRenderer().render
_DETAIL_ALLOW = "GET, HEAD, OPTIONS"
_LIST_ALLOW = "GET, POST, HEAD, OPTIONS"
_PARTY = ("party__id", "party__kind", "party__name", "party__id_number_masked", "party__phone_masked")
_ACTIONS = ("street_id", "handling_department_id", "referral_accepted_at")
_LIST_PARAMS = frozenset({"street", "page", "page_size"})


def _stand_in_user(role, superuser, pk):
    return User(pk=pk, role=role, is_superuser=superuser, is_active=True)


def _cases(shape, role, superuser, *, user, pk=None, street=None):
    """The rows CaseViewSet reads, as `.values()`: one case (detail) or a page (list)."""
    viewer = _stand_in_user(role, superuser, user)
    rows = Case.objects.visible_to(viewer)
    kind = shape[0]
    if kind == "case":
        rows = rows.filter(pk=pk).with_viewer_leads_street(viewer).with_repeat_flag()
        extra = ("viewer_leads_street",) if viewer.is_street_leader else ()
        return rows.values(*LIST_FIELDS, "repeat_offender", *_PARTY, *_ACTIONS, *extra)
    if shape[4]:  # filtered by street (shape: kind, role, superuser, window days, street?, [offset, size])
        rows = rows.filter(street_id=street)
    rows = rows.with_repeat_flag().values(*LIST_FIELDS, "repeat_offender")
    if kind == "first-pages":  # the bounds written into the statement (see _FIRST_PAGES)
        offset, size = shape[5], shape[6]
        return rows[offset:offset + size]
    return rows  # the page's bounds are parameters


def _counted(shape, role, superuser, *, user, street):
    """The rows the list counts: the caller's scope and filters, without the page's joins."""
    rows = Case.objects.visible_to(_stand_in_user(role, superuser, user))
    return (rows.filter(street_id=street) if shape[-1] else rows).order_by().values("pk")


_case_rows = Prepared(_cases, ("user", "pk", "street"))
_case_pages = Prepared(_cases, ("user", "street"), paged=True)
_first_pages = Prepared(_cases, ("user", "street"))
# The pages most read: the first five in the usual sizes, each its own statement prepared on the server with its
# bounds written in, so PostgreSQL's plan knows them (planning a page cost as much as reading it); the shapes are
# bounded (roles x filter x 5 x 3), so no client can grow them. Other pages share one statement per role and
# filter with their bounds as parameters, planned at each call.
_FIRST_PAGES = {"pages": 5, "sizes": frozenset({20, 50, 100})}
_case_count = Prepared(_counted, ("user", "street"))
_history = Prepared(
    lambda shape, *, pk: CaseEvent.objects.filter(case_id=pk).order_by("seq").values(
        "seq", "action", "from_status", "to_status", "actor_id", "actor__username", "recorded_at", "note", "due_at",
        "handling_due_at", "data", "id"),
    ("pk",))
_photos = Prepared(
    lambda shape, *, pk: CasePhoto.objects.filter(event__case_id=pk).order_by("event_id", "id").values(
        "id", "event_id", "sha256", "content_type", "size"),
    ("pk",))
_street_ids = Prepared(lambda shape, *, code: Street.objects.filter(code=code).values("pk"), ("code",),
                       texts=("code",))


def _reader(request):
    """The caller, if the lane may answer them: field staff by token (a department's account: the viewset)."""
    call = caller(request)
    if call is None:
        return None
    user = call.user
    if not (user.is_bureau_staff or user.is_street_leader or user.is_grid_officer):
        return None
    return call


def _allowed(request, call, keys=()):
    """The cached values under `keys` when the viewset's throttle allows the request (counted now), else None."""
    return cached_and_allowed(request, call, CasesThrottle(), keys)


def _json(data, allow):
    response = HttpResponse(_render(data), content_type="application/json")
    response["Allow"] = allow
    return response


def _shape_of(user):
    return user.role, user.is_superuser, settings.REPEAT_OFFENDER_WINDOW_DAYS


def lane_case(request, pk):
    from ..services import available_actions

    if request.GET:
        return None
    call = _reader(request)
    if call is None or _allowed(request, call) is None:
        return None
    user = call.user
    pk = int(pk)
    found = _case_rows.rows(("case", *_shape_of(user)), user.role, user.is_superuser, user=user.pk, pk=pk)
    if not found:
        return None  # not there, or not in the caller's scope: the viewset's 404
    row = found[0]
    photos = {}
    events = _history.rows(("history",), pk=pk)
    if events:
        for photo in _photos.rows(("photos",), pk=pk):
            photos.setdefault(photo["event_id"], []).append(
                {"id": photo["id"], "url": reverse("case-photo", args=[pk, photo["id"]]), "sha256": photo["sha256"],
                 "content_type": photo["content_type"], "size": photo["size"]})
    data = case_row(row)
    data["history"] = [{
        "seq": e["seq"], "action": e["action"], "from": e["from_status"] or None, "to": e["to_status"],
        "actor": e["actor__username"] if e["actor_id"] else None, "at": _dt(e["recorded_at"]), "note": e["note"],
        "due_at": _dt(e["due_at"]), "handling_due_at": _dt(e["handling_due_at"]), "data": e["data"],
        "photos": photos.get(e["id"], []),
    } for e in events]
    data["party"] = None if row["party__id"] is None else {
        "id": row["party__id"], "kind": row["party__kind"], "name": row["party__name"],
        "id_number": row["party__id_number_masked"], "phone": row["party__phone_masked"]}
    case = SimpleNamespace(**{name: row[name] for name in (
        "status", "due_at", "extension_requested", "extensions_approved", *_ACTIONS)})
    if "viewer_leads_street" in row:
        case.viewer_leads_street = row["viewer_leads_street"]
    data["available_actions"] = available_actions(user, case)
    return _json(data, _DETAIL_ALLOW)


def _page_number(raw) -> int | None:
    if raw is None:
        return 1
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if number >= 1 else None


def _page_size(raw) -> int:
    """DRF's reading of `page_size`: a positive integer, at most the maximum; anything else the default."""
    pagination = CaseViewSet.pagination_class
    try:
        size = int(raw)
    except (TypeError, ValueError):
        return pagination.page_size
    return min(size, pagination.max_page_size) if size > 0 else pagination.page_size


def lane_cases(request):
    query = request.GET
    if not set(query) <= _LIST_PARAMS or any(len(query.getlist(name)) != 1 for name in query):
        return None
    number = _page_number(query.get("page"))
    if number is None:
        return None
    call = _reader(request)
    if call is None:
        return None
    user = call.user
    scope = count_key(request)
    found = _allowed(request, call, [VERSION_KEY, count_cache_key(scope)])
    if found is None:
        return None
    version, count = found[0], fresh_count(found[0], found[1])
    street = None
    if "street" in query:
        ids = _street_ids.rows(("street",), code=query["street"])
        if not ids:
            return None  # an unknown street: the viewset's empty page
        street = ids[0]["pk"]
    size = _page_size(query.get("page_size"))
    if count is None:
        count = _case_count.count(("count", *_shape_of(user), street is not None), user.role, user.is_superuser,
                                  user=user.pk, street=street)
        keep_count(scope, version, count)
    pages = max(1, -(-count // size))
    if number > pages:
        return None  # the viewset's 404
    offset = (number - 1) * size
    if number <= _FIRST_PAGES["pages"] and size in _FIRST_PAGES["sizes"]:
        shape = ("first-pages", *_shape_of(user), street is not None, offset, size)
        rows = _first_pages.rows(shape, user.role, user.is_superuser, user=user.pk, street=street)
    else:
        shape = ("page", *_shape_of(user), street is not None)
        rows = _case_pages.rows(shape, user.role, user.is_superuser, user=user.pk, street=street, limit=size,
                                offset=offset)
    url = request.build_absolute_uri()
    data = {
        "count": count,
        "next": replace_query_param(url, "page", number + 1) if number < pages else None,
        "previous": None if number == 1 else (remove_query_param(url, "page") if number == 2
                                              else replace_query_param(url, "page", number - 1)),
        "results": [case_row(r) for r in rows],
    }
    return _json(data, _LIST_ALLOW)


__all__ = ["lane_case", "lane_cases", "keep_count"]
