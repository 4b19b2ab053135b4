from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Who a user is to the bureau. MLPS 2.0 separates system, security and audit duties."""

    ADMIN = "admin", _("系统管理员")
    AUDITOR = "auditor", _("审计管理员")
    BUREAU = "bureau", _("区局督查人员")
    LEADER = "leader", _("街道执法大队长")
    OFFICER = "officer", _("网格员")
    API = "api", _("API 客户端")
