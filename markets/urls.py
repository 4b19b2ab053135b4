from django.urls import include, path

from . import views

app_name = "markets"
urlpatterns = [
    path("", views.index, name="index"),
    path("farmers/", include("markets.farmers.urls")),  # farmers markets
]
