from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("new/", views.case_new, name="new"),
    path("inbox/", views.inbox, name="inbox"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/original/", views.photo, {"original": True}, name="photo-original"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/act/", views.case_act, name="act"),
    path("<int:pk>/reveal-phone/", views.reveal_phone, name="reveal-phone"),
]
