"""The gazetteer's road index: a point's address asks the database nothing once warm, and follows every edit of
a road segment, in the writing process at once and in every other one through the shared version."""
import pytest
import shapely
from django.core.cache import cache

from grids import gazetteer
from grids.models import RoadSegment
from grids.services import road_segment_create, road_segment_update
from tests.factories import STEP, centre_of

pytestmark = pytest.mark.django_db


def _line(lat, lng_from, lng_to):
    return {"type": "LineString", "coordinates": [[lng_from, lat], [lng_to, lat]]}


def _through(cell):
    lat, lng = centre_of(cell)
    return _line(lat, lng - STEP / 4, lng + STEP / 4)


@pytest.fixture
def road(two_streets):
    """古南路 through the middle of cell a1, west to east over half a cell's width, numbers 1 to 101 (cell b2, three
    cells east, is beyond NEAR_DEGREES of it)."""
    return road_segment_create(acting_user=None, street=two_streets["a"], name="古南路（古南街道段）", code="001-01",
                               road="古南路", line=_through(two_streets["a1"]), number_from=1, number_to=101)


def _address(cell, dlat=0.0, dlng=0.0):
    lat, lng = centre_of(cell)
    return gazetteer.describe_point(lat + dlat, lng + dlng)


@pytest.mark.django_db(transaction=True)  # committed, as in production: the indexes stay clean once built
def test_a_warm_index_answers_without_a_query(two_streets, road, django_assert_num_queries):
    a1, b2 = two_streets["a1"], two_streets["b2"]
    community = a1.community.name
    assert _address(a1) == f"古南路 51 号附近, {community}"  # builds the cell and road indexes
    with django_assert_num_queries(0):
        assert _address(a1, dlat=STEP * 0.1, dlng=-STEP / 8) == f"古南路 26 号附近, {community}"
    with django_assert_num_queries(0):  # no road near: the cell's code stands in for it
        assert _address(b2) == f"网格 {b2.code}, {b2.community.name}"
    lat, lng = centre_of(a1)
    with django_assert_num_queries(0):
        segment, number, distance = gazetteer.nearest_road(lat, lng)
    assert (segment.pk, number, distance) == (road.pk, 51, 0.0)


def test_a_moved_line_is_seen_at_once_in_the_writing_process(two_streets, road, bureau_user):
    a1, b2 = two_streets["a1"], two_streets["b2"]
    assert _address(b2).startswith("网格 ")
    road_segment_update(acting_user=bureau_user, segment=road, line=_through(b2))
    assert _address(b2) == f"古南路 51 号附近, {b2.community.name}"
    assert _address(a1).startswith("网格 ")


def test_a_new_segment_and_a_deleted_one_are_seen_at_once(two_streets, road, bureau_user):
    b2 = two_streets["b2"]
    assert _address(b2).startswith("网格 ")
    added = road_segment_create(acting_user=bureau_user, street=two_streets["b"], name="永叔路", road="永叔路",
                                line=_through(b2))
    assert _address(b2) == f"永叔路附近, {b2.community.name}"
    added.delete()
    assert _address(b2) == f"网格 {b2.code}, {b2.community.name}"
    RoadSegment.objects.get(pk=road.pk).delete()
    assert _address(two_streets["a1"]).startswith("网格 ")


@pytest.mark.django_db(transaction=True)
def test_another_process_sees_an_edit_through_the_shared_version(two_streets, road, bureau_user, monkeypatch):
    """What another process's commit looks like from here: this process's index is clean, and the version in the
    shared cache moves."""
    a1, b2 = two_streets["a1"], two_streets["b2"]
    monkeypatch.setattr(gazetteer._roads, "check_interval", 0.0)  # the second between checks as good as over
    assert _address(a1).startswith("古南路 51 号附近")
    built = gazetteer._roads.version
    assert built is not None and gazetteer._roads.dirty is False

    # a line moved behind the index's back (no signal): the same version keeps the index as it was
    RoadSegment.objects.filter(pk=road.pk).update(line=_through(b2))
    assert _address(b2).startswith("网格 ")

    # when another process publishes a new version, then this one rebuilds
    cache.set(gazetteer.ROADS_VERSION_KEY, "another-process-1", timeout=None)
    assert _address(b2).startswith("古南路 51 号附近")
    assert gazetteer._roads.version == "another-process-1"

    # and a service's edit publishes one when it commits: a process that did not write it (its own flag clear)
    # follows all the same
    road_segment_update(acting_user=bureau_user, segment=road, road="阳明路")
    assert cache.get(gazetteer.ROADS_VERSION_KEY) != "another-process-1"
    gazetteer._roads.dirty = False
    assert _address(b2).startswith("阳明路 51 号附近")


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_edit_does_not_keep_the_index_stale(two_streets, road, bureau_user, django_assert_num_queries):
    from django.db import transaction

    # given: an edit that rolls back
    with pytest.raises(RuntimeError), transaction.atomic():
        road_segment_update(acting_user=bureau_user, segment=road, road="阳明路")
        raise RuntimeError
    # when: lookups inside a later transaction (as a case report's service makes them)
    lat, lng = centre_of(two_streets["a1"])
    with transaction.atomic():
        assert gazetteer.nearest_road(lat, lng)[0].road == "古南路"
        # then: the index is clean, built once, not rebuilt at every lookup
        assert gazetteer._roads.dirty is False
        with django_assert_num_queries(0):
            assert gazetteer.nearest_road(lat, lng)[0].road == "古南路"


def test_of_two_segments_equally_near_the_first_in_street_and_name_order_wins(two_streets, bureau_user):
    # given two roads ending at the same point, the later-named one written first
    lat, lng = centre_of(two_streets["a1"])
    for name, line in (("B路", _line(lat, lng - STEP / 2, lng)), ("A路", _line(lat, lng + STEP / 2, lng))):
        road_segment_create(acting_user=bureau_user, street=two_streets["a"], name=name, road=name, line=line)
    # when a point is as near to both, then the model's order (street code, name) decides, as before the index
    first = RoadSegment.objects.first()
    assert first.name == "A路"
    assert gazetteer.nearest_road(lat + STEP / 10, lng)[0].pk == first.pk


def test_the_index_chooses_as_reading_every_segment_did(two_streets, bureau_user):
    """Every segment read and measured, the nearest within NEAR_DEGREES, the first in the model's order on a tie
    (the gazetteer before its index): the same segment, number and distance at points all over the cells."""
    lat0, lng0 = centre_of(two_streets["a1"])
    street = two_streets["a"]
    for i, (dlat, dlng0, dlng1) in enumerate([(0, -2, 2), (0, 2, 4), (1, -1, 1), (-1, 0, 3), (1, -1, 1)]):
        road_segment_create(acting_user=bureau_user, street=street, name=f"路{i % 3}", road=f"路{i % 3}",
                            line=_line(lat0 + dlat * STEP, lng0 + dlng0 * STEP, lng0 + dlng1 * STEP),
                            number_from=1 + i, number_to=50 + i)

    def reading_every_segment(lat, lng):
        point, best = shapely.Point(lng, lat), None
        for segment in RoadSegment.objects.all():  # the model's ordering
            line = gazetteer._line(segment)
            distance = line.distance(point)
            if distance <= gazetteer.NEAR_DEGREES and (best is None or distance < best[2]):
                best = (segment, line, distance)
        if best is None:
            return None
        segment, line, distance = best
        return segment.pk, gazetteer._number_at(segment, line, line.project(point, normalized=True)), distance

    for row in range(-8, 9):
        for col in range(-10, 11):
            lat, lng = lat0 + row * STEP / 2, lng0 + col * STEP / 2
            near = gazetteer.nearest_road(lat, lng)
            assert (near and (near[0].pk, near[1], near[2])) == reading_every_segment(lat, lng), (row, col)
