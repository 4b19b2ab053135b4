"""Keep the point index honest whatever writes a place: services, the admin, factories in tests.

The index caches cells with their street and community (names included), so a change to any of the
three invalidates it. Bulk writes (which send no signals) call `geometry.invalidate()` themselves.
"""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import geometry
from .models import Community, GridCell, Street


@receiver(post_save, sender=GridCell, dispatch_uid="grids.cell_saved")
@receiver(post_delete, sender=GridCell, dispatch_uid="grids.cell_deleted")
@receiver(post_save, sender=Community, dispatch_uid="grids.community_saved")
@receiver(post_save, sender=Street, dispatch_uid="grids.street_saved")
def _places_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    geometry.invalidate()
