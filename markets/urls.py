from django.urls import include, path

from . import public, registers, shop_ad_registers, views

app_name = "markets"
urlpatterns = [
    path("", views.index, name="index"),
    # the registers: lists (with ?format=xlsx) and detail pages; the permit's lifecycle actions as forms
    path("zones/", registers.zone_list, name="zones"),
    path("zones/<int:pk>/", registers.zone_detail, name="zone"),
    path("zones/<int:pk>/sign/", public.zone_sign, name="zone-sign"),
    path("vendors/", registers.vendor_list, name="vendors"),
    path("vendors/<int:pk>/", registers.vendor_detail, name="vendor"),
    path("permits/", registers.permit_list, name="permits"),
    path("permits/<int:pk>/", registers.permit_detail, name="permit"),
    path("permits/<int:pk>/act/", registers.permit_act, name="permit-act"),
    # the page a zone's sign's QR code opens: public, no login
    path("public/zones/<int:pk>/", public.zone_public, name="zone-public"),
    path("farmers/", include("markets.farmers.urls")),  # farmers markets
    path("shops/", shop_ad_registers.shops, name="shops"),
    path("ads/", shop_ad_registers.ads, name="ads"),
]
