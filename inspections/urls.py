from django.urls import path

from .views import approvals, campaigns, demolitions, patrols, reports, rotas, sites

app_name = "inspections"
urlpatterns = [
    path("patrol/new/", patrols.patrol_new, name="patrol-new"),
    path("patrols/", patrols.patrol_list, name="patrol-list"),
    path("patrols/<int:pk>/", patrols.patrol_detail, name="patrol-detail"),
    path("report-problem/", patrols.report_problem, name="report-problem"),
    path("coverage/", patrols.coverage, name="coverage"),
    path("sw.js", patrols.service_worker, name="service-worker"),
    # construction sites: the file, the phone inspection form, the monthly census
    path("sites/", sites.site_list, name="site-list"),
    path("sites/<int:pk>/", sites.site_detail, name="site-detail"),
    path("sites/inspect/", sites.site_inspect, name="site-inspect"),
    path("sites/census/", sites.site_census_page, name="site-census"),
    # district approvals (temporary occupation, muck transport) touching the user's streets
    path("approvals/", approvals.approval_list, name="approvals"),
    # campaigns: the list and each one's closing report (A4, xlsx)
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/report/", campaigns.campaign_report, name="campaign-report"),
    path("illegal-building/", demolitions.illegal_building_bulletin, name="illegal-building"),
    # duty rotas, read against the patrol reports
    path("rotas/", rotas.rota_list, name="rotas"),
    path("rotas/<int:pk>/", rotas.rota_detail, name="rota-detail"),
    path("rotas/time/", rotas.brigade_time_page, name="brigade-time"),
    # the assessment: rankings with trend chart, printable weekly bulletins
    path("rankings/", reports.ranking_page, name="rankings"),
    path("bulletins/", reports.bulletin_latest, name="bulletin-latest"),
    path("bulletins/<str:period>/", reports.bulletin_page, name="bulletin"),
]
