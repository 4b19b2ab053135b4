from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _patrols(user):
    return user.is_bureau_staff or user.is_street_leader


def _officer(user):
    return user.is_grid_officer


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("巡查与考评")

    def ready(self):
        from bureau import dashboard, navigation

        from .views.patrols import patrol_tiles

        # Patrols (issue 5): the phone form for leaders and bureau staff, the officer's report, coverage.
        navigation.register("patrols", _("巡查日报"), "inspections:patrol-new", 30, _patrols)
        navigation.register("report-problem", _("上报问题"), "inspections:report-problem", 31, _officer)
        navigation.register("coverage", _("巡查覆盖"), "inspections:coverage", 35, _patrols)
        dashboard.register(30, patrol_tiles)
        # Assessment (issue 6): rankings, bulletins, dashboard tiles.
        from .views.reports import register_ui

        register_ui()
