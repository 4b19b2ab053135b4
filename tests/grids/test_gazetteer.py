"""The gazetteer both ways: an address string to a point, and a point to "古南路 128 号附近, 古南社区"."""
import pytest

from grids import gazetteer
from grids.services import named_place_save, road_segment_create
from tests.factories import BASE_LAT, BASE_LNG, STEP, centre_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def road(two_streets):
    """古南路 along the middle row of cells a1 and a2 (west to east), numbers 1 to 201."""
    a1, a2 = two_streets["a1"], two_streets["a2"]
    lat, lng1 = centre_of(a1)
    _lat2, lng2 = centre_of(a2)
    return road_segment_create(
        acting_user=None, street=two_streets["a"], name="古南路（古南街道段）", code="001-01", road="古南路",
        line={"type": "LineString", "coordinates": [[lng1, lat], [lng2, lat]]}, number_from=1, number_to=201,
    )


def test_a_point_on_a_numbered_road_reads_as_road_number_and_community(two_streets, road):
    # given a point a quarter of the way along the road
    lat, lng1 = centre_of(two_streets["a1"])
    _lat, lng2 = centre_of(two_streets["a2"])
    # when
    address = gazetteer.describe_point(lat + STEP * 0.1, lng1 + (lng2 - lng1) / 4)
    # then
    assert address == f"古南路 51 号附近, {two_streets['a1'].community.name}"


def test_a_point_far_from_any_road_reads_as_its_cell_and_community(two_streets):
    lat, lng = centre_of(two_streets["b1"])
    assert gazetteer.describe_point(lat, lng) == f"网格 {two_streets['b1'].code}, {two_streets['b1'].community.name}"


def test_a_point_outside_the_district_has_no_address(two_streets):
    assert gazetteer.describe_point(BASE_LAT - 1, BASE_LNG - 1) == ""


def test_road_and_house_number_resolve_along_the_segment(two_streets, road):
    # when
    match = gazetteer.locate_address("江西省吉安市吉州区古南路151号")
    # then: three quarters of the way from a1's centre to a2's
    lat, lng1 = centre_of(two_streets["a1"])
    _lat, lng2 = centre_of(two_streets["a2"])
    assert match.kind == "road_number"
    assert match.lat == pytest.approx(lat)
    assert match.lng == pytest.approx(lng1 + (lng2 - lng1) * 0.75)


def test_a_road_without_a_number_in_range_resolves_to_its_middle(two_streets, road):
    match = gazetteer.locate_address("古南路 9999 号")
    assert match.kind == "road"
    assert match.lng == pytest.approx((centre_of(two_streets["a1"])[1] + centre_of(two_streets["a2"])[1]) / 2)


def test_named_place_and_alias_win_over_a_road(two_streets, road):
    lat, lng = centre_of(two_streets["b2"])
    named_place_save(acting_user=None, name="古南农贸市场", aliases="古南菜市场", kind="市场",
                     street=two_streets["b"], lat=lat, lng=lng)
    for text in ("古南路旁古南农贸市场门口", "古南菜市场"):
        match = gazetteer.locate_address(text)
        assert (match.kind, match.label, match.lat, match.lng) == ("place", "古南农贸市场", lat, lng)


def test_community_and_street_names_resolve_inside_them(two_streets):
    from grids.geometry import locate

    community = two_streets["b1"].community
    match = gazetteer.locate_address(f"永叔街道{community.name}里面")
    assert match.kind == "community"
    assert locate(match.lat, match.lng).community_id == community.pk
    match = gazetteer.locate_address("永叔街道某处")
    assert match.kind == "street"
    assert locate(match.lat, match.lng).street_id == two_streets["b"].pk


def test_unknown_text_resolves_to_nothing(two_streets, road):
    assert gazetteer.locate_address("火星基地 1 号") is None
    assert gazetteer.locate_address("") is None


def test_a_case_reported_without_an_address_gets_one_from_the_gazetteer(two_streets, road, bureau_user):
    from enforcement.services import case_report

    lat, lng = centre_of(two_streets["a1"])
    case = case_report(acting_user=bureau_user, category="06010", lat=lat, lng=lng, description="垃圾",
                       source="supervision")
    assert case.address == f"古南路 1 号附近, {two_streets['a1'].community.name}"
    given = case_report(acting_user=bureau_user, category="06010", lat=lat, lng=lng, description="垃圾",
                        source="supervision", address="古南路 7 号")
    assert given.address == "古南路 7 号"


def test_demo_segments_have_house_number_ranges(db):
    from grids import demo
    from grids.models import NamedPlace, RoadSegment

    demo.seed(quick=True)
    segments = list(RoadSegment.objects.all())
    assert segments and all(s.road and s.number_from and s.number_to for s in segments)
    assert NamedPlace.objects.filter(name="古南农贸市场").exists()
    again = {s.pk: (s.number_from, s.number_to) for s in RoadSegment.objects.all()}
    demo.seed(quick=True)
    assert {s.pk: (s.number_from, s.number_to) for s in RoadSegment.objects.all()} == again
