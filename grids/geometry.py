"""Point lookup: which grid cell contains a WGS84 point.

INTERIM implementation (a linear scan with shapely); the grids issue replaces the internals with an
STRtree index rebuilt when cells change, keeping this module's public functions and their signatures.
"""
from shapely.geometry import Point, shape


def locate(lat: float, lng: float):
    """The GridCell containing (lat, lng), or None outside the district. On a shared edge: the lowest code."""
    from .models import GridCell

    point = Point(lng, lat)
    for cell in GridCell.objects.select_related("street", "community").order_by("code"):
        if shape(cell.geometry).covers(point):
            return cell
    return None
