"""States and kinds of street commerce: zones, permits and their workflow, vendors, trades, ads, notices."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ZoneKind(models.TextChoices):
    FIXED_STALL = "fixed_stall", _("固定摊点区")
    NIGHT_SNACK = "night_snack", _("夜宵摊点区")
    MORNING_MARKET = "morning_market", _("早市")
    CONVENIENCE = "convenience", _("便民服务点")
    SEASONAL = "seasonal", _("季节性摊点")


class Weekday(models.IntegerChoices):
    """ISO weekdays: a window belongs to the day it starts."""

    MONDAY = 1, _("星期一")
    TUESDAY = 2, _("星期二")
    WEDNESDAY = 3, _("星期三")
    THURSDAY = 4, _("星期四")
    FRIDAY = 5, _("星期五")
    SATURDAY = 6, _("星期六")
    SUNDAY = 7, _("星期日")


class Trade(models.TextChoices):
    FRUIT_VEG = "fruit_veg", _("果蔬")
    BREAKFAST = "breakfast", _("早点")
    SNACKS = "snacks", _("小吃")
    DRINKS = "drinks", _("饮品")
    SUNDRIES = "sundries", _("日用百货")
    BARBECUE = "barbecue", _("烧烤（无烟）")
    NIGHT_SNACK = "night_snack", _("夜宵")
    SEASONAL_FRUIT = "seasonal_fruit", _("时令瓜果")
    REPAIR = "repair", _("修补便民服务")


class VendorKind(models.TextChoices):
    PERSON = "person", _("个人")
    BUSINESS = "business", _("个体工商户/企业")


class PermitStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    REVIEWED = "reviewed", _("街道已审核")
    REJECTED = "rejected", _("未通过")
    # approved, starting on a later day (a renewal waiting for the old permit to end)
    SCHEDULED = "scheduled", _("已批准待生效")
    ACTIVE = "active", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已吊销")


class PermitApplicant(models.TextChoices):
    VENDOR = "vendor", _("摊贩本人申请")
    STREET = "street", _("街道代为申请")


class NightSnackRule(models.TextChoices):
    """The five unified requirements of a night-snack zone (五统一), checked on each permit."""

    LOCATION = "location", _("统一经营地点")
    SIGNAGE = "signage", _("统一外观标识")
    HYGIENE = "hygiene", _("统一卫生标准")
    PROPERTY = "property", _("统一物业管理")
    HOURS = "hours", _("统一经营时间")


class AdKind(models.TextChoices):
    AD = "ad", _("户外广告")
    SHOP_SIGN = "shop_sign", _("门店招牌")
    PUBLIC_SERVICE = "public_service", _("公益广告")


class AdStatus(models.TextChoices):
    """An ad's status. approved, expiring and expired follow its approval period (the daily job moves them on
    their day); no approval until one is recorded; hazard until the hazard is dealt with; removed is final."""

    APPROVED = "approved", _("已审批")
    EXPIRING = "expiring", _("即将到期")
    EXPIRED = "expired", _("已过期")
    NO_APPROVAL = "no_approval", _("无审批")
    HAZARD = "hazard", _("安全隐患")
    REMOVED = "removed", _("已拆除")


# The statuses an ad may move to from each status, and why each edge exists. Nothing leaves removed.
AD_TRANSITIONS = {
    # an approval is recorded (its period decides which of the three); a hazard is found; it is taken down
    AdStatus.NO_APPROVAL: {AdStatus.APPROVED, AdStatus.EXPIRING, AdStatus.EXPIRED, AdStatus.HAZARD, AdStatus.REMOVED},
    # the daily job: 30 days before the end, then the day after it; a renewed approval; a hazard; taken down
    AdStatus.APPROVED: {AdStatus.EXPIRING, AdStatus.EXPIRED, AdStatus.HAZARD, AdStatus.REMOVED},
    AdStatus.EXPIRING: {AdStatus.APPROVED, AdStatus.EXPIRED, AdStatus.HAZARD, AdStatus.REMOVED},
    AdStatus.EXPIRED: {AdStatus.APPROVED, AdStatus.EXPIRING, AdStatus.HAZARD, AdStatus.REMOVED},
    # the hazard dealt with: back to what its approval says; or taken down
    AdStatus.HAZARD: {AdStatus.APPROVED, AdStatus.EXPIRING, AdStatus.EXPIRED, AdStatus.NO_APPROVAL, AdStatus.REMOVED},
    AdStatus.REMOVED: set(),
}
# The statuses that count as a problem (the seed's targets: no approval, expired, a safety hazard).
AD_PROBLEM_STATUSES = (AdStatus.NO_APPROVAL, AdStatus.EXPIRED, AdStatus.HAZARD)


class FrontageKind(models.TextChoices):
    """门前三包 (clean, green, order) or the wider 门前五包 (adding facilities and appearance)."""

    THREE = "three", _("门前三包")
    FIVE = "five", _("门前五包")


class NoticeKind(models.TextChoices):
    PERMIT_EXPIRING = "permit_expiring", _("摊位许可即将到期")
    PERMIT_LAPSED = "permit_lapsed", _("摊位许可已过期")
    AD_EXPIRING = "ad_expiring", _("广告审批即将到期")
    AD_EXPIRED = "ad_expired", _("广告审批已过期")


# Permits: renewal applications open this many days before expiry (30-60 days is usual); a permit
# still unrenewed when fewer than RENEWAL_LATE_DAYS remain is late, but still due until it expires.
RENEWAL_OPENS_DAYS = 60
RENEWAL_LATE_DAYS = 30
PERMIT_DEFAULT_DAYS = 365
# The expiry warning (an inbox message to the street's leaders) goes out this many days ahead.
PERMIT_WARNING_DAYS = 30
AD_WARNING_DAYS = 30
# A shop is flagged with this many 店外经营 (09005) cases, linked to it or within its frontage, in the
# trailing FLAG_DAYS days (today and the days before it).
SHOP_FLAG_CATEGORY = "09005"
SHOP_FLAG_CASES = 3
SHOP_FLAG_DAYS = 90
# A shop's frontage: the square this many metres either way (north-south, east-west) of its point.
FRONTAGE_HALF_SIDE_M = 15
# A road-segment zone covers this far either side of its line unless the zone says otherwise.
DEFAULT_HALF_WIDTH_M = 10
