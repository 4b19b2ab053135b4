"""States and vocabularies of the case workflow."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("已上报")
    REGISTERED = "registered", _("已立案")
    DISPATCHED = "dispatched", _("已派遣")
    HANDLED = "handled", _("已处置")
    CLOSED = "closed", _("已结案")
    REJECTED = "rejected", _("不予立案")
    SUSPENDED = "suspended", _("挂账")


# Statuses in which a case still needs somebody's work (the "open" queues and the map counts).
OPEN_STATUSES = (
    CaseStatus.REPORTED, CaseStatus.REGISTERED, CaseStatus.DISPATCHED, CaseStatus.HANDLED,
)


class CaseSource(models.TextChoices):
    SUPERVISION = "supervision", _("监督员督查")
    PATROL = "patrol", _("大队巡查")
    GRID_OFFICER = "grid_officer", _("网格员上报")
    HOTLINE = "hotline", _("12345 热线")
    OPEN311 = "open311", _("Open311")
    OTHER = "other", _("其他")


class CaseAction(models.TextChoices):
    REPORT = "report", _("上报")
    REGISTER = "register", _("立案")
    REJECT = "reject", _("不予立案")
    MARK_DUPLICATE = "mark_duplicate", _("重复案件")
    RELOCATE = "relocate", _("更正位置")
    REOPEN = "reopen", _("重新立案")
    DISPATCH = "dispatch", _("派遣")
    RETURN = "return", _("回退")
    HANDLE = "handle", _("处置反馈")
    CLOSE = "close", _("核查结案")
    REWORK = "rework", _("返工")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("批准延期")
    DENY_EXTENSION = "deny_extension", _("驳回延期")
    SUSPEND = "suspend", _("挂账")
    RESUME = "resume", _("恢复")


class WarningLevel(models.TextChoices):
    GREEN = "green", _("正常")
    YELLOW = "yellow", _("预警")
    RED = "red", _("超时")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Actor(models.TextChoices):
    """Who may take an action (the `who` of each row of the transition table)."""

    REPORTER = "reporter", _("上报人")
    BUREAU = "bureau", _("区城管局")
    HANDLING_UNIT = "handling_unit", _("处置单位")
