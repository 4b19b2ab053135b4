"""Grids fixtures: GeoJSON builders and a fresh point index per test."""
import pytest
from django.conf import settings

from grids import geometry

D = settings.DISTRICT_CODE
STEP = 0.001
LNG0, LAT0 = 115.0, 27.1


@pytest.fixture(autouse=True)
def _fresh_index():
    geometry.reset()
    yield
    geometry.reset()


def rect(col, row, cols=1, rows=1):
    x0, y0 = round(LNG0 + col * STEP, 6), round(LAT0 + row * STEP, 6)
    x1, y1 = round(x0 + cols * STEP, 6), round(y0 + rows * STEP, 6)
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def feature(code, geometry_, street_name="古南街道", community_name="古南社区", **props):
    return {"type": "Feature", "geometry": geometry_,
            "properties": {"code": code, "street_name": street_name, "community_name": community_name, **props}}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def two_by_two(street="001", community="001"):
    """Four cells tiling a 2×2 square of community `street``community`."""
    return collection(*[
        feature(f"{D}{street}{community}{n:03d}", rect(col, row))
        for n, (col, row) in enumerate([(0, 1), (1, 1), (0, 0), (1, 0)], start=1)
    ])
