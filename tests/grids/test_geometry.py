"""Point lookup: inside, on a shared edge (always the same cell), outside; the index follows changes."""
import pytest
from django.core.cache import cache

from grids import geometry, imports
from grids.models import GridCell

from .conftest import LAT0, LNG0, STEP, D, collection, feature, rect, two_by_two

pytestmark = pytest.mark.django_db


@pytest.fixture
def four_cells(bureau_user):
    imports.grid_import(acting_user=bureau_user, collection=two_by_two())
    # layout: 001 at (0,1) 002 at (1,1) / 003 at (0,0) 004 at (1,0)
    return {c.code[-3:]: c for c in GridCell.objects.all()}


def test_point_inside_a_cell_returns_that_cell(four_cells):
    assert geometry.locate(LAT0 + 1.5 * STEP, LNG0 + 0.5 * STEP).code == f"{D}001001001"
    assert geometry.locate(LAT0 + 0.5 * STEP, LNG0 + 1.5 * STEP).code == f"{D}001001004"


def test_point_on_a_shared_edge_returns_the_lowest_code_every_time(four_cells):
    # the edge between 003 (west) and 004 (east), and the corner shared by all four
    edge = (LAT0 + 0.5 * STEP, LNG0 + STEP)
    corner = (LAT0 + STEP, LNG0 + STEP)
    assert {geometry.locate(*edge).code for _ in range(50)} == {f"{D}001001003"}
    assert {geometry.locate(*corner).code for _ in range(50)} == {f"{D}001001001"}
    geometry.reset()  # a rebuilt index answers the same
    assert geometry.locate(*edge).code == f"{D}001001003"


def test_point_outside_the_district_returns_none(four_cells):
    assert geometry.locate(LAT0 + 5 * STEP, LNG0 + 5 * STEP) is None
    assert geometry.locate(0, 0) is None


def test_no_cells_no_answer():
    assert geometry.locate(LAT0, LNG0) is None


def test_an_import_is_seen_by_the_next_lookup_in_this_process(four_cells, bureau_user):
    # given
    point = (LAT0 + 0.5 * STEP, LNG0 + 2.5 * STEP)
    assert geometry.locate(*point) is None

    # when
    imports.grid_import(acting_user=bureau_user, collection=collection(feature(f"{D}001001005", rect(2, 0))))

    # then
    assert geometry.locate(*point).code == f"{D}001001005"


def test_a_new_shared_version_makes_the_index_rebuild(four_cells, monkeypatch):
    """What another process's commit looks like from here: the version in the shared cache changes."""
    # given: an index built, and the check interval as good as over
    geometry.locate(LAT0, LNG0)
    built = geometry.index_version()
    monkeypatch.setattr(geometry, "CHECK_INTERVAL_SECONDS", 0.0)
    # a cell written behind the index's back (no signal, as from another process)
    GridCell.objects.bulk_create([GridCell(code=f"{D}001001007", street=four_cells["001"].street,
                                           community=four_cells["001"].community, geometry=rect(5, 5))])
    monkeypatch.setattr(geometry, "_pending_here", lambda: False)
    geometry._dirty = False
    point = (LAT0 + 5.5 * STEP, LNG0 + 5.5 * STEP)
    geometry.locate(*point)
    assert geometry.locate(*point) is None  # same version: the index is kept
    assert built is not None

    # when: another process publishes a new version
    cache.set(geometry.VERSION_KEY, "another-process-1", timeout=None)

    # then
    assert geometry.locate(*point).code == f"{D}001001007"
    assert geometry.index_version() == "another-process-1"


def test_version_is_published_on_commit(bureau_user, django_capture_on_commit_callbacks):
    before = cache.get(geometry.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        imports.grid_import(acting_user=bureau_user, collection=collection(feature(f"{D}001001006", rect(3, 0))))
    assert cache.get(geometry.VERSION_KEY) not in (None, before)


def test_area_of_a_cell():
    from shapely.geometry import shape

    assert 11_000 < geometry.area_m2(shape(rect(0, 0))) < 11_100


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_does_not_keep_the_index_dirty(bureau_user):
    from django.db import transaction

    # given: committed cells, then a write to cells that rolls back
    imports.grid_import(acting_user=bureau_user, collection=two_by_two())
    with pytest.raises(RuntimeError), transaction.atomic():
        GridCell.objects.filter(code=f"{D}001001001").update(land_use="x")
        geometry.invalidate()
        raise RuntimeError

    # when: lookups inside later transactions (as a case report's service makes them)
    with transaction.atomic():
        geometry.locate(LAT0 + 0.5 * STEP, LNG0 + 0.5 * STEP)
        built = geometry._index

        # then: the index is clean, built once, not rebuilt at every lookup
        assert geometry._dirty is False
        geometry.locate(LAT0 + 0.5 * STEP, LNG0 + 1.5 * STEP)
        assert geometry._index is built
