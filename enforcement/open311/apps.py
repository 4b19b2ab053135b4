from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    """Open311 GeoReport v2: the bureau's categories as services, its cases as service requests."""

    name = "enforcement.open311"
    label = "open311"
    verbose_name = _("Open311 接口")

    def ready(self):
        from bureau import navigation

        navigation.register("open311-keys", _("Open311 密钥"), "open311:keys", 90, navigation.bureau_staff)
