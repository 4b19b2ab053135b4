"""Admin for the assessment: scoring schemes are edited here (every save is a new version); published
rankings and bulletins are shown read-only (they change only through a reissue with a reason)."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from bureau.admin_base import ReadOnlyAdmin, ReadOnlyInline

from ..models import Bulletin, Ranking, RankingRow, ScoringScheme
from ..services.reports import scheme_save_version


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name", "created_at", "created_by"]
    list_filter = ["code"]
    fields = ["code", "version", "name", "weights", "deductions", "grade_bands", "extra_indicators", "note",
              "created_at", "created_by"]
    readonly_fields = ["version", "created_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # rankings point at their scheme version; versions are never removed

    def save_model(self, request, obj, form, change):
        # Every save, a first one or an edit, goes through the service as a new version: the row being
        # edited is left exactly as it was, so rankings published under it stay explained.
        data = form.cleaned_data
        new = scheme_save_version(
            acting_user=request.user, code=obj.code, name=data["name"], weights=data["weights"],
            deductions=data["deductions"], grade_bands=data["grade_bands"],
            extra_indicators=data.get("extra_indicators") or [], note=data.get("note", ""),
        )
        if change:
            messages.info(request, _("已保存为新版本 v%(version)s；原版本保持不变。") % {"version": new.version})
        obj.pk, obj.version, obj.created_at, obj.created_by = new.pk, new.version, new.created_at, new.created_by
        obj._state.adding = False

    def get_changeform_initial_data(self, request):
        return {"weights": [], "deductions": {}, "grade_bands": [], "extra_indicators": []}


class RankingRowInline(ReadOnlyInline):
    model = RankingRow
    fields = ["rank", "street", "score", "grade", "indicators"]
    readonly_fields = fields


@admin.register(Ranking)
class RankingAdmin(ReadOnlyAdmin):
    list_display = ["period", "kind", "scheme", "revision", "published_at", "published_by"]
    list_filter = ["kind"]
    search_fields = ["period"]
    inlines = [RankingRowInline]
    exclude = ["payload"]


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ["period", "revision", "published_at", "published_by", "reason"]
    search_fields = ["period"]
