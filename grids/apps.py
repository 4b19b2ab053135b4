from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _officer(user):
    return user.is_grid_officer


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = _("网格与地点")

    def ready(self):
        from bureau import dashboard, navigation

        from . import signals  # noqa: F401 - connects the index invalidation
        from .views import dashboard_tiles

        navigation.register("map", _("网格地图"), "grids:map", 10, navigation.field_staff)
        navigation.register("my-cells", _("我的网格"), "grids:my-cells", 12, _officer)
        dashboard.register(10, dashboard_tiles)
