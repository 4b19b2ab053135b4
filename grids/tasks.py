"""Grids tasks. `grids.locate_point` answers from the worker's own point index: it shows (and tests check)
that a long-running worker follows cell changes made by other processes."""
from celery import shared_task

from . import geometry


@shared_task(name="grids.locate_point", soft_time_limit=30, time_limit=60)
def locate_point(lat: float, lng: float):
    """The code of the cell containing the point (None outside), with the index version that answered."""
    return {"code": geometry.locate_code(float(lat), float(lng)), "index_version": geometry.index_version()}
