from django.db import models
from django.utils.translation import gettext_lazy as _


class StreetKind(models.TextChoices):
    """Statistical area code rules: 001-099 are 街道, 100-199 are 镇."""

    STREET = "street", _("街道")
    TOWN = "town", _("镇")
