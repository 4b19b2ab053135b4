from django.urls import path

from .views import patrols, reports

app_name = "inspections"
urlpatterns = [
    path("patrol/new/", patrols.patrol_new, name="patrol-new"),
    path("patrols/", patrols.patrol_list, name="patrol-list"),
    path("patrols/<int:pk>/", patrols.patrol_detail, name="patrol-detail"),
    path("report-problem/", patrols.report_problem, name="report-problem"),
    path("coverage/", patrols.coverage, name="coverage"),
    path("sw.js", patrols.service_worker, name="service-worker"),
    # the assessment: rankings with trend chart, printable weekly bulletins
    path("rankings/", reports.ranking_page, name="rankings"),
    path("bulletins/", reports.bulletin_latest, name="bulletin-latest"),
    path("bulletins/<str:period>/", reports.bulletin_page, name="bulletin"),
]
