from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeUnit(models.TextChoices):
    """The three units a time limit (处置时限) is counted in, on the work calendar."""

    URGENT_HOURS = "urgent_hours", _("紧急工作时")  # continuous hours, nights and holidays included
    WORK_HOURS = "work_hours", _("工作时")  # office hours on workdays
    WORK_DAYS = "work_days", _("工作日")  # working days, 1 working day = 8 working hours


class DaySource(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar 数据包")
    MANUAL = "manual", _("人工维护")
