from django.urls import path

from . import views

app_name = "figures"

urlpatterns = [
    path("", views.statistics_page, name="statistics"),
    path("rows/<slug:code>/", views.rows_page, name="rows"),
    path("annex/", views.annex_page, name="annex"),
    path("leadership/", views.leadership_page, name="leadership"),
    path("wall/", views.leadership_page, {"wall": True}, name="wall"),
]
