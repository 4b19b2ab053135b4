"""The work calendar: one row per day (workday or not, the holiday's name) and the office hours."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import DaySource


class CalendarDay(models.Model):
    """A day of the national calendar, including 调休 weekend workdays. Staff edit next year's when published."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    holiday_name = models.CharField(_("节假日名称"), max_length=64, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=DaySource.choices, default=DaySource.MANUAL)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("日历日")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'工作日' if self.is_workday else '休息日'} {self.holiday_name}".strip()


class WorkPeriod(models.Model):
    """A span of office hours on a workday (default 08:00-12:00 and 14:00-18:00), set locally."""

    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("办公时段")
        verbose_name_plural = _("办公时段")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="work_period_end_after_start"),
        ]

    def __str__(self):
        return f"{self.start:%H:%M}-{self.end:%H:%M}"
