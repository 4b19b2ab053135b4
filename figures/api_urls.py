from django.urls import path

from . import api

urlpatterns = [
    path("statistics/", api.StatisticsView.as_view(), name="statistics"),
    path("statistics/live/", api.LiveView.as_view(), name="statistics-live"),
    path("statistics/<slug:code>/rows/", api.FigureRowsView.as_view(), name="statistics-rows"),
]
