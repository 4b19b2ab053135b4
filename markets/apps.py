from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketsConfig(AppConfig):
    name = "markets"
    verbose_name = _("街面经营")

    def ready(self):
        from bureau import dashboard, navigation

        from .dashboard import market_tiles

        dashboard.register(50, market_tiles)
        navigation.register("markets", _("街面经营"), "markets:index", 50, navigation.field_staff)
