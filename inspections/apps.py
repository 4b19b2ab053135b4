from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("巡查与考评")

    def ready(self):
        """Every navigation entry and dashboard tile of inspections, each shown to the audience its
        predicate in `permissions` names."""
        from bureau import dashboard, navigation
        from grids import maplayers

        from .permissions import may_patrol, may_read_assessment, may_read_sites, may_report_problem
        from .views.patrols import patrol_tiles
        from .views.reports import dashboard_tiles
        from .views.rotas import brigade_time_tiles
        from .views.sites import site_tiles

        # Patrols: the phone form for leaders and bureau staff, the officer's report, coverage.
        navigation.register("patrols", _("巡查日报"), "inspections:patrol-new", 30, may_patrol)
        navigation.register("report-problem", _("上报问题"), "inspections:report-problem", 31, may_report_problem)
        navigation.register("coverage", _("巡查覆盖"), "inspections:coverage", 35, may_patrol)
        navigation.register("rotas", _("值班排班"), "inspections:rotas", 39, may_patrol)
        dashboard.register(30, patrol_tiles)
        dashboard.register(39, brigade_time_tiles)
        # Construction sites: the file, which links the monthly census and the phone inspection form.
        navigation.register("sites", _("建筑工地"), "inspections:site-list", 36, may_read_sites)
        navigation.register("campaigns", _("专项整治"), "inspections:campaigns", 38, may_read_sites)
        navigation.register("approvals", _("区级审批"), "inspections:approvals", 37, may_read_sites)
        dashboard.register(35, site_tiles)
        # the sites under construction on the district map, from the site file's API (scoped as the rest of it)
        maplayers.register("construction-sites", _("在建工地"), "construction-site-geojson", 60, may_read_sites,
                           colour="#8e44ad")
        # Assessment: rankings, bulletins, and the week's cases and last ranking on the dashboard.
        navigation.register("rankings", _("排名"), "inspections:rankings", 40, may_read_assessment)
        navigation.register("bulletins", _("通报"), "inspections:bulletin-latest", 45, may_read_assessment)
        dashboard.register(40, dashboard_tiles)
        # Joint operations (enforcement) count the demolitions made in them.
        from enforcement.services.operations import register_result_source

        from .services.campaigns import operation_demolitions

        register_result_source(operation_demolitions)
