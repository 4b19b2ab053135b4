from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("案件与执法")

    def ready(self):
        from bureau import dashboard, navigation

        from .dashboard import case_tiles

        navigation.register("cases", _("案件"), "enforcement:workbench", 20, navigation.field_staff)
        dashboard.register(20, case_tiles)
