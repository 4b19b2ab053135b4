from django.urls import path

from . import views

app_name = "grids"
urlpatterns = [
    path("map/", views.district_map, name="map"),
    path("my-cells/", views.my_cells, name="my-cells"),
    path("cells/<str:code>/", views.cell_detail, name="cell"),
]
