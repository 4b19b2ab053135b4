"""The district map in a real browser: polygons drawn from the API, a click shows the cell's code."""
import pytest
from django.conf import settings

from bureau.accounts.choices import Role
from grids import demo
from grids.models import GridCell
from tests.browser_support import assert_clean, login
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = settings.DISTRICT_CODE


def _open_map(page, live_server):
    page.goto(f"{live_server.url}/grids/map/")
    page.wait_for_function("() => { const m = document.getElementById('map');"
                           " return m && m.dataset.loaded && m.dataset.coloured !== undefined; }", timeout=90000)
    return int(page.locator("#map").get_attribute("data-loaded"))


def _click_cell(page, cell):
    ring = cell.geometry["coordinates"][0]
    lat = sum(p[1] for p in ring[:4]) / 4
    lng = sum(p[0] for p in ring[:4]) / 4
    # centre the cell and zoom in, so the click lands well inside it at any screen width
    page.evaluate(f"() => {{ window.gridMap.setView([{lat}, {lng}], 17, {{animate: false}}); }}")
    point = page.evaluate(f"() => {{ const p = window.gridMap.latLngToContainerPoint([{lat}, {lng}]);"
                          " return [p.x, p.y]; }")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.wait_for_selector(".leaflet-popup .cell-code")
    return page.locator(".leaflet-popup .cell-code").inner_text()


@pytest.mark.parametrize("width,height", [(1280, 900), (375, 740)])
def test_map_draws_the_demo_district_and_a_click_shows_the_cells_code(browser_page, live_server, width, height):
    # given: the full demo district and a bureau user
    demo.seed(quick=False)
    make_user("t-map", Role.BUREAU)
    page = browser_page(width, height)
    login(page, live_server.url, "t-map", "pw-t-map")

    # when
    drawn = _open_map(page, live_server)

    # then: every cell is a polygon on the canvas, and the canvas is not blank
    assert drawn == GridCell.objects.count() >= 1500
    assert page.evaluate("() => Object.keys(window.gridCellLayers).length") == drawn
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1
    painted = page.evaluate("""() => { const c = document.querySelector('.leaflet-overlay-pane canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4 * 97) { if (d[i] > 0) { n++; } } return n; }""")
    assert painted > 100

    # when: a click on a cell
    cell = GridCell.objects.select_related("community").get(code=f"{D}002003004")
    code = _click_cell(page, cell)

    # then: its code, community and officer in the popup
    assert code == cell.code
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert cell.community.name in popup
    assert "officer-" in popup
    assert_clean(page)


def test_officer_sees_the_map_and_my_cells(browser_page, live_server):
    demo.seed(quick=True)
    officer = make_user("officer-t", Role.OFFICER)
    from grids import services

    cell = GridCell.objects.order_by("code").first()
    services.officer_assign(acting_user=None, cell=cell, officer=officer)
    page = browser_page(375, 740)
    login(page, live_server.url, "officer-t", "pw-officer-t")
    assert _open_map(page, live_server) == GridCell.objects.count()
    assert _click_cell(page, cell) == cell.code
    page.goto(f"{live_server.url}/grids/my-cells/")
    assert page.locator("#my-cells .cell-code").all_inner_texts() == [cell.code]
    page.click("#my-cells .cell-code")
    assert page.locator("h1 .cell-code").inner_text() == cell.code
    assert_clean(page)
