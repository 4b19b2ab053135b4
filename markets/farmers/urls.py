from django.urls import path

from . import views

app_name = "farmers"
urlpatterns = [
    path("", views.market_list, name="list"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("<int:pk>/", views.market_detail, name="detail"),
    path("photos/<int:pk>/", views.inspection_photo, name="photo"),
]
