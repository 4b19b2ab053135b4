"""Bad input in a path or a query is a 4xx, never a 500, on PostgreSQL too."""
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["%00", "360802001001041%00", "a%00b"])
def test_a_nul_in_a_cell_code_is_404(two_streets, bureau_user, code):
    client = Client()
    client.force_login(bureau_user)
    assert client.get(f"/grids/cells/{code}/").status_code == 404


def test_a_real_cell_still_opens(two_streets, bureau_user):
    client = Client()
    client.force_login(bureau_user)
    assert client.get(f"/grids/cells/{two_streets['a1'].code}/").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/streets/%00/cells.geojson", "/api/v1/communities/%00/cells.geojson",
                                 "/api/v1/grid-cells/%00/", "/api/v1/streets/%00/", "/api/v1/grid-cells/?street=%00"])
def test_a_nul_in_an_api_path_or_filter_is_not_a_500(two_streets, bureau_client, url):
    assert bureau_client.get(url).status_code in (400, 404)
