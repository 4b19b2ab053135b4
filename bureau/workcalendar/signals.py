from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendar
from .models import CalendarDay, WorkPeriod


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=WorkPeriod)
def _calendar_changed(sender, **kwargs):
    calendar.invalidate()
