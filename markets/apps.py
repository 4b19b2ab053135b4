from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketsConfig(AppConfig):
    name = "markets"
    verbose_name = _("街面经营")

    def ready(self):
        from bureau import dashboard, navigation
        from enforcement import party_sources
        from grids import maplayers

        from . import permitindex, services
        from .dashboard import market_tiles
        from .farmers.dashboard import farmers_tiles

        permitindex.connect_signals()  # the vendor check's in-memory permits
        dashboard.register(50, market_tiles)
        dashboard.register(51, farmers_tiles)
        navigation.register("farmers-markets", _("农贸市场"), "markets:farmers:list", 51, navigation.field_staff)
        navigation.register("markets", _("街面经营"), "markets:index", 50, navigation.field_staff)
        # the zones on the district map, from the zones API (scoped as the rest of it)
        maplayers.register("vendor-zones", _("摊点区域"), "vendor-zone-geojson", 50, navigation.field_staff,
                           colour="#e07b00")
        # farmers markets, shops and outdoor ads as points, each from its API (scoped as the rest of it)
        maplayers.register("farmers-markets", _("农贸市场"), "farmers-market-geojson", 51, navigation.field_staff,
                           colour="#2e7d32")
        maplayers.register("shops", _("商户"), "shop-geojson", 52, navigation.field_staff, colour="#1565c0")
        maplayers.register("outdoor-ads", _("户外广告/招牌"), "outdoor-ad-geojson", 53, navigation.field_staff,
                           colour="#c2185b")
        # a patrol finding (or any other report) naming a vendor is a case against the vendor's party
        party_sources.register("vendor", services.vendor_party, services.vendor_case_reported)
