from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bureau.accounts"
    label = "accounts"
    verbose_name = _("账号与角色")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import schema  # noqa: F401 - registers the OpenAPI description of token authentication
        from .middleware import stamp_login_time

        user_logged_in.connect(stamp_login_time, dispatch_uid="accounts.stamp_login_time")
