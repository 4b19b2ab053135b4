from django.urls import path

from . import registers, views

app_name = "markets"
urlpatterns = [
    path("", views.index, name="index"),
    path("shops/", registers.shops, name="shops"),
    path("ads/", registers.ads, name="ads"),
]
