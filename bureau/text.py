"""Lists inside translated messages: the Chinese enumeration comma and full-width brackets in Chinese,
", " and "(...)" in English, so an English error message is not half Chinese punctuation."""
from django.utils.translation import gettext as _


def enumerate_items(items) -> str:
    """Join items with the enumeration comma of the active language (、 in Chinese, ", " in English)."""
    return _("、").join(str(item) for item in items)


def code_with_label(code, label) -> str:
    """A code with its label: 09001（占道经营） in Chinese, 09001 (occupying the road) in English."""
    return _("%(code)s（%(label)s）") % {"code": code, "label": label}
