from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "bureau.workcalendar"
    label = "workcalendar"
    verbose_name = _("工作日历")

    def ready(self):
        from . import signals  # noqa: F401
