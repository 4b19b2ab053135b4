from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdempotencyConfig(AppConfig):
    name = "bureau.idempotency"
    label = "idempotency"
    verbose_name = _("幂等请求记录")
