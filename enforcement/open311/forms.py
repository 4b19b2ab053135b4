from django import forms
from django.utils.translation import gettext_lazy as _


class ApiKeyIssueForm(forms.Form):
    name = forms.CharField(label=_("对接系统名称"), max_length=100)
    rate_limit = forms.IntegerField(label=_("速率上限（次/分钟）"), min_value=1, max_value=100000, initial=60)
