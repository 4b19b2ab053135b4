from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("new/", views.case_new, name="new"),
    path("inbox/", views.inbox, name="inbox"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/original/", views.photo, {"original": True}, name="photo-original"),
    path("orders/", views.orders_queue, name="orders"),
    path("orders/<int:pk>/", views.order_print, name="order"),
    path("orders/<int:pk>/pdf/", views.order_pdf, name="order-pdf"),
    path("penalties/", views.penalties_queue, name="penalties"),
    path("parties/<int:pk>/", views.party_detail, name="party"),
    path("repeat-offenders/", views.repeat_offenders_page, name="repeat-offenders"),
    path("operations/", views.operations_list, name="operations"),
    path("operations/new/", views.operation_new, name="operation-new"),
    path("operations/<int:pk>/", views.operation_detail, name="operation"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/act/", views.case_act, name="act"),
    path("<int:pk>/reveal-phone/", views.reveal_phone, name="reveal-phone"),
]
