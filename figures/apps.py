from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    """The year in figures: the statistics API and pages (each figure drillable to its rows), the annual
    summary's data annex, and the leadership dashboard with its wall mode. It reads every app's figures from the
    statistics registry (bureau/statistics.py) and sits above every domain app."""

    name = "figures"
    verbose_name = _("统计")

    def ready(self):
        from bureau import navigation
        from bureau.statistics import discover

        from .permissions import may_read_statistics

        discover()  # connects the data-version signals of every figure's models at start-up
        navigation.register("statistics", _("统计"), "figures:statistics", 50, may_read_statistics)
        navigation.register("leadership", _("领导驾驶舱"), "figures:leadership", 51, may_read_statistics)
