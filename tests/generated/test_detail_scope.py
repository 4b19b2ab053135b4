"""Out of scope is a 404, on every detail route of the API: generated from the URL conf, each route with a
path parameter is called by the leader of street 001 with the id of a row of street 002 (and, to show the
route works, with one of their own street). A new detail route is walked as soon as it exists; one that
reads reference data shared by every field role must be declared in REFERENCE_DATA with the reason."""
import pytest
from rest_framework.test import APIClient

from tests.generated.support import ROWLESS, build_world, path_for, routes
from tests.generated.test_route_matrix import RULES

pytestmark = pytest.mark.django_db

# Routes whose rows every field role reads (the map, the categories, published assessments): no scope to leave.
REFERENCE_DATA = {
    "api/v1/streets/{code}/": "streets are the district's map, read by every field role",
    "api/v1/streets/{code}/cells.geojson": "the map",
    "api/v1/streets/{code}/cells.geojson/": "the map",
    "api/v1/communities/{full_code}/": "the map",
    "api/v1/communities/{full_code}/cells.geojson": "the map",
    "api/v1/communities/{full_code}/cells.geojson/": "the map",
    "api/v1/grid-cells/{code}/": "the map: a leader sees every cell, the cases on it are scoped",
    "api/v1/road-segments/{code}/": "the map's roads (street chiefs)",
    "api/v1/road-segments/{code}/chief/": "a bureau-only write (403 for a leader before any lookup)",
    "api/v1/categories/{code}/": "the case categories",
    "api/v1/patrol-count-fields/{code}/": "the patrol form's fields",
    "api/v1/rankings/weekly/{period}/": "published for every street at once",
    "api/v1/rankings/monthly/{period}/": "published for every street at once",
    "api/v1/bulletins/weekly/{period}/": "published for every street at once",
    "api/v1/statistics/{code}/rows/": "a figure's code, not a row: the rows it lists are each scoped by visible_to",
}
# A body the leader's role may send, so the scope is what decides (an empty one would be a 400 first).
BODIES = {
    "api/v1/cases/{pk}/transitions/": {"action": "handle", "note": "处置完毕"},
    "api/v1/patrol-reports/{pk}/": {"summary": "更正", "reason": "更正"},
}


def _detail_routes():
    return {t: m for t, m in routes().items() if t.startswith("api/v1/") and "{" in t}


def test_the_walk_covers_detail_routes_and_every_declared_one_exists():
    detail = _detail_routes()
    assert len(detail) >= 20
    assert sorted(set(REFERENCE_DATA) - set(detail)) == []


@pytest.fixture
def world(two_streets):
    return build_world(two_streets)


def test_another_streets_row_is_404_on_every_detail_route(world):
    # given the leader of street 001
    client = APIClient()
    client.force_authenticate(world["users"]["leader"])
    wrong = []

    for template, methods in sorted(_detail_routes().items()):
        if template in REFERENCE_DATA or template.startswith(tuple(ROWLESS)):
            continue  # the world has no rows of the latter's kind yet (support.ROWLESS)
        own, other = path_for(template, world["rows"], "a"), path_for(template, world["rows"], "b")
        assert own and other, f"{template}: add its parameters to PATH_PARAMS in tests/generated/support.py"
        for method in methods:
            if "leader" not in RULES[f"{method} {template}"]:
                continue  # the role may never do it: 403 comes before any lookup (the matrix checks that)
            body = BODIES.get(template) if method != "GET" else None
            # when
            theirs = client.generic(method, other, data=_json(body), content_type="application/json")
            mine = client.generic(method, own, data=_json(body), content_type="application/json")
            # then: the other street's row does not exist for them; their own does. A body refused before any
            # lookup (the same 400 for their own row) tells nothing either.
            refused_first = theirs.status_code == mine.status_code == 400 and theirs.content == mine.content
            if theirs.status_code != 404 and not refused_first:
                wrong.append(f"{method} {other}: {theirs.status_code} {theirs.content[:120]!r}")
            if mine.status_code in (403, 404) or mine.status_code >= 500:
                wrong.append(f"{method} {own} (own street): {mine.status_code} {mine.content[:120]!r}")
    assert wrong == [], "\n".join(wrong)


def _json(body):
    import json

    return json.dumps(body) if body is not None else ""
