"""Admin for farmers markets, bureau staff only. Markets, stations, posts and volunteer points are added through
the services (scope, the operator in the register of parties, the default cleaning slots, audit) and not
edited here afterwards; the field records (rounds, inspections, complaints, repairs) are read-only."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bureau.admin_base import BureauStaffAdmin, BureauStaffReadOnlyAdmin, ReadOnlyInline, is_bureau_staff

from . import services
from .models import (
    CleaningRound,
    CleaningSlot,
    FarmersMarket,
    ManagementStation,
    MarketComplaint,
    MarketInspection,
    MarketRepair,
    StationPost,
    VolunteerPoint,
)


class _AddOnlyAdmin(BureauStaffAdmin):
    """Added through a service; a saved row is shown, not edited."""

    add_fields: list = []

    def has_change_permission(self, request, obj=None):
        return is_bureau_staff(request) and obj is None

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        obj.pk = self.create(request, form.cleaned_data).pk


class StationPostInline(ReadOnlyInline):
    model = StationPost
    fields = ["post", "person", "duty", "starts", "ends", "market", "is_active"]


@admin.register(ManagementStation)
class ManagementStationAdmin(_AddOnlyAdmin):
    add_fields = ["street", "name", "head", "phone"]
    list_display = ["name", "street", "head", "phone", "is_active"]
    list_filter = ["street", "is_active"]
    search_fields = ["name", "head"]
    inlines = [StationPostInline]

    def create(self, request, data):
        return services.station_create(acting_user=request.user, **{k: data.get(k) or "" for k in ("name", "head",
                                                                                                   "phone")},
                                       street=data["street"])


class FarmersMarketForm(forms.ModelForm):
    operator_name = forms.CharField(label=_("开办单位"), max_length=128, required=False)

    class Meta:
        model = FarmersMarket
        fields = ["street", "grid", "name", "address", "lat", "lng", "station", "stall_count"]


class CleaningSlotInline(ReadOnlyInline):
    model = CleaningSlot
    fields = ["name", "starts", "ends"]


class VolunteerPointInline(ReadOnlyInline):
    model = VolunteerPoint
    fields = ["name", "services", "hours", "contact", "is_active"]


@admin.register(FarmersMarket)
class FarmersMarketAdmin(_AddOnlyAdmin):
    add_fields = ["street", "grid", "name", "address", "lat", "lng", "operator_name", "station", "stall_count"]
    list_display = ["name", "street", "address", "operator", "station", "is_active"]
    list_filter = ["street", "is_active"]
    search_fields = ["name", "address"]
    inlines = [CleaningSlotInline, VolunteerPointInline]
    raw_id_fields = ["grid", "operator"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = FarmersMarketForm
        return super().get_form(request, obj, change=change, **kwargs)

    def create(self, request, data):
        return services.farmers_market_register(
            acting_user=request.user, street=data["street"], grid=data.get("grid"), name=data["name"],
            address=data["address"], lat=data["lat"], lng=data["lng"], operator_name=data.get("operator_name") or "",
            station=data.get("station"), stall_count=data.get("stall_count") or 0)


@admin.register(StationPost)
class StationPostAdmin(_AddOnlyAdmin):
    add_fields = ["station", "market", "post", "person", "duty", "starts", "ends"]
    list_display = ["post", "person", "station", "market", "starts", "ends", "is_active"]
    list_filter = ["station__street", "is_active"]

    def create(self, request, data):
        return services.station_post_add(acting_user=request.user, **{k: data.get(k) for k in self.add_fields})


@admin.register(VolunteerPoint)
class VolunteerPointAdmin(_AddOnlyAdmin):
    add_fields = ["market", "name", "services", "hours", "contact"]
    list_display = ["name", "market", "services", "hours", "contact", "is_active"]
    list_filter = ["market__street", "is_active"]

    def create(self, request, data):
        return services.volunteer_point_add(acting_user=request.user,
                                            **{k: data.get(k) or "" for k in self.add_fields if k != "market"},
                                            market=data["market"])


@admin.register(CleaningRound)
class CleaningRoundAdmin(BureauStaffReadOnlyAdmin):
    list_display = ["market", "date", "slot", "done_at", "recorded_by"]
    list_filter = ["market__street", "date"]


@admin.register(MarketInspection)
class MarketInspectionAdmin(BureauStaffReadOnlyAdmin):
    list_display = ["market", "inspected_at", "inspector", "failed_count"]
    list_filter = ["market__street"]


@admin.register(MarketComplaint)
class MarketComplaintAdmin(BureauStaffReadOnlyAdmin):
    list_display = ["market", "kind", "received_at", "due_at", "status", "handled_at"]
    list_filter = ["status", "kind", "market__street"]
    exclude = ["phone_hash"]


@admin.register(MarketRepair)
class MarketRepairAdmin(BureauStaffReadOnlyAdmin):
    list_display = ["market", "facility", "reported_on", "status", "fixed_on"]
    list_filter = ["status", "market__street"]
