"""Admin screens for places. Geometry is shown read-only as JSON; cells change through the import upload."""
import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bureau.admin_base import ReadOnlyInline

from . import imports, services
from .models import (
    Community,
    GridCell,
    NamedPlace,
    OfficerAssignment,
    RoadSegment,
    Street,
    StreetChiefAssignment,
    StreetLeaderAssignment,
)
from .permissions import can_change_places


def _pretty(value):
    return format_html("<pre style='max-height:16em;overflow:auto'>{}</pre>", json.dumps(value, ensure_ascii=False,
                                                                                           indent=1))


class GridImportForm(forms.Form):
    file = forms.FileField(label=_("网格 GeoJSON 文件"), help_text=_("FeatureCollection，属性 code、street_name、community_name"))
    boundaries = forms.FileField(label=_("社区边界文件（可选）"), required=False)


def _read_geojson(upload):
    try:
        return json.loads(upload.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise forms.ValidationError(_("不是有效的 JSON 文件：%(err)s"), params={"err": str(exc)[:200]}) from exc


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    readonly_fields = ["boundary_json"]
    exclude = ["boundary"]

    @admin.display(description=_("边界"))
    def boundary_json(self, obj):
        return _pretty(obj.boundary) if obj and obj.boundary else "—"

    def save_model(self, request, obj, form, change):
        if change:
            services.street_update(acting_user=request.user, street=obj,
                                   **{f: form.cleaned_data[f] for f in form.changed_data if f in {"name", "kind"}})
        else:
            saved = services.street_create(acting_user=request.user, code=obj.code, name=obj.name, kind=obj.kind)
            obj.pk = saved.pk


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "street", "code", "name"]
    list_filter = ["street"]
    search_fields = ["code", "name", "street__name"]
    list_select_related = ["street"]
    readonly_fields = ["boundary_json"]
    exclude = ["boundary"]

    @admin.display(description=_("边界"))
    def boundary_json(self, obj):
        return _pretty(obj.boundary) if obj and obj.boundary else "—"

    def save_model(self, request, obj, form, change):
        if change:
            services.community_update(acting_user=request.user, community=obj,
                                      **{f: form.cleaned_data[f] for f in form.changed_data if f == "name"})
        else:
            saved = services.community_create(acting_user=request.user, street=obj.street, code=obj.code, name=obj.name)
            obj.pk = saved.pk


class OfficerAssignmentInline(ReadOnlyInline):
    model = OfficerAssignment
    fk_name = "cell"
    readonly_fields = ["officer", "start", "end", "assigned_by"]


@admin.register(GridCell)
class GridCellAdmin(admin.ModelAdmin):
    change_list_template = "admin/grids/gridcell/change_list.html"
    list_display = ["code", "street", "community", "area_m2", "land_use", "management_level"]
    list_filter = ["street", "management_level", "land_use"]
    search_fields = ["code", "community__name"]
    list_select_related = ["street", "community__street"]
    readonly_fields = ["code", "street", "community", "geometry_json", "area_m2", "updated_at"]
    fields = ["code", "street", "community", "geometry_json", "area_m2", "land_use", "management_level",
              "responsible_body", "valid_from", "valid_to", "updated_at"]
    inlines = [OfficerAssignmentInline]

    @admin.display(description=_("范围 (GeoJSON)"))
    def geometry_json(self, obj):
        return _pretty(obj.geometry) if obj else "—"

    def has_add_permission(self, request):
        # New cells come in through the import, which checks codes, polygons and overlaps.
        return False

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="grids_gridcell_import"),
                *super().get_urls()]

    def import_view(self, request):
        if not can_change_places(request.user):
            raise PermissionDenied
        report = None
        form = GridImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                collection = _read_geojson(form.cleaned_data["file"])
                boundaries = _read_geojson(form.cleaned_data["boundaries"]) if form.cleaned_data["boundaries"] else None
            except forms.ValidationError as exc:
                form.add_error("file", exc)
            else:
                try:
                    result = imports.grid_import(acting_user=request.user, collection=collection,
                                                 boundaries=boundaries, source=form.cleaned_data["file"].name)
                except imports.GridImportError as exc:
                    report = exc.report
                    messages.error(request, _("导入失败：%(n)d 个要素有错误，未导入任何网格。") % {"n": len(report.errors)})
                else:
                    messages.success(request, _("已导入：新建 %(c)d 个，更新 %(u)d 个网格。") % {
                        "c": result.created, "u": result.updated})
                    for warning in result.warnings:
                        messages.warning(request, f"{warning['community']}: {warning['message']}")
                    return redirect("admin:grids_gridcell_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "report": report,
                   "opts": self.model._meta, "title": _("导入网格")}
        return render(request, "admin/grids/gridcell/import.html", context)


@admin.register(OfficerAssignment)
class OfficerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["cell", "officer", "start", "end", "assigned_by"]
    list_filter = ["cell__street"]
    search_fields = ["cell__code", "officer__username"]
    list_select_related = ["cell", "officer", "assigned_by"]
    raw_id_fields = ["cell", "officer"]
    readonly_fields = ["start", "end", "assigned_by"]

    def save_model(self, request, obj, form, change):
        # History is append-only: an "edit" is a new assignment through the service.
        saved = services.officer_assign(acting_user=request.user, cell=obj.cell, officer=obj.officer)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StreetLeaderAssignment)
class StreetLeaderAssignmentAdmin(admin.ModelAdmin):
    list_display = ["street", "user", "start", "end", "assigned_by"]
    list_filter = ["street"]
    list_select_related = ["street", "user", "assigned_by"]
    readonly_fields = ["start", "end", "assigned_by"]

    def save_model(self, request, obj, form, change):
        saved = services.street_leader_assign(acting_user=request.user, street=obj.street, user=obj.user)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


class StreetChiefInline(ReadOnlyInline):
    model = StreetChiefAssignment
    readonly_fields = ["chief", "start", "end", "assigned_by"]


@admin.register(RoadSegment)
class RoadSegmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "street"]
    list_filter = ["street"]
    search_fields = ["code", "name"]
    list_select_related = ["street"]
    readonly_fields = ["line_json"]
    exclude = ["line"]
    inlines = [StreetChiefInline]

    @admin.display(description=_("走向"))
    def line_json(self, obj):
        return _pretty(obj.line) if obj and obj.line else "—"

    def save_model(self, request, obj, form, change):
        if change:
            services.road_segment_update(acting_user=request.user, segment=obj,
                                         **{f: form.cleaned_data[f] for f in form.changed_data if f in {"name", "street"}})
        else:
            saved = services.road_segment_create(acting_user=request.user, street=obj.street, name=obj.name,
                                                 code=obj.code)
            obj.pk = saved.pk


@admin.register(StreetChiefAssignment)
class StreetChiefAssignmentAdmin(admin.ModelAdmin):
    list_display = ["segment", "chief", "start", "end"]
    list_select_related = ["segment", "chief"]
    readonly_fields = ["start", "end", "assigned_by"]

    def save_model(self, request, obj, form, change):
        saved = services.street_chief_assign(acting_user=request.user, segment=obj.segment, chief=obj.chief)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NamedPlace)
class NamedPlaceAdmin(admin.ModelAdmin):
    """The gazetteer's named places (markets, squares, vendor zones) that addresses may name."""

    list_display = ["name", "kind", "street", "lat", "lng"]
    list_filter = ["street", "kind"]
    search_fields = ["name", "aliases"]
    list_select_related = ["street"]
