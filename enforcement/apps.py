from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("案件与执法")

    def ready(self):
        from bureau import dashboard, navigation

        from .dashboard import case_tiles
        from .permissions import can_read_cases, may_read_operations

        navigation.register("cases", _("案件"), "enforcement:workbench", 20, can_read_cases)
        navigation.register("operations", _("联合执法"), "enforcement:operations", 37, may_read_operations)
        dashboard.register(20, case_tiles)
