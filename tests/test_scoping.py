"""Every model with `objects.visible_to(user)`, walked with every role, against the assignments.

The models are discovered (django.apps.apps.get_models()), so a new model with `visible_to` is walked too
and fails until its scope is known: either its queryset declares where its rows are (`scope_street`, and
`scope_cell` for rows in a cell: grids.querysets.PlacedQuerySet), or EXPECTED below says what it shows.

The work scope, read from the assignments in force now: bureau staff (superusers included) every row; a
street leader the rows of the street they lead; a grid officer the rows in the cells they hold (the rows
of those cells' streets, for rows that have no cell); the API client, the auditor, an inactive user and an
anonymous one nothing. The fixture gives the leader an ended assignment to the other street and the
officer an ended one to a cell there, so "now" is tested, and street 001 a third cell the officer does
not hold, so a cell-scoped row is told from a street-scoped one.
"""
from dataclasses import dataclass, field
from datetime import time, timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from bureau.accounts.choices import Role
from tests.conftest import make_user
from tests.factories import CommunityFactory, GridCellFactory, StreetFactory, centre_of

FIELD_STAFF = frozenset({"bureau", "superuser", "leader", "officer"})
ROLES = ("bureau", "leader", "officer", "api", "auditor", "superuser", "inactive", "anonymous", "department")
# What a department's account sees, per model: the rows whose path names its department (every other model:
# nothing).
DEPARTMENT_PATHS = {"enforcement.Case": "handling_department"}


@dataclass(frozen=True)
class Placed:
    """Rows in a street (`street`: the path to it, or a tuple: in scope through any) and maybe a cell
    (`cell`): the work scope decides, for the `roles` it applies to; every other role sees none."""

    street: str | tuple
    cell: str | None = None
    roles: frozenset = FIELD_STAFF


@dataclass(frozen=True)
class Audience:
    """Rows of no place: these roles see every row, every other role none."""

    roles: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Own:
    """Each user sees the rows whose `user_field` is them."""

    user_field: str


# Models whose queryset declares no place. To add a model: declare `scope_street` (and `scope_cell`) on its
# queryset, or say here what it shows.
EXPECTED = {
    "audit.AuditEntry": Audience(frozenset({"auditor"})),
    "jobs.JobRun": Audience(frozenset({"bureau", "superuser"})),
    "idempotency.IdempotencyRecord": Audience(frozenset({"superuser"})),  # the platform's, never a page's
    "accounts.LoginFailure": Audience(frozenset({"superuser"})),  # security state, the platform's
    "accounts.PasswordHistory": Audience(frozenset()),  # old password hashes: read by the password rules only
    "enforcement.Notification": Own("user"),
    "markets.MarketNotice": Own("user"),
    # inspections, as it behaves today (patrol reports: bureau staff and the street's leader, no officer)
    "inspections.PatrolCountField": Audience(FIELD_STAFF),
    "inspections.PatrolReport": Placed("street", roles=frozenset({"bureau", "superuser", "leader"})),
    "inspections.PatrolReportRevision": Placed("report__street", roles=frozenset({"bureau", "superuser", "leader"})),
    "inspections.Ranking": Audience(FIELD_STAFF | {"api"}),
    "inspections.DustCheckItem": Audience(FIELD_STAFF),  # the checklist is reference data
    "inspections.Campaign": Audience(FIELD_STAFF),  # the district's plan, progress per street as the rankings
    # joint operations: bureau staff, and the leaders of the streets taking part (no grid officer)
    "enforcement.JointOperation": Placed(("streets",), roles=frozenset({"bureau", "superuser", "leader"})),
    # Open311: keys and the filed requests' personal data are the bureau's; service definitions are public
    "open311.ApiKey": Audience(frozenset({"bureau", "superuser"})),
    "open311.ServiceRequest": Audience(frozenset({"bureau", "superuser"})),
    "open311.ServiceAttribute": Audience(frozenset(ROLES)),
}


def _scan_png():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 30), "white").save(out, format="PNG")
    out.seek(0)
    out.name = "scan.png"
    return out


def _scoped_models():
    return sorted(
        (m for m in apps.get_models() if hasattr(getattr(m, "objects", None), "visible_to")),
        key=lambda m: m._meta.label,
    )


def _expectation(model):
    if model._meta.label in EXPECTED:
        return EXPECTED[model._meta.label]
    queryset = model.objects.all()
    street = getattr(queryset, "scope_street", None)
    if street is None:
        return None
    return Placed(street, getattr(queryset, "scope_cell", None))


def test_every_model_with_visible_to_has_a_known_scope():
    unknown = [m._meta.label for m in _scoped_models() if _expectation(m) is None]
    assert not unknown, (
        f"{unknown}: visible_to with no known scope. Declare `scope_street` (and `scope_cell`) on the queryset "
        "(grids.querysets.PlacedQuerySet) or add the model to EXPECTED in tests/test_scoping.py."
    )


def test_the_walk_sees_the_apps_scoped_models():
    labels = {m._meta.label for m in _scoped_models()}
    assert {"grids.Street", "grids.GridCell", "enforcement.Case", "markets.Vendor"} <= labels


# ---------------------------------------------------------------------------------------------- fixture


@pytest.fixture
def district(db):
    """Two streets with rows of every scoped model in each; the eight roles."""
    from enforcement.models import Notification
    from enforcement.services import case_report
    from grids.models import (
        NamedPlace,
        OfficerAssignment,
        RoadSegment,
        StreetChiefAssignment,
        StreetLeaderAssignment,
    )
    from markets import services as m

    now = timezone.now()
    yesterday, last_month = now - timedelta(days=1), now - timedelta(days=30)
    a, b = StreetFactory(code="001", name="古南街道"), StreetFactory(code="002", name="永叔街道")
    ca, cb = CommunityFactory(street=a, code="001"), CommunityFactory(street=b, code="001")
    a1, a2, a3 = (GridCellFactory(community=ca) for _ in range(3))
    b1, b2 = GridCellFactory(community=cb), GridCellFactory(community=cb)

    users = {
        "bureau": make_user("s-bureau", Role.BUREAU),
        "leader": make_user("s-leader", Role.LEADER),
        "officer": make_user("s-officer", Role.OFFICER),
        "api": make_user("s-api", Role.API),
        "auditor": make_user("s-auditor", Role.AUDITOR, is_staff=True),
        "superuser": make_user("s-admin", Role.ADMIN, is_superuser=True, is_staff=True),
        "inactive": make_user("s-gone", Role.LEADER, is_active=False),
        "anonymous": AnonymousUser(),
        "department": make_user("s-dept", Role.DEPARTMENT),
    }
    other_leader, other_officer = make_user("s-leader-b", Role.LEADER), make_user("s-officer-b", Role.OFFICER)
    chief = make_user("s-chief", Role.OFFICER)
    bureau = users["bureau"]

    # who works where now (and where they used to)
    StreetLeaderAssignment.objects.create(street=b, user=users["leader"], start=last_month, end=yesterday)
    StreetLeaderAssignment.objects.create(street=a, user=users["leader"], start=yesterday)
    StreetLeaderAssignment.objects.create(street=a, user=users["inactive"], start=yesterday)
    StreetLeaderAssignment.objects.create(street=b, user=other_leader, start=yesterday)
    OfficerAssignment.objects.create(cell=b2, officer=users["officer"], start=last_month, end=yesterday)
    for cell in (a1, a2):
        OfficerAssignment.objects.create(cell=cell, officer=users["officer"], start=yesterday)
    for cell in (a3, b1):
        OfficerAssignment.objects.create(cell=cell, officer=other_officer, start=yesterday)
    for street in (a, b):
        segment = RoadSegment.objects.create(code=f"{street.code}-01", name=f"{street.name}大道", street=street)
        StreetChiefAssignment.objects.create(segment=segment, chief=chief, start=yesterday)
        lat, lng = centre_of(a1 if street == a else b1)
        NamedPlace.objects.create(name=f"{street.name}市场", street=street, lat=lat, lng=lng, kind="市场")

    # cases in a held cell, in the officer's street outside their cells, and in the other street
    cases = {}
    for name, cell in (("a1", a1), ("a3", a3), ("b1", b1)):
        lat, lng = centre_of(cell)
        cases[name] = case_report(acting_user=bureau, category="06010", lat=lat, lng=lng, description="垃圾堆放",
                                  source="supervision")
    # a party named by each case (seen through its cases); vendors' and shops' parties are named by none
    from enforcement.services.parties import case_set_party, party_register

    for i, (name, case) in enumerate(cases.items()):
        party = party_register(acting_user=bureau, name=f"当事人{name}", phone=f"1390000000{i}")
        case_set_party(acting_user=bureau, case=case, party=party)
    # an order and a penalty decision on each of those cases (where their case is)
    from enforcement.services.orders import order_issue
    from enforcement.services.penalties import discretion_standard_save_version, penalty_draft

    discretion_standard_save_version(acting_user=bureau, name="基准", rules=[
        {"category": "06010", "level": "general", "fine_min": "0", "fine_max": "500"}])
    for case in cases.values():
        order_issue(acting_user=bureau, case=case, items=["清理"], legal_basis="条例", deadline_days=3)
        penalty_draft(acting_user=bureau, case=case, level="general", fine="100", legal_basis="条例")
    # a referral: the case in street 002 dispatched to 区环卫中心, whose account is the department role's
    from enforcement.services import case_transition
    from enforcement.services.departments import department_account_link
    from enforcement.services.operations import operation_create

    department_account_link(acting_user=make_user("s-security", Role.SECURITY, is_staff=True),
                            user=users["department"], department="HW")
    case_transition(acting_user=bureau, case=cases["b1"], action="register")
    case_transition(acting_user=bureau, case=cases["b1"], action="dispatch", unit="HW")
    # a joint operation with each street's brigade
    for street in (a, b):
        operation_create(acting_user=bureau, name=f"联合执法{street.code}", date=timezone.localdate(now), streets=[street.code],
                         departments=["HW"])
    for user in (users["bureau"], users["leader"], users["officer"], other_leader):
        Notification.objects.create(user=user, case=cases["a1"], level="yellow", message="即将超时", created_at=now)

    # street commerce in both streets; one vendor trades in 001, one was caught in 002, one in neither
    zones = {s.code: m.vendor_zone_create(acting_user=bureau, street=s, kind="fixed_stall", name=f"摊点区{s.code}",
                                          opens_at=time(7), closes_at=time(21)) for s in (a, b)}
    trader, caught, idle = (m.vendor_register(acting_user=bureau, name=n, phone=p)
                            for n, p in (("甲", "13800000001"), ("乙", "13800000002"), ("丙", "13800000003")))
    today = timezone.localdate(now)
    m.stall_permit_issue(acting_user=bureau, vendor=trader, zone=zones["001"], stall_number="01",
                         valid_from=today - timedelta(days=10), valid_to=today + timedelta(days=300))
    m.stall_permit_issue(acting_user=bureau, vendor=idle, zone=zones["002"], stall_number="01",
                         valid_from=today - timedelta(days=10), valid_to=today + timedelta(days=300))
    m.stall_permit_revoke(acting_user=bureau, permit=idle.permits.get(), reason="迁出")
    m.vendor_link_case(acting_user=bureau, vendor=caught, case=cases["b1"])
    from markets.models import MarketNotice

    for user in (users["bureau"], users["leader"], other_leader):
        MarketNotice.objects.create(user=user, kind="permit_expiring", subject_key="permit:1", message="即将到期",
                                    created_at=now)
    m.vendor_link_case(acting_user=bureau, vendor=trader, case=cases["a3"])
    for street, cell in ((a, a1), (b, b1)):
        shop = m.shop_register(acting_user=bureau, name=f"商户{street.code}", address="井冈山大道 1 号", street=street,
                               grid=cell)
        m.frontage_agreement_sign(acting_user=bureau, shop=shop, signed_on=today, signer_name="店主")
        m.outdoor_ad_register(acting_user=bureau, owner=f"广告主{street.code}", location="路口", street=street)
        m.shop_commitment_record(acting_user=bureau, shop=shop, signed_on=today, signer_name="店主", scan=_scan_png())
        m.ad_target_set(acting_user=bureau, street=street, public_service_ratio="0.2")

    # a farmers market in each street with a station, a round, an inspection, a complaint, a repair, a point
    from markets.farmers import services as fm

    for street, cell in ((a, a1), (b, b1)):
        lat, lng = centre_of(cell)
        station = fm.station_create(acting_user=bureau, street=street, name=f"管理站{street.code}")
        market = fm.farmers_market_register(acting_user=bureau, street=street, name=f"农贸市场{street.code}",
                                            address="路", lat=lat, lng=lng, station=station, operator_name="市场公司")
        fm.cleaning_round_record(acting_user=bureau, slot=market.cleaning_slots.first(), date=today)
        fm.market_inspection_record(acting_user=bureau, market=market, checklist={c: True for c in (
            "hygiene", "zoning", "order", "facilities", "fire_safety", "scales", "food_testing", "waste")})
        fm.market_complaint_receive(acting_user=bureau, market=market, kind="price", content="未明码标价")
        fm.market_repair_report(acting_user=bureau, market=market, facility="公平秤", description="失准")
        fm.volunteer_point_add(acting_user=bureau, market=market, name="志愿服务点", services="咨询")

    # inspections, through its models only (its modules are being rearranged)
    count_field = apps.get_model("inspections", "PatrolCountField")
    report_model = apps.get_model("inspections", "PatrolReport")
    revision_model = apps.get_model("inspections", "PatrolReportRevision")
    count_field.objects.get_or_create(code="scoping-test", defaults={"name": "测试统计项"})
    for street, leader, cell in ((a, users["leader"], a1), (b, other_leader, b1)):
        report = report_model.objects.create(
            street=street, leader=leader, date=today, shift="early", started_at=now - timedelta(hours=3),
            ended_at=now - timedelta(hours=1), recorded_at=now, updated_at=now)
        report.grid_cells.add(cell)
        revision_model.objects.create(report=report, number=1, body={}, amended_by=leader, amended_at=now)
    scheme = apps.get_model("inspections", "ScoringScheme").objects.first()
    apps.get_model("inspections", "Ranking").objects.create(
        kind="week", period="2026-W47", start=now - timedelta(days=7), end=now, scheme=scheme, published_at=now,
        digest="0" * 64, payload={})

    # construction sites in a held cell, in the officer's street outside their cells, and in the other street,
    # each inspected once; a muck approval in each street and one whose route crosses both
    site_model, inspection_model = apps.get_model("inspections", "ConstructionSite"), apps.get_model(
        "inspections", "SiteInspection")
    for cell in (a1, a3, b1):
        lat, lng = centre_of(cell)
        site = site_model.objects.create(
            name=f"工地{cell.code}", developer="建设单位", contractor="施工单位", street=cell.street, grid=cell, lat=lat,
            lng=lng, starts_on=today - timedelta(days=60), registered_by=bureau, registered_at=now)
        inspection_model.objects.create(site=site, inspector=bureau, source="supervision", inspected_at=now,
                                        date=today, recorded_at=now)
    for cell in (a1, a3, b1):
        lat, lng = centre_of(cell)
        apps.get_model("inspections", "Demolition").objects.create(
            site="违建", street=cell.street, grid=cell, lat=lat, lng=lng, party_name="张某", area_m2=10,
            demolished_on=today, order_reference="责改1号", recorded_by=bureau, recorded_at=now)
    squad_model, rota_model = apps.get_model("inspections", "Squad"), apps.get_model("inspections", "Rota")
    squad_model.objects.create(name="农房巡查一组")  # the bureau's own: bureau staff only
    for street in (a, b):
        squad_model.objects.create(name="一中队", street=street)
        rota_model.objects.create(name="值班表", month=today.replace(day=1), street=street, created_by=bureau,
                                  created_at=now)
    for cell in (a1, a3, b1):
        apps.get_model("inspections", "KeyPoint").objects.create(name="校门", street=cell.street, grid=cell,
                                                                windows=[["07:10", "07:50"]])
    apps.get_model("inspections", "Campaign").objects.create(
        name="百日攻坚", starts_on=today, ends_on=today, created_by=bureau, created_at=now)
    approval_model = apps.get_model("inspections", "MuckTransportApproval")
    for n, streets in enumerate(((a,), (b,), (a, b))):
        approval = approval_model.objects.create(
            number=f"渣准-{n}", carrier="运输公司", vehicles="赣D1", route=[[0, 0], [1, 1]], valid_from=today,
            valid_to=today, hours_from=time(22), hours_to=time(5), approved_by=bureau, approved_at=now)
        approval.streets.set(streets)
    occupation_model = apps.get_model("inspections", "OccupationApproval")
    for n, streets in enumerate(((a,), (b,), (a, b))):
        occupation = occupation_model.objects.create(
            number=f"占审-{n}", kind="road_promotion", title="促销", applicant="商场", geometry={}, valid_from=today,
            valid_to=today, hours_from=time(9), hours_to=time(21), approved_by=bureau, approved_at=now)
        occupation.streets.set(streets)

    # an Open311 key and one request filed with it
    from enforcement.open311.services import api_key_issue, open311_request_file

    key, _secret = api_key_issue(acting_user=bureau, name="12345 热线")
    lat, lng = centre_of(b1)
    open311_request_file(api_key=key, service_code="06010", lat=lat, long=lng, description="垃圾堆放")

    # the platform's own rows
    from bureau.idempotency.models import IdempotencyRecord
    from bureau.jobs.models import JobRun

    JobRun.objects.create(task_id="t-1", task_name="audit.purge_expired", started_at=now)
    from bureau.accounts.models import LoginFailure

    LoginFailure.objects.create(user=users["leader"], address="127.0.0.1", failures=1, last_attempt_at=now)
    IdempotencyRecord.objects.create(user=users["leader"], key="k-1", fingerprint="f", method="POST", path="/x/",
                                     created_at=now)

    return {
        "users": users, "streets": (a, b),
        # the truth the test checks against, written out rather than read back through the code under test
        "leader_streets": {a.pk}, "officer_cells": {a1.pk, a2.pk}, "officer_streets": {a.pk},
        "unheld_cell_of_officer_street": a3.pk,
    }


# ---------------------------------------------------------------------------------------------- the walk


def _places(model, paths) -> dict:
    """{row pk: set of place pks} through one path or any of several."""
    out: dict = {pk: set() for pk in model._default_manager.values_list("pk", flat=True)}
    for path in (paths,) if isinstance(paths, str) else paths:
        for pk, place in model._default_manager.values_list("pk", path):
            if place is not None:
                out[pk].add(place)
    return out


def _expected_rows(model, expectation, role, user, district) -> set:
    everything = set(model._default_manager.values_list("pk", flat=True))
    if role == "department":
        path = DEPARTMENT_PATHS.get(model._meta.label)
        if path is None:
            return everything if isinstance(expectation, Audience) and role in expectation.roles else set()
        return set(model._default_manager.filter(**{f"{path}__code": "HW"}).values_list("pk", flat=True))
    if isinstance(expectation, Audience):
        return everything if role in expectation.roles else set()
    if isinstance(expectation, Own):
        if not getattr(user, "is_authenticated", False):
            return set()
        return set(model._default_manager.filter(**{expectation.user_field: user}).values_list("pk", flat=True))
    if role not in expectation.roles:
        return set()
    if role in ("bureau", "superuser"):
        return everything
    if role == "leader":
        streets = _places(model, expectation.street)
        return {pk for pk, places in streets.items() if places & district["leader_streets"]}
    if expectation.cell is not None:  # an officer, rows in a cell
        cells = _places(model, expectation.cell)
        return {pk for pk, places in cells.items() if places & district["officer_cells"]}
    streets = _places(model, expectation.street)
    return {pk for pk, places in streets.items() if places & district["officer_streets"]}


def _assert_fixture_covers(model, expectation, district):
    """A walk over an empty table proves nothing: the fixture must hold rows that tell the roles apart."""
    rows = set(model._default_manager.values_list("pk", flat=True))
    assert rows, f"the fixture has no {model._meta.label}: add rows to `district` in tests/test_scoping.py"
    if not isinstance(expectation, Placed):
        return
    a, b = district["streets"]
    streets = set().union(*_places(model, expectation.street).values())
    assert {a.pk, b.pk} <= streets, f"the fixture needs {model._meta.label} rows in both streets"
    if expectation.cell is not None:
        cells = set().union(*_places(model, expectation.cell).values())
        assert cells & district["officer_cells"] and district["unheld_cell_of_officer_street"] in cells, (
            f"the fixture needs {model._meta.label} rows in a held cell and in the street's cell nobody here holds")


@pytest.mark.parametrize("label", [m._meta.label for m in _scoped_models()])
def test_visible_rows_follow_the_assignments(district, label, django_assert_num_queries):
    # given
    model = apps.get_model(label)
    expectation = _expectation(model)
    assert expectation is not None, f"{label}: no known scope (see test_every_model_with_visible_to_has_a_known_scope)"
    _assert_fixture_covers(model, expectation, district)

    # the scope is a subquery of the caller's query, never a query of its own
    with django_assert_num_queries(0):
        for user in district["users"].values():
            model.objects.visible_to(user)

    # when
    seen = {role: set(model.objects.visible_to(user).values_list("pk", flat=True))
            for role, user in district["users"].items()}

    # then
    wrong = {role: {"seen": sorted(seen[role]), "expected": sorted(expected)}
             for role, user in district["users"].items()
             if seen[role] != (expected := _expected_rows(model, expectation, role, user, district))}
    assert not wrong, f"{label}: visible_to disagrees with the assignments for {wrong}"


def test_the_roles_are_told_apart(district):
    # The walk is only as good as its fixture: the leader, the officer and bureau staff each see different cases.
    from enforcement.models import Case

    users = district["users"]
    counts = {role: Case.objects.visible_to(users[role]).count()
              for role in ("bureau", "leader", "officer", "department")}
    # the fourth: the Open311 request, in street 002; the department's: the case referred to it
    assert counts == {"bureau": 4, "leader": 2, "officer": 1, "department": 1}
    assert set(ROLES) == set(users)
