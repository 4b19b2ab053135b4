"""Keep the point index honest whatever writes a place: services, the admin, factories in tests.

The index caches cells with their street and community (names included), so a change to any of the
three invalidates it. Bulk writes (which send no signals) call `geometry.invalidate()` themselves.
The gazetteer's road index likewise follows every save or delete of a road segment, and a street's save (the
segments are kept in their streets' code order).
"""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import gazetteer, geometry
from .models import Community, GridCell, RoadSegment, Street


@receiver(post_save, sender=GridCell, dispatch_uid="grids.cell_saved")
@receiver(post_delete, sender=GridCell, dispatch_uid="grids.cell_deleted")
@receiver(post_save, sender=Community, dispatch_uid="grids.community_saved")
@receiver(post_save, sender=Street, dispatch_uid="grids.street_saved")
def _places_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    geometry.invalidate()


@receiver(post_save, sender=RoadSegment, dispatch_uid="grids.road_segment_saved")
@receiver(post_delete, sender=RoadSegment, dispatch_uid="grids.road_segment_deleted")
@receiver(post_save, sender=Street, dispatch_uid="grids.street_saved_roads")
def _roads_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    gazetteer.invalidate()
