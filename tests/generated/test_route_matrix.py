"""Role × route × method, generated from the URL conf: every route under /api/v1/ and /open311/v2/ and every
page (not the admin) with each method it accepts needs a rule in RULES below, so a new endpoint without a
decided rule fails here. Each role's request is then checked against the rule: a role the rule does not name
is turned away (401 or a redirect to the login page when anonymous, 403 otherwise) and a role it names is not.
"""
import os

import pytest
from rest_framework.test import APIClient

from tests.generated.support import ROLES, build_world, path_for, routes

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(ROLES)
USERS = frozenset(ROLES) - {"anonymous"}
FIELD = frozenset({"bureau", "leader", "officer"})
READERS = FIELD | {"api"}  # rankings and bulletins
BUREAU = frozenset({"bureau"})
BUREAU_LEADER = frozenset({"bureau", "leader"})
NOBODY = frozenset()

OFFICER = frozenset({"officer"})
# cases: field staff, and departments' accounts (the cases referred to them: the rest is a 404)
CASES = FIELD | {"department"}

# "METHOD route": the roles let through (any other is turned away). Let through is not success: the request
# may still be a 400 (the empty body sent here), a 404 or a 405; the API's own tests check those.
RULES = {
    "GET ": USERS,  # the dashboard: each role its own tiles
    "POST ": USERS,
    "GET accounts/login/": EVERYONE,
    "POST accounts/login/": EVERYONE,
    "PUT accounts/login/": EVERYONE,
    # the second login step answers only inside a login that passed its password step; without one it sends
    # the caller back to the login page (which the matrix reads as turned away for an anonymous caller only)
    "GET accounts/login/otp/": USERS,
    "POST accounts/login/otp/": USERS,
    "POST accounts/logout/": USERS,
    "GET accounts/password/": USERS,
    "POST accounts/password/": USERS,
    "PUT accounts/password/": USERS,
    "GET api/v1/auth/me/": USERS,
    "POST api/v1/auth/token/": EVERYONE,  # 2xx only with a real password
    "GET api/v1/bulletins/weekly/{period}/": READERS,
    "GET api/v1/cases/": CASES,
    "POST api/v1/cases/": FIELD,
    "GET api/v1/cases/nearby/": FIELD,  # standing cases near a point, in the caller's scope
    "GET api/v1/cases/counts-by-cell/": CASES,
    "GET api/v1/cases/{pk}/": CASES,
    "GET api/v1/cases/{pk}/photos/{photo_id}/": CASES,
    "POST api/v1/cases/{pk}/transitions/": CASES,
    "GET api/v1/categories/": FIELD,
    # joint operations: bureau staff plan them; the leaders of the streets taking part read them and record into
    # them (another street's operation is a 404)
    "GET api/v1/joint-operations/": BUREAU_LEADER,
    "POST api/v1/joint-operations/": BUREAU,
    "GET api/v1/joint-operations/{pk}/": BUREAU_LEADER,
    "POST api/v1/joint-operations/{pk}/record/": BUREAU_LEADER,
    "GET cases/operations/": BUREAU_LEADER,
    "POST cases/operations/": BUREAU_LEADER,
    "GET cases/operations/new/": BUREAU,
    "POST cases/operations/new/": BUREAU,
    "GET cases/operations/{pk}/": BUREAU_LEADER,
    "POST cases/operations/{pk}/": BUREAU_LEADER,
    "GET api/v1/categories/{code}/": FIELD,
    "GET api/v1/communities/": FIELD,
    "GET api/v1/communities/{full_code}/": FIELD,
    "GET api/v1/communities/{full_code}/cells.geojson": FIELD,
    "POST api/v1/communities/{full_code}/cells.geojson": BUREAU,  # read-only alias: staff pass the write check, then 405
    "GET api/v1/communities/{full_code}/cells.geojson/": FIELD,
    "GET api/v1/frontage-coverage/": FIELD,
    "GET api/v1/grid-cells/": FIELD,
    "GET api/v1/grid-cells/geojson/": FIELD,
    "GET api/v1/grid-cells/locate/": FIELD,
    "POST api/v1/grid-cells/locate/": BUREAU,  # likewise
    "GET api/v1/grid-cells/{code}/": FIELD,
    "GET api/v1/officer-assignments/": FIELD,
    "POST api/v1/officer-assignments/": BUREAU_LEADER,  # a leader assigns the officers of their own street
    "GET api/v1/outdoor-ads/": FIELD,
    "GET api/v1/outdoor-ads/{pk}/": FIELD,
    "GET api/v1/patrol-count-fields/": BUREAU_LEADER,
    "GET api/v1/patrol-count-fields/{code}/": BUREAU_LEADER,
    "GET api/v1/patrol-coverage/": BUREAU_LEADER,
    "GET api/v1/patrol-reports/": BUREAU_LEADER,
    "POST api/v1/patrol-reports/": BUREAU_LEADER,
    "GET api/v1/patrol-reports/{pk}/": BUREAU_LEADER,
    "PATCH api/v1/patrol-reports/{pk}/": BUREAU_LEADER,
    "PUT api/v1/patrol-reports/{pk}/": BUREAU_LEADER,
    "GET api/v1/patrol-reports/{pk}/revisions/": BUREAU_LEADER,
    "GET api/v1/rankings/monthly/{period}/": READERS,
    "GET api/v1/rankings/weekly/{period}/": READERS,
    "GET api/v1/road-segments/": FIELD,
    "POST api/v1/road-segments/": BUREAU,
    "GET api/v1/road-segments/{code}/": FIELD,
    "PATCH api/v1/road-segments/{code}/": BUREAU,
    "PUT api/v1/road-segments/{code}/": BUREAU,
    "POST api/v1/road-segments/{code}/chief/": BUREAU,
    "GET api/v1/stall-permits/": FIELD,
    "GET api/v1/stall-permits/{pk}/": FIELD,
    "GET api/v1/street-leader-assignments/": FIELD,
    "POST api/v1/street-leader-assignments/": BUREAU,
    "GET api/v1/streets/": FIELD,
    "POST api/v1/streets/": BUREAU,
    "GET api/v1/streets/geojson/": FIELD,
    "GET api/v1/streets/{code}/": FIELD,
    "PATCH api/v1/streets/{code}/": BUREAU,
    "PUT api/v1/streets/{code}/": BUREAU,
    "GET api/v1/streets/{code}/cells.geojson": FIELD,
    "POST api/v1/streets/{code}/cells.geojson": BUREAU,  # likewise
    "GET api/v1/streets/{code}/cells.geojson/": FIELD,
    "GET api/v1/vendor-zones/": FIELD,
    "GET api/v1/vendor-zones/{pk}/": FIELD,
    "GET api/v1/vendors/repeat-offenders/": FIELD,
    "GET cases/": CASES,
    "POST cases/": CASES,
    "GET cases/inbox/": CASES,
    "POST cases/inbox/": CASES,
    "GET cases/new/": FIELD,
    "POST cases/new/": FIELD,
    "GET cases/photos/{pk}/": CASES,
    "POST cases/photos/{pk}/": CASES,
    "GET cases/photos/{pk}/original/": CASES,
    "POST cases/photos/{pk}/original/": CASES,
    "GET cases/{pk}/": CASES,
    "POST cases/{pk}/": CASES,
    "POST cases/{pk}/act/": CASES,
    "POST cases/{pk}/reveal-phone/": BUREAU,  # a citizen's full number: bureau staff only, audited
    "GET grids/cells/{code}/": FIELD,
    "POST grids/cells/{code}/": FIELD,
    "GET grids/map/": FIELD,
    "POST grids/map/": FIELD,
    "GET grids/my-cells/": FIELD,
    "POST grids/my-cells/": FIELD,
    "GET healthz": EVERYONE,
    "POST healthz": EVERYONE,
    "GET inspections/bulletins/": FIELD,
    "POST inspections/bulletins/": FIELD,
    "GET inspections/bulletins/{period}/": FIELD,
    "POST inspections/bulletins/{period}/": FIELD,
    "GET inspections/coverage/": BUREAU_LEADER,
    "POST inspections/coverage/": BUREAU_LEADER,
    "GET inspections/patrol/new/": BUREAU_LEADER,
    "POST inspections/patrol/new/": BUREAU_LEADER,
    "GET inspections/patrols/": BUREAU_LEADER,
    "POST inspections/patrols/": BUREAU_LEADER,
    "GET inspections/patrols/{pk}/": BUREAU_LEADER,
    "POST inspections/patrols/{pk}/": BUREAU_LEADER,
    "GET inspections/rankings/": FIELD,
    # the year in figures: bureau staff (the district) and street leaders (their street) read them
    "GET api/v1/statistics/": BUREAU_LEADER,
    "GET api/v1/statistics/live/": BUREAU_LEADER,
    "GET api/v1/statistics/{code}/rows/": BUREAU_LEADER,
    "GET figures/": BUREAU_LEADER,
    "GET figures/annex/": BUREAU_LEADER,
    "GET figures/leadership/": BUREAU_LEADER,
    "GET figures/rows/{code}/": BUREAU_LEADER,
    "GET figures/wall/": BUREAU_LEADER,
    "POST inspections/rankings/": FIELD,
    "GET inspections/report-problem/": OFFICER,  # the grid officer's phone form
    "POST inspections/report-problem/": OFFICER,
    "GET inspections/sw.js": EVERYONE,  # the offline outbox's service worker script
    "POST inspections/sw.js": EVERYONE,
    "GET markets/": FIELD,
    "POST markets/": FIELD,
    # street commerce's registers (read by field staff in scope; the permit actions decided by the workflow)
    "GET markets/zones/": FIELD,
    "GET markets/zones/{pk}/": FIELD,
    "GET markets/zones/{pk}/sign/": FIELD,
    "GET markets/vendors/": FIELD,
    "GET markets/vendors/{pk}/": FIELD,
    "GET markets/permits/": FIELD,
    "GET markets/permits/{pk}/": FIELD,
    "POST markets/permits/{pk}/": FIELD,
    # an officer passes the reader check, then the workflow refuses (403) before the form is read: the matrix
    # sees an empty body's "unknown action", a redirect, for the roles that read permits
    "POST markets/permits/{pk}/act/": FIELD,
    "GET markets/public/zones/{pk}/": EVERYONE,  # the page a zone's sign's QR code opens: public by design
    "GET api/v1/vendor-zones/geojson/": FIELD,
    # the district map's layers of farmers markets, shops and outdoor ads: field staff, each in their scope
    "GET api/v1/farmers-markets/geojson/": FIELD,
    "GET api/v1/shops/geojson/": FIELD,
    "GET api/v1/outdoor-ads/geojson/": FIELD,
    "GET open311/": EVERYONE,  # the integrators' guide
    "POST open311/": EVERYONE,
    "GET open311/keys/": BUREAU,
    "POST open311/keys/": BUREAU,
    "POST open311/keys/{pk}/revoke/": BUREAU,
    "DELETE open311/v2/.*": EVERYONE,  # GeoReport v2's own 404 for every other path
    "GET open311/v2/.*": EVERYONE,
    "PATCH open311/v2/.*": EVERYONE,
    "POST open311/v2/.*": EVERYONE,
    "PUT open311/v2/.*": EVERYONE,
    "GET open311/v2/discovery.{format}": EVERYONE,
    "GET open311/v2/requests.{format}": EVERYONE,
    "POST open311/v2/requests.{format}": NOBODY,  # only with an Open311 API key, which none of these roles sends
    "GET open311/v2/requests/{service_request_id}.{format}": EVERYONE,
    "GET open311/v2/services.{format}": EVERYONE,
    "GET open311/v2/services/{service_code}.{format}": EVERYONE,
    "GET open311/v2/tokens/{token}.{format}": EVERYONE,
    "GET platform/audit/": NOBODY,  # the audit administrator only (not one of these roles)
    "POST platform/audit/": NOBODY,
    "GET platform/calendar/": BUREAU,
    "POST platform/calendar/": BUREAU,
    "GET platform/jobs/": BUREAU,
    "POST platform/jobs/": BUREAU,
    # added with parties, orders, penalties, sites, campaigns, rotas and street commerce's registers
    "GET api/v1/campaigns/": FIELD,
    "GET api/v1/campaigns/{pk}/": FIELD,
    "GET api/v1/campaigns/{pk}/progress/": FIELD,
    "GET api/v1/construction-sites/": FIELD,
    "GET api/v1/construction-sites/{pk}/": FIELD,
    "GET api/v1/construction-sites/geojson/": FIELD,
    "GET api/v1/demolitions/": FIELD,
    "GET api/v1/demolitions/{pk}/": FIELD,
    "GET api/v1/discretion-standards/": FIELD,
    "GET api/v1/discretion-standards/current/range/": FIELD,
    "GET api/v1/discretion-standards/{pk}/": FIELD,
    "GET api/v1/dust-check-items/": FIELD,
    "GET api/v1/dust-check-items/{code}/": FIELD,
    "GET api/v1/key-points/": BUREAU_LEADER,
    "GET api/v1/key-points/{pk}/": BUREAU_LEADER,
    "GET api/v1/muck-approvals/": FIELD,
    "GET api/v1/muck-approvals/{pk}/": FIELD,
    "GET api/v1/orders/": FIELD,
    "GET api/v1/orders/{pk}/": FIELD,
    "GET api/v1/orders/{pk}/pdf/": FIELD,
    "GET api/v1/parties/": FIELD,
    "GET api/v1/parties/{pk}/": FIELD,
    "GET api/v1/parties/{pk}/history/": FIELD,
    "GET api/v1/penalties/": FIELD,
    "GET api/v1/penalties/{pk}/": FIELD,
    "GET api/v1/rotas/": BUREAU_LEADER,
    "GET api/v1/rotas/{pk}/": BUREAU_LEADER,
    "GET api/v1/rotas/{pk}/plan-vs-done/": BUREAU_LEADER,
    "GET api/v1/shops/": FIELD,
    "GET api/v1/shops/{pk}/": FIELD,
    "GET api/v1/site-census/": FIELD,
    "GET api/v1/site-inspections/": FIELD,
    "GET api/v1/site-inspections/{pk}/": FIELD,
    "GET api/v1/squads/": BUREAU_LEADER,
    "GET api/v1/squads/{pk}/": BUREAU_LEADER,
    "GET api/v1/vendor-zones/check/": FIELD,
    "POST api/v1/vendor-zones/check/": BUREAU,  # the hot path hands it to the action: the zone writers pass, then 405
    "GET api/v1/vendors/": FIELD,
    "GET api/v1/vendors/{pk}/": FIELD,
    "GET cases/orders/": FIELD,
    "GET cases/orders/{pk}/": FIELD,
    "GET cases/orders/{pk}/pdf/": FIELD,
    "GET cases/parties/{pk}/": FIELD,
    "GET cases/penalties/": FIELD,
    "GET inspections/campaigns/": FIELD,
    "GET inspections/campaigns/{pk}/report/": FIELD,
    "GET inspections/illegal-building/": FIELD,
    "GET inspections/rotas/": BUREAU_LEADER,
    "GET inspections/rotas/{pk}/": BUREAU_LEADER,
    "GET inspections/sites/": FIELD,
    "GET inspections/sites/census/": FIELD,
    "GET inspections/sites/inspect/": BUREAU_LEADER,
    "GET inspections/sites/{pk}/": FIELD,
    "PATCH api/v1/construction-sites/{pk}/": BUREAU_LEADER,
    "PATCH api/v1/vendor-zones/{pk}/": BUREAU,
    "POST api/v1/campaigns/": BUREAU,
    "POST api/v1/cases/{pk}/party/": BUREAU_LEADER,
    "POST api/v1/construction-sites/": BUREAU_LEADER,
    "POST api/v1/demolitions/": BUREAU_LEADER,
    "POST api/v1/muck-approvals/": BUREAU,
    "POST api/v1/orders/": BUREAU_LEADER,
    "POST api/v1/orders/{pk}/escalate/": BUREAU_LEADER,
    "POST api/v1/orders/{pk}/follow-up/": BUREAU_LEADER,
    "POST api/v1/outdoor-ads/": BUREAU_LEADER,
    "POST api/v1/outdoor-ads/{pk}/status/": BUREAU_LEADER,
    "POST api/v1/parties/": BUREAU_LEADER,
    "POST api/v1/penalties/": BUREAU_LEADER,
    "POST api/v1/penalties/{pk}/steps/": FIELD,  # observed with no such penalty (a 404 for an officer): review with a row
    "POST api/v1/rotas/": BUREAU_LEADER,
    "POST api/v1/shops/": BUREAU_LEADER,
    "POST api/v1/shops/{pk}/agreements/": BUREAU_LEADER,
    "GET api/v1/shops/{pk}/agreements/": FIELD,
    "POST api/v1/shops/{pk}/commitments/": BUREAU_LEADER,
    "GET api/v1/shops/{pk}/commitments/": FIELD,
    "PATCH api/v1/shops/{pk}/": BUREAU_LEADER,
    "GET api/v1/frontage-coverage/cells/": FIELD,
    "GET api/v1/ad-ratios/": FIELD,
    "POST api/v1/ad-ratios/": BUREAU,
    "PATCH api/v1/outdoor-ads/{pk}/": BUREAU_LEADER,
    "POST api/v1/outdoor-ads/{pk}/approval/": BUREAU_LEADER,
    "POST api/v1/outdoor-ads/{pk}/removal-order/": BUREAU_LEADER,
    "POST api/v1/outdoor-ads/{pk}/removal-follow-up/": BUREAU_LEADER,
    "GET markets/shops/": FIELD,
    "GET markets/ads/": FIELD,
    "POST api/v1/site-inspections/": BUREAU_LEADER,
    "POST api/v1/stall-permits/": BUREAU_LEADER,
    "POST api/v1/stall-permits/{pk}/approve/": BUREAU,
    "POST api/v1/stall-permits/{pk}/reject/": BUREAU_LEADER,
    "POST api/v1/stall-permits/{pk}/renew/": BUREAU,
    "POST api/v1/stall-permits/{pk}/review/": BUREAU_LEADER,
    "POST api/v1/stall-permits/{pk}/revoke/": BUREAU,
    "POST api/v1/vendor-zones/": BUREAU,
    "POST api/v1/vendors/": BUREAU_LEADER,
    "POST cases/orders/": FIELD,
    "POST cases/orders/{pk}/": FIELD,
    "POST cases/orders/{pk}/pdf/": FIELD,
    "POST cases/parties/{pk}/": FIELD,
    "POST cases/penalties/": FIELD,
    "POST inspections/campaigns/": FIELD,
    "POST inspections/campaigns/{pk}/report/": FIELD,
    "POST inspections/illegal-building/": FIELD,
    "POST inspections/rotas/": BUREAU_LEADER,
    "POST inspections/rotas/{pk}/": BUREAU_LEADER,
    "POST inspections/sites/": FIELD,
    "POST inspections/sites/census/": FIELD,
    "POST inspections/sites/inspect/": BUREAU_LEADER,
    "POST inspections/sites/{pk}/": FIELD,
    "PUT api/v1/construction-sites/{pk}/": BUREAU_LEADER,
    "PUT api/v1/vendor-zones/{pk}/": BUREAU,
    # repeat offenders across streets: the district view crosses every street, the bureau's alone
    "GET api/v1/repeat-offenders/": BUREAU,
    "GET cases/repeat-offenders/": BUREAU,
    "POST cases/repeat-offenders/": BUREAU,
    # farmers markets: registers by the street and the bureau; field work (rounds, inspections, complaints
    # received, repairs reported) by any field staff; handling a complaint and signing off a repair by the street
    "GET api/v1/farmers-markets/": FIELD,
    "POST api/v1/farmers-markets/": BUREAU_LEADER,
    "GET api/v1/farmers-markets/{pk}/": FIELD,
    "GET api/v1/market-cleaning-rounds/": FIELD,
    "POST api/v1/market-cleaning-rounds/": FIELD,
    "GET api/v1/market-cleaning-rounds/{pk}/": FIELD,
    "GET api/v1/market-complaints/": FIELD,
    "POST api/v1/market-complaints/": FIELD,
    "GET api/v1/market-complaints/{pk}/": FIELD,
    "POST api/v1/market-complaints/{pk}/handle/": BUREAU_LEADER,
    "GET api/v1/market-inspections/": FIELD,
    "POST api/v1/market-inspections/": FIELD,
    "GET api/v1/market-inspections/{pk}/": FIELD,
    "GET api/v1/market-repairs/": FIELD,
    "POST api/v1/market-repairs/": FIELD,
    "GET api/v1/market-repairs/{pk}/": FIELD,
    "POST api/v1/market-repairs/{pk}/fix/": BUREAU_LEADER,
    "GET markets/farmers/": FIELD,
    "POST markets/farmers/": FIELD,
    "GET markets/farmers/complaints/": FIELD,
    "POST markets/farmers/complaints/": FIELD,
    "GET markets/farmers/{pk}/": FIELD,
    "POST markets/farmers/{pk}/": FIELD,
    "GET markets/farmers/photos/{pk}/": FIELD,
    "POST markets/farmers/photos/{pk}/": FIELD,
    # added with where the brigades' time goes (squads taken off the rota, hours per street)
    "GET api/v1/brigade-time/": BUREAU_LEADER,
    "POST api/v1/rotas/{pk}/take-off/": BUREAU_LEADER,
    "GET inspections/rotas/time/": BUREAU_LEADER,
    # added with district approvals of temporary occupation
    "GET api/v1/occupation-approvals/": FIELD,
    "GET api/v1/occupation-approvals/{pk}/": FIELD,
    "GET api/v1/occupation-approvals/check/": FIELD,
    "POST api/v1/occupation-approvals/": BUREAU,
    "GET inspections/approvals/": FIELD,
    "POST inspections/approvals/": FIELD,
    "POST inspections/rotas/time/": BUREAU_LEADER,
}


def _request(role, users, method, path):
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(users[role]) if path.startswith(("/api/", "/open311/v2/")) else \
            client.force_login(users[role])
    if method not in ("POST", "PUT", "PATCH"):
        return client.generic(method, path)
    if path.startswith("/open311/v2/"):  # GeoReport v2 posts forms
        return client.generic(method, path, data="", content_type="application/x-www-form-urlencoded")
    return client.generic(method, path, data=b"{}", content_type="application/json")


def _turned_away(role, response) -> bool:
    if role == "anonymous":
        return response.status_code in (401, 403) or (  # Open311 answers 403 (GeoReport v2)
            response.status_code == 302 and "/accounts/login/" in response.get("Location", ""))
    return response.status_code == 403


def test_every_route_and_method_has_a_rule():
    # given every route the URL conf serves
    served = {f"{method} {template}" for template, methods in routes().items() for method in methods}

    # then each has a rule, and no rule names a route that is gone
    assert sorted(served - set(RULES)) == [], "routes without a rule in RULES: decide who may call them"
    assert sorted(set(RULES) - served) == [], "rules for routes that no longer exist"


@pytest.fixture
def world(two_streets):
    return build_world(two_streets)


def test_each_role_gets_what_the_rule_says(world):
    # given
    users, rows = world["users"], world["rows"]
    wrong, observed = [], {}

    # when each role calls each route with each method
    for template, methods in sorted(routes().items()):
        path = path_for(template, rows)
        assert path is not None, f"{template}: add its parameters to PATH_PARAMS in tests/generated/support.py"
        for method in methods:
            key = f"{method} {template}"
            for role in ROLES:
                response = _request(role, users, method, path)
                assert response.status_code < 500, f"{role} {method} {path}: {response.status_code}"
                turned_away = _turned_away(role, response)
                if not turned_away:
                    observed.setdefault(key, set()).add(role)
                observed.setdefault(key, set())
                expected = RULES.get(key)
                if expected is not None and (role in expected) == turned_away:
                    wrong.append(f"{key} as {role}: {response.status_code} (rule: {sorted(expected)})")

    # then
    if os.environ.get("MATRIX_PRINT"):  # what a new route's rule would be, to review before adding it
        for key in sorted(observed):
            if key not in RULES:
                print(f'    "{key}": {sorted(observed[key])},')
        print("\n".join(wrong))
    assert wrong == []
