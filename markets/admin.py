"""Admin for street commerce, bureau staff only. Creations and edits go through the services (so plain phone
and ID numbers become mask + hash, the rules are checked, and every write is audited); permits and agreements
are not edited afterwards (revoke or sign a new one instead)."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bureau.admin_base import BureauStaffAdmin, is_bureau_staff

from . import services
from .choices import AdStatus
from .models import (
    AdTarget,
    FrontageAgreement,
    OutdoorAd,
    Shop,
    ShopCommitment,
    StallPermit,
    Vendor,
    VendorCaseLink,
    VendorZone,
)


def _changes(form, names=None) -> dict:
    """The model fields the form changed, with their cleaned values, for an `_update` service."""
    fields = {f.name for f in form._meta.model._meta.fields}
    return {name: form.cleaned_data[name] for name in form.changed_data
            if name in fields and (names is None or name in names)}


class VendorZoneForm(forms.ModelForm):
    opens_at = forms.TimeField(label=_("每日开始时间"), required=False,
                               help_text=_("填写后替换全部营业时段为每天同一时段"))
    closes_at = forms.TimeField(label=_("每日结束时间"), required=False,
                                help_text=_("早于开始时间表示跨过午夜（次日结束）"))

    class Meta:
        model = VendorZone
        fields = ["street", "kind", "name", "road", "geometry", "half_width_m", "valid_from", "valid_to", "trades",
                  "allowed_trades", "responsible_person", "complaint_phone", "capacity", "is_active"]

    def clean(self):
        data = super().clean()
        if bool(data.get("opens_at")) != bool(data.get("closes_at")):
            raise forms.ValidationError(_("开始时间与结束时间须同时填写。"))
        if self.instance.pk is None and not data.get("opens_at"):
            raise forms.ValidationError(_("请填写营业时段。"))
        return data


@admin.register(VendorZone)
class VendorZoneAdmin(BureauStaffAdmin):
    form = VendorZoneForm
    readonly_fields = ["hours", "slot_numbers"]
    list_display = ["name", "street", "kind", "road", "valid_from", "valid_to", "capacity", "complaint_phone",
                    "is_active"]
    list_filter = ["kind", "is_active", "street"]
    search_fields = ["name", "road", "responsible_person"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        windows = None
        if data.get("opens_at"):
            windows = [{"weekday": d, "opens": data["opens_at"], "closes": data["closes_at"]} for d in range(1, 8)]
        if not change:
            fields = {f: data.get(f) for f in VendorZoneForm.Meta.fields}
            fields["trades"] = fields["trades"] or ""
            fields["capacity"] = fields["capacity"] or 0
            fields["allowed_trades"] = fields["allowed_trades"] or []
            created = services.vendor_zone_create(acting_user=request.user, windows=windows, **fields)
            obj.pk = created.pk
            return
        services.vendor_zone_update(acting_user=request.user, zone=obj, windows=windows,
                                    **_changes(form, services.ZONE_EDITABLE))

    @admin.display(description=_("营业时段"))
    def hours(self, obj):
        return "；".join(str(w) for w in obj.windows.all()) if obj.pk else "—"

    @admin.display(description=_("摊位"))
    def slot_numbers(self, obj):
        return "、".join(s.number for s in obj.slots.all()) if obj.pk else "—"


class VendorForm(forms.ModelForm):
    phone = forms.CharField(label=_("电话"), required=False)
    id_number = forms.CharField(label=_("身份证号"), required=False)

    class Meta:
        model = Vendor
        fields = ["name"]


@admin.register(Vendor)
class VendorAdmin(BureauStaffAdmin):
    form = VendorForm
    list_display = ["name", "phone_masked", "id_number_masked", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["phone_masked", "id_number_masked", "created_at"]

    def has_change_permission(self, request, obj=None):
        return is_bureau_staff(request) and obj is None

    def save_model(self, request, obj, form, change):
        vendor = services.vendor_register(acting_user=request.user, name=form.cleaned_data["name"],
                                          phone=form.cleaned_data.get("phone", ""),
                                          id_number=form.cleaned_data.get("id_number", ""))
        obj.pk = vendor.pk


class StallPermitForm(forms.ModelForm):
    stall_number = forms.CharField(label=_("摊位号"), max_length=16)

    class Meta:
        model = StallPermit
        fields = ["vendor", "zone", "valid_from", "valid_to"]


@admin.register(StallPermit)
class StallPermitAdmin(BureauStaffAdmin):
    list_display = ["zone", "slot", "vendor", "valid_from", "valid_to", "status"]
    list_filter = ["status", "zone__kind", "zone__street"]
    search_fields = ["slot__number", "vendor__name", "zone__name"]
    autocomplete_fields = ["vendor"]
    actions = ["revoke"]
    readonly = ["vendor", "zone", "slot", "valid_from", "valid_to", "status", "checklist", "renewal_of", "issued_at",
                "revoked_at", "revoke_reason"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StallPermitForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["vendor", "zone", "stall_number", "valid_from", "valid_to"] if obj is None else self.readonly

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly

    def save_model(self, request, obj, form, change):
        if change:
            return  # permits are not edited; revoke and issue again
        permit = services.stall_permit_issue(
            acting_user=request.user, vendor=form.cleaned_data["vendor"], zone=form.cleaned_data["zone"],
            stall_number=form.cleaned_data["stall_number"], valid_from=form.cleaned_data["valid_from"],
            valid_to=form.cleaned_data["valid_to"],
        )
        obj.pk, obj.slot = permit.pk, permit.slot

    @admin.action(description=_("吊销所选摊位许可"))
    def revoke(self, request, queryset):
        done = 0
        for permit in queryset:
            try:
                services.stall_permit_revoke(acting_user=request.user, permit=permit, reason=str(_("管理后台吊销")))
                done += 1
            except services.PermitStateConflict:
                continue
        self.message_user(request, _("已吊销 %(n)d 个许可。") % {"n": done}, messages.SUCCESS)


@admin.register(VendorCaseLink)
class VendorCaseLinkAdmin(BureauStaffAdmin):
    list_display = ["vendor", "case", "linked_at", "linked_by"]
    list_filter = ["case__street"]
    search_fields = ["vendor__name", "case__number"]
    autocomplete_fields = ["vendor"]
    raw_id_fields = ["case"]
    fields = ["vendor", "case", "note"]

    def has_change_permission(self, request, obj=None):
        return is_bureau_staff(request) and obj is None

    def save_model(self, request, obj, form, change):
        link = services.vendor_link_case(acting_user=request.user, vendor=form.cleaned_data["vendor"],
                                         case=form.cleaned_data["case"], note=form.cleaned_data.get("note", ""))
        obj.pk = link.pk


@admin.register(Shop)
class ShopAdmin(BureauStaffAdmin):
    list_display = ["name", "address", "licence_number", "street", "grid", "is_active"]
    list_filter = ["is_active", "street"]
    search_fields = ["name", "address", "licence_number"]
    raw_id_fields = ["grid"]
    exclude = ["party"]

    def save_model(self, request, obj, form, change):
        if not change:
            shop = services.shop_register(acting_user=request.user, name=obj.name, address=obj.address,
                                          street=obj.street, grid=obj.grid, licence_number=obj.licence_number,
                                          lat=obj.lat, lng=obj.lng)
            obj.pk = shop.pk
            return
        services.shop_update(acting_user=request.user, shop=obj, **_changes(form, services.SHOP_EDITABLE))


class FrontageAgreementForm(forms.ModelForm):
    signer_phone = forms.CharField(label=_("签订人电话"), required=False)

    class Meta:
        model = FrontageAgreement
        fields = ["shop", "kind", "signed_on", "signer_name"]


@admin.register(FrontageAgreement)
class FrontageAgreementAdmin(BureauStaffAdmin):
    """Each save signs the shop's next version; versions are history and are never edited."""

    form = FrontageAgreementForm
    list_display = ["shop", "kind", "version", "signed_on", "signer_name", "signer_phone_masked"]
    list_filter = ["kind", "shop__street"]
    search_fields = ["shop__name", "signer_name"]
    raw_id_fields = ["shop"]

    def has_change_permission(self, request, obj=None):
        return is_bureau_staff(request) and obj is None

    def save_model(self, request, obj, form, change):
        agreement = services.frontage_agreement_sign(
            acting_user=request.user, shop=form.cleaned_data["shop"], signed_on=form.cleaned_data["signed_on"],
            signer_name=form.cleaned_data["signer_name"], signer_phone=form.cleaned_data.get("signer_phone", ""),
            kind=form.cleaned_data["kind"],
        )
        obj.pk = agreement.pk


class ShopCommitmentForm(forms.ModelForm):
    class Meta:
        model = ShopCommitment
        fields = ["shop", "signed_on", "signer_name", "scan"]


@admin.register(ShopCommitment)
class ShopCommitmentAdmin(BureauStaffAdmin):
    """Commitment letters with their scans; recorded through the service (the scan checked), never edited."""

    form = ShopCommitmentForm
    list_display = ["shop", "signed_on", "signer_name", "recorded_at"]
    list_filter = ["shop__street"]
    search_fields = ["shop__name", "signer_name"]
    raw_id_fields = ["shop"]

    def has_change_permission(self, request, obj=None):
        return is_bureau_staff(request) and obj is None

    def save_model(self, request, obj, form, change):
        letter = services.shop_commitment_record(
            acting_user=request.user, shop=form.cleaned_data["shop"], signed_on=form.cleaned_data["signed_on"],
            signer_name=form.cleaned_data["signer_name"], scan=form.cleaned_data["scan"])
        obj.pk = letter.pk


def _refusal(call):
    """A state refusal of a service (a 409 in the API) shown on the admin page like a validation error."""
    try:
        return call()
    except services.AdStateConflict as exc:
        raise ValidationError(str(exc.detail)) from None


class OutdoorAdForm(forms.ModelForm):
    hazard = forms.BooleanField(label=_("存在安全隐患"), required=False)

    class Meta:
        model = OutdoorAd
        fields = ["owner", "location", "street", "kind", "approval_number", "approved_from", "approved_until",
                  "area_m2", "lat", "lng"]


@admin.register(OutdoorAd)
class OutdoorAdAdmin(BureauStaffAdmin):
    """The status is never a form field: it follows the approval (recorded here through the service), and the
    actions below mark a hazard, clear one or record a removal, all along the service's rule that removed is
    final. A removed ad is read-only."""

    form = OutdoorAdForm
    list_display = ["owner", "location", "street", "kind", "approval_number", "approved_until", "status"]
    list_filter = ["kind", "status", "street"]
    search_fields = ["owner", "location", "approval_number"]
    readonly_fields = ["status", "removal_order"]
    actions = ["mark_hazard", "clear_hazard", "mark_removed"]
    APPROVAL = ("approval_number", "approved_from", "approved_until")

    def get_fields(self, request, obj=None):
        fields = [*OutdoorAdForm.Meta.fields]
        return [*fields, "hazard"] if obj is None else [*fields, "status", "removal_order"]

    def has_change_permission(self, request, obj=None):
        return is_bureau_staff(request) and (obj is None or obj.status != AdStatus.REMOVED)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            ad = services.outdoor_ad_register(
                acting_user=request.user, owner=obj.owner, location=obj.location, street=obj.street, kind=obj.kind,
                approval_number=obj.approval_number, approved_from=obj.approved_from,
                approved_until=obj.approved_until, hazard=data.get("hazard", False), area_m2=obj.area_m2,
                lat=obj.lat, lng=obj.lng,
            )
            obj.pk = ad.pk
            return
        _refusal(lambda: services.outdoor_ad_update(acting_user=request.user, ad=obj,
                                                    **_changes(form, services.AD_EDITABLE)))
        if set(form.changed_data) & set(self.APPROVAL):
            _refusal(lambda: services.outdoor_ad_approve(
                acting_user=request.user, ad=obj, approval_number=data["approval_number"],
                approved_from=data["approved_from"], approved_until=data["approved_until"]))

    def _each(self, request, queryset, status, reason):
        done = 0
        for ad in queryset:
            try:
                services.outdoor_ad_set_status(acting_user=request.user, ad=ad, status=status, reason=str(reason))
                done += 1
            except services.AdStateConflict:
                continue
        self.message_user(request, _("已处理 %(n)d 条，其余状态不允许。") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("标记为安全隐患"))
    def mark_hazard(self, request, queryset):
        self._each(request, queryset, AdStatus.HAZARD, _("管理后台标记"))

    @admin.action(description=_("隐患已消除（按审批恢复状态）"))
    def clear_hazard(self, request, queryset):
        self._each(request, queryset, AdStatus.APPROVED, _("管理后台消除隐患"))

    @admin.action(description=_("登记为已拆除（不可撤销）"))
    def mark_removed(self, request, queryset):
        self._each(request, queryset, AdStatus.REMOVED, _("管理后台登记拆除"))


class AdTargetForm(forms.ModelForm):
    class Meta:
        model = AdTarget
        fields = ["street", "public_service_ratio"]


@admin.register(AdTarget)
class AdTargetAdmin(BureauStaffAdmin):
    form = AdTargetForm
    list_display = ["street", "public_service_ratio", "updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        target = services.ad_target_set(acting_user=request.user, street=form.cleaned_data["street"],
                                        public_service_ratio=form.cleaned_data["public_service_ratio"])
        obj.pk = target.pk


from .farmers import admin as farmers_admin  # noqa: E402, F401 - farmers markets' screens
