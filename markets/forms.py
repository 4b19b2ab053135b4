"""Page forms of street commerce: the permit actions (review, reject, approve, revoke, renew) as one form whose
fields each action reads; the services decide everything else."""
from django import forms
from django.utils.translation import gettext_lazy as _

from . import workflow
from .choices import NightSnackRule

PAGE_ACTIONS = ("review", "reject", "approve", "revoke", "renew")
# the actions that need a reason (a rejection, a revocation)
NEEDS_REASON = ("reject", "revoke")


class PermitActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in PAGE_ACTIONS if a in workflow.TRANSITIONS],
                               widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, max_length=255,
                           widget=forms.Textarea(attrs={"rows": 2}))
    checklist = forms.MultipleChoiceField(label=_("五统一要求（已落实的打勾）"), required=False,
                                          choices=NightSnackRule.choices, widget=forms.CheckboxSelectMultiple)
    valid_to = forms.DateField(label=_("续期至（留空为一年）"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("action") in NEEDS_REASON and not (data.get("note") or "").strip():
            self.add_error("note", _("请填写原因。"))
        return data

    def checklist_dict(self) -> dict:
        ticked = set(self.cleaned_data.get("checklist") or [])
        return {code: code in ticked for code in NightSnackRule.values}
