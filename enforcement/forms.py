"""Page forms: the staff intake form and the action forms of the case page (they feed the services)."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import CaseSource
from .models import Category, Department
from .photos import photos_check


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one input, checked here (count, type, pixels, decoded) before the service's
    transaction begins; the field's value is the list of checked photos."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            uploads = [d for d in data if d]
        else:
            uploads = [data] if data else []
        try:
            return photos_check(uploads)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict.get("photos", exc.messages)) from exc


class CaseIntakeForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("类别"), queryset=Category.objects.active(), to_field_name="code",
    )
    lat = forms.FloatField(label=_("纬度"), widget=forms.NumberInput(attrs={"step": "any"}))
    lng = forms.FloatField(label=_("经度"), widget=forms.NumberInput(attrs={"step": "any"}))
    address = forms.CharField(label=_("地址"), max_length=255, required=False)
    description = forms.CharField(label=_("问题描述"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.ChoiceField(label=_("来源"), choices=CaseSource.choices, initial=CaseSource.SUPERVISION)
    reporter_name = forms.CharField(label=_("反映人"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("反映人电话"), max_length=32, required=False)
    photos = MultipleFileField(label=_("照片"))


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ChoiceField(label=_("处置单位"), required=False)
    duplicate_of = forms.CharField(label=_("重复于（案件编号）"), required=False)
    lat = forms.FloatField(label=_("纬度"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    lng = forms.FloatField(label=_("经度"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    photos = MultipleFileField(label=_("照片"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("brigade", _("街道执法大队"))] + [
            (d.code, d.name) for d in Department.objects.filter(is_active=True)
        ]


class JointOperationForm(forms.Form):
    """The bureau's plan of a joint operation; the area is drawn on the map (a polygon, as GeoJSON) and/or
    given as cell codes."""

    name = forms.CharField(label=_("名称"), max_length=128)
    date = forms.DateField(label=_("行动日期"), widget=forms.DateInput(attrs={"type": "date"}))
    streets = forms.MultipleChoiceField(label=_("参与街道执法大队"), widget=forms.CheckboxSelectMultiple)
    departments = forms.MultipleChoiceField(label=_("参与部门"), required=False, widget=forms.CheckboxSelectMultiple)
    cells = forms.CharField(label=_("行动网格（编码，每行一个）"), required=False, max_length=40000,
                            widget=forms.Textarea(attrs={"rows": 2}))
    area = forms.JSONField(label=_("行动区域（在地图上点击绘制）"), required=False, widget=forms.HiddenInput)
    targets = forms.CharField(label=_("行动目标（每行：指标代码 目标值，如 cases 30）"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(label=_("行动方案"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from grids.models import Street

        super().__init__(*args, **kwargs)
        self.fields["streets"].choices = [(s.code, f"{s.code} {s.name}") for s in Street.objects.order_by("code")]
        self.fields["departments"].choices = [(d.code, d.name) for d in Department.objects.filter(is_active=True)]

    def clean_cells(self):
        return [c.strip() for c in self.cleaned_data["cells"].replace(",", "\n").splitlines() if c.strip()]

    def clean_targets(self):
        out = []
        for line in self.cleaned_data["targets"].splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise ValidationError(_("每行写一个指标代码和目标值，如：cases 30"))
            out.append({"indicator": parts[0], "target": parts[1]})
        return out


class OperationRecordForm(forms.Form):
    """Record a case or an order into an operation, by its number."""

    case = forms.CharField(label=_("案件编号"), required=False, max_length=16)
    order = forms.CharField(label=_("整改通知书编号"), required=False, max_length=24)
