from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BureauConfig(AppConfig):
    """The platform shell: pages, the demo seeding entry point, shared templates and commands."""

    name = "bureau"
    verbose_name = _("平台")
