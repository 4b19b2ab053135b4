"""Admin of duty rotas: bureau staff keep the squads (members) and the key points with their hours; rotas are
generated through the service and read here."""
from django.contrib import admin

from bureau.admin_base import BureauStaffAdmin, BureauStaffReadOnlyAdmin, ReadOnlyInline

from ..models.rotas import KeyPoint, Rota, RotaDuty, Squad


@admin.register(Squad)
class SquadAdmin(BureauStaffAdmin):
    list_display = ("name", "street", "is_active")
    list_filter = ("street", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("members",)


@admin.register(KeyPoint)
class KeyPointAdmin(BureauStaffAdmin):
    list_display = ("name", "street", "grid", "windows", "is_active")
    list_filter = ("street", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("grid",)


class RotaDutyInline(ReadOnlyInline):
    model = RotaDuty
    fields = ("date", "shift", "squad", "street", "key_point", "starts_at", "ends_at", "off_reason", "off_note",
              "taken_off_by", "taken_off_at")
    readonly_fields = fields


@admin.register(Rota)
class RotaAdmin(BureauStaffReadOnlyAdmin):
    list_display = ("name", "month", "street", "created_by")
    inlines = (RotaDutyInline,)
