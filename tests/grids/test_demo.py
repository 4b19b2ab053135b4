"""The demo district: ≥1,500 cells with correct codes tiling each community without gaps or overlaps."""
import json
from collections import defaultdict

import pytest
import shapely
from django.conf import settings
from django.core.management import call_command
from shapely.geometry import shape

from bureau.accounts.choices import Role
from bureau.accounts.models import User
from grids import demo, geometry
from grids.models import Community, GridCell, OfficerAssignment, RoadSegment, Street, StreetChiefAssignment

pytestmark = pytest.mark.django_db
D = settings.DISTRICT_CODE


@pytest.fixture
def full_demo():
    demo.seed(quick=False)


def test_demo_district_export_is_valid_geojson_tiling_each_community(full_demo, tmp_path):
    # when
    out = tmp_path / "district.geojson"
    call_command("export_grids", "-o", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))

    # then: a FeatureCollection of ≥1,500 valid polygons
    assert data["type"] == "FeatureCollection"
    features = data["features"]
    assert len(features) >= 1500
    by_community = defaultdict(list)
    codes = set()
    for f in features:
        code = f["properties"]["code"]
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Polygon"
        assert len(code) == 15 and code.isdigit() and code.startswith(D), code
        assert code[6:9] == f["properties"]["street_code"] and code[9:12] == f["properties"]["community_code"]
        assert code[12:] != "000"
        geom = shape(f["geometry"])
        assert geom.is_valid and 9_000 < geometry.area_m2(geom) < 13_000
        codes.add(code)
        by_community[code[6:12]].append(geom)
    assert len(codes) == len(features)

    # each community tiled exactly: the cells' areas add up to their union's (no overlap) and to the
    # community boundary's (no gap), and nothing sticks out
    communities = {c.full_code: c for c in Community.objects.select_related("street")}
    assert len(communities) >= 55
    for full_code, geoms in by_community.items():
        union = shapely.union_all(geoms)
        boundary = shape(communities[full_code].boundary)
        total = sum(g.area for g in geoms)
        assert abs(total - union.area) < 1e-12, f"overlap in {full_code}"
        assert boundary.symmetric_difference(union).area < 1e-12, f"gap or spill in {full_code}"
    # and no two cells of different communities overlap either
    tree = shapely.STRtree([g for gs in by_community.values() for g in gs])
    all_geoms = [g for gs in by_community.values() for g in gs]
    left, right = tree.query(all_geoms, predicate="overlaps")
    assert len(left) == 0


def test_demo_district_people_and_roads(full_demo):
    streets = Street.objects.all()
    assert 10 <= streets.count() <= 12
    assert set(streets.values_list("code", flat=True)) >= {"001", "002", "003", "004", "005", "006", "007",
                                                          "101", "102", "103", "104"}
    assert Street.objects.get(code="101").kind == "town"
    for street in streets:
        leader = User.objects.get(username=f"leader-{street.code}")
        assert leader.role == Role.LEADER and list(Street.objects.led_by(leader)) == [street]
        assert leader.check_password(settings.DEMO_PASSWORD)
    # one officer per 15-20 cells, every cell held
    cells = GridCell.objects.count()
    current = OfficerAssignment.objects.current()
    assert current.count() == cells
    per_officer = defaultdict(int)
    for officer_id in current.values_list("officer_id", flat=True):
        per_officer[officer_id] += 1
    assert all(15 <= n <= 20 for n in per_officer.values()), sorted(per_officer.values())
    # a few officers can log in, named after their first cell, and hold it
    demo_officers = [u for u in User.objects.filter(role=Role.OFFICER) if u.has_usable_password()]
    assert len(demo_officers) >= 2
    for officer in demo_officers:
        code = officer.username.removeprefix("officer-")
        assert len(code) == 15 and GridCell.objects.held_by(officer).filter(code=code).exists()
        assert officer.check_password(settings.DEMO_PASSWORD)
    # the seed's roads, each segment with its street chief
    names = " ".join(RoadSegment.objects.values_list("name", flat=True))
    for road in ("井冈山大道", "吉州大道", "阳明东路", "鹭洲西路", "真君山路", "步行街"):
        assert road in names
    assert StreetChiefAssignment.objects.current().count() == RoadSegment.objects.count()


def test_demo_is_idempotent(full_demo):
    # given
    counts = (Street.objects.count(), Community.objects.count(), GridCell.objects.count(),
              OfficerAssignment.objects.count(), RoadSegment.objects.count(), StreetChiefAssignment.objects.count(),
              User.objects.count())

    # when
    changed = demo.seed(quick=False)

    # then
    assert changed == 0
    assert counts == (Street.objects.count(), Community.objects.count(), GridCell.objects.count(),
                      OfficerAssignment.objects.count(), RoadSegment.objects.count(),
                      StreetChiefAssignment.objects.count(), User.objects.count())


def test_quick_demo_has_streets_001_002_their_leaders_and_an_officer():
    demo.seed(quick=True)
    assert {"001", "002"} <= set(Street.objects.values_list("code", flat=True))
    assert User.objects.filter(username__in=["leader-001", "leader-002"], role=Role.LEADER).count() == 2
    officer = User.objects.get(username=f"officer-{D}001001001")
    assert officer.role == Role.OFFICER and GridCell.objects.held_by(officer).exists()
    # the full district grows from the quick one without complaint
    demo.seed(quick=False)
    assert GridCell.objects.count() >= 1500


def test_demo_cells_are_locatable(full_demo):
    cell = GridCell.objects.get(code=f"{D}003002005")
    ring = cell.geometry["coordinates"][0]
    lat = sum(p[1] for p in ring[:4]) / 4
    lng = sum(p[0] for p in ring[:4]) / 4
    assert geometry.locate(lat, lng).code == cell.code
