"""States and kinds of street commerce."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ZoneKind(models.TextChoices):
    FIXED_STALL = "fixed_stall", _("固定摊点区")
    NIGHT_SNACK = "night_snack", _("夜宵摊点区")


class PermitStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已吊销")


class AdKind(models.TextChoices):
    AD = "ad", _("户外广告")
    SHOP_SIGN = "shop_sign", _("门店招牌")


class AdStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    HAZARD = "hazard", _("安全隐患")
    REMOVED = "removed", _("已拆除")


# Permits: renewal applications open this many days before expiry (30 to 60 days, as the bureau's permit rules ask); a permit
# still unrenewed when fewer than RENEWAL_LATE_DAYS remain is late, but still due until it expires.
RENEWAL_OPENS_DAYS = 60
RENEWAL_LATE_DAYS = 30
PERMIT_DEFAULT_DAYS = 365
