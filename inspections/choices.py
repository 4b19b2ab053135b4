"""The fixed vocabularies of inspections: patrol shifts and sources, assessment period kinds."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class PatrolShift(models.TextChoices):
    EARLY = "early", _("早班")
    DAY = "day", _("白班")
    EVENING = "evening", _("晚班")
    NIGHT = "night", _("夜间")


# Shown next to the shift on the form; never checked against the report's times: a shift is what the
# leader says it was.
SHIFT_USUAL_TIMES = {
    PatrolShift.EARLY: "06:30–09:00",
    PatrolShift.DAY: "08:00–18:00",
    PatrolShift.EVENING: "18:00–22:00",
    PatrolShift.NIGHT: "22:00–02:00",
}


class PatrolSource(models.TextChoices):
    """Who patrolled; the values are the case sources their findings get (enforcement.choices.CaseSource)."""

    PATROL = "patrol", _("大队巡查")
    SUPERVISION = "supervision", _("督查巡查")


class PeriodKind(models.TextChoices):
    WEEK = "week", _("周")
    MONTH = "month", _("月")


# ---------------------------------------------------------------------------------------------- sites


class SiteInspectionResult(models.TextChoices):
    """One checklist item at one inspection: met, or not (a failure makes a case with its deadline)."""

    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")


# ---------------------------------------------------------------------------------------------- campaigns


class CampaignIndicator(models.TextChoices):
    """What a campaign target counts, inside the campaign's dates, area and categories.

    `patrol_count` sums one of the patrol reports' configured counts (its code beside the target)."""

    CASES = "cases", _("案件数（件/户）")
    CASES_CLOSED = "cases_closed", _("结案数（件/户）")
    PATROL_REPORTS = "patrol_reports", _("巡查次数")
    PATROL_COUNT = "patrol_count", _("巡查统计项")
    DEMOLITIONS = "demolitions", _("拆除违建（处）")
    DEMOLISHED_AREA = "demolished_area", _("拆除违建面积（m²）")


class OffRotaReason(models.TextChoices):
    """Why a street took a squad off its planned duty for other street work (where the brigades' time goes)."""

    CIVILISED_CITY = "civilised_city", _("创城")
    FLOOD_CONTROL = "flood_control", _("防汛")
    STREET_CENTRE = "street_centre", _("街道中心工作")
    OTHER = "other", _("其他")


class OccupationKind(models.TextChoices):
    """District approvals of temporary use of public space (the bureau took them over from the streets)."""

    ROAD_PROMOTION = "road_promotion", _("占道促销")
    EVENT = "event", _("临时活动")
    NIGHT_MARKET = "night_market", _("夜市")


# The event categories a kind of approval covers by default (a finding of one of these inside the approved
# area, in its hours, is an approved occupation): promotions and events on the road, and a night market's
# stalls, vendors and food.
OCCUPATION_CATEGORIES = {
    OccupationKind.ROAD_PROMOTION: ("09022", "09006", "09005"),
    OccupationKind.EVENT: ("09022", "09006"),
    OccupationKind.NIGHT_MARKET: ("09002", "09006", "09001", "09015"),
}
# The event categories of a muck truck on the road: a finding of one of these with a plate is checked
# against the muck-transport approvals.
MUCK_CATEGORIES = ("08011", "06014", "08012")
