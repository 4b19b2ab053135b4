import pytest

from grids.geometry import locate
from tests.factories import centre_of


@pytest.mark.django_db
def test_two_streets_fixture_locates(two_streets):
    lat, lng = centre_of(two_streets["b1"])
    assert locate(lat, lng) == two_streets["b1"]
    assert locate(0, 0) is None
