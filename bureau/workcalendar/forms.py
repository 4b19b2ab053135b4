from django import forms
from django.utils.translation import gettext_lazy as _


class CalendarDayForm(forms.Form):
    """One day as the State Council's notice gives it: a holiday, or a 调休 weekend workday."""

    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("类型"), choices=[("0", _("休息日")), ("1", _("工作日"))], coerce=lambda v: v == "1",
    )
    holiday_name = forms.CharField(label=_("节假日名称"), max_length=64, required=False)
