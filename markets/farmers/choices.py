"""Kinds and states of farmers markets, and the time limits of their complaints."""
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from bureau.workcalendar.choices import TimeUnit


class MarketCheck(models.TextChoices):
    """The checklist of a market inspection (each item met or not)."""

    HYGIENE = "hygiene", _("环境卫生整洁")
    ZONING = "zoning", _("划行归市、摆放整齐")
    ORDER = "order", _("无占道、出店经营")
    FACILITIES = "facilities", _("设施设备完好")
    FIRE_SAFETY = "fire_safety", _("消防通道畅通")
    SCALES = "scales", _("公平秤、计量器具合格")
    FOOD_TESTING = "food_testing", _("农残检测公示")
    WASTE = "waste", _("垃圾分类、日产日清")


class ComplaintKind(models.TextChoices):
    HYGIENE = "hygiene", _("环境卫生")
    FOOD_SAFETY = "food_safety", _("食品安全")
    WEIGHTS = "weights", _("短斤缺两")
    PRICE = "price", _("价格")
    ORDER = "order", _("经营秩序")
    FACILITY = "facility", _("设施损坏")
    OTHER = "other", _("其他")


# How long the station has to handle a complaint of each kind, counted on the work calendar from its receipt.
COMPLAINT_LIMITS = {
    ComplaintKind.FOOD_SAFETY: (Decimal(4), TimeUnit.WORK_HOURS),
    ComplaintKind.HYGIENE: (Decimal(1), TimeUnit.WORK_DAYS),
    ComplaintKind.WEIGHTS: (Decimal(1), TimeUnit.WORK_DAYS),
    ComplaintKind.PRICE: (Decimal(1), TimeUnit.WORK_DAYS),
    ComplaintKind.ORDER: (Decimal(1), TimeUnit.WORK_DAYS),
    ComplaintKind.FACILITY: (Decimal(3), TimeUnit.WORK_DAYS),
    ComplaintKind.OTHER: (Decimal(3), TimeUnit.WORK_DAYS),
}


class ComplaintChannel(models.TextChoices):
    ON_SITE = "on_site", _("现场投诉")
    PHONE = "phone", _("投诉电话")
    HOTLINE = "hotline", _("12345 热线")
    OTHER = "other", _("其他")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    HANDLED = "handled", _("已处理")


class RepairStatus(models.TextChoices):
    REPORTED = "reported", _("待维修")
    FIXED = "fixed", _("已修复")


class RoundStatus(models.TextChoices):
    """A cleaning slot on one day, as computed (not stored): recorded by its end, recorded late, missed (its
    end has passed with no record), or still due."""

    DONE = "done", _("已保洁")
    LATE = "late", _("超时保洁")
    MISSED = "missed", _("漏保洁")
    DUE = "due", _("待保洁")
