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
    # A referred department's answers (besides handle): take the case on with a plan, or refuse it with a reason.
    ACCEPT = "accept", _("部门受理")
    REFUSE = "refuse", _("部门拒收")


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
    DEPARTMENT = "department", _("协办部门")  # the department a case was referred to (or bureau staff for it)


# ---------------------------------------------------------------------------------------------- parties


class PartyKind(models.TextChoices):
    """Who a case, an order or a penalty names (当事人): a natural person, or an organisation or business."""

    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("单位或个体工商户")


# ---------------------------------------------------------------------------------------------- orders


class OrderStatus(models.TextChoices):
    """A rectification order's life: issued, then the follow-up's outcome, then (not complied) escalated."""

    ISSUED = "issued", _("已下达")
    COMPLIED = "complied", _("已整改")
    PARTLY = "partly", _("部分整改")
    NOT_COMPLIED = "not_complied", _("未整改")
    ESCALATED = "escalated", _("已升级处理")


class OrderOutcome(models.TextChoices):
    """What the follow-up inspection found (复查结果)."""

    COMPLIED = "complied", _("已整改")
    PARTLY = "partly", _("部分整改")
    NOT_COMPLIED = "not_complied", _("未整改")


class Escalation(models.TextChoices):
    """What follows an order not (fully) complied with."""

    PENALTY = "penalty", _("行政处罚")
    BAN = "ban", _("取缔")
    DEMOLITION = "demolition", _("强制拆除")


# ---------------------------------------------------------------------------------------------- penalties


class CircumstanceLevel(models.TextChoices):
    """The circumstance levels of a discretion standard (自由裁量基准), lightest first."""

    SLIGHT = "slight", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    SEVERE = "severe", _("严重")


class PenaltyStatus(models.TextChoices):
    PENDING_BRIGADE = "pending_brigade", _("待大队长审批")
    PENDING_LEGAL = "pending_legal", _("待法制审核")
    APPROVED = "approved", _("已批准")
    NOTIFIED = "notified", _("已告知听证权利")
    SERVED = "served", _("已送达")
    PAID = "paid", _("已缴纳")
    RETURNED = "returned", _("已退回")


class PenaltyAction(models.TextChoices):
    DRAFT = "draft", _("拟定")
    APPROVE_BRIGADE = "approve_brigade", _("大队长审批")
    APPROVE_LEGAL = "approve_legal", _("法制审核")
    RETURN = "return", _("退回")
    NOTIFY_HEARING = "notify_hearing", _("告知听证权利")
    SERVE = "serve", _("送达")
    PAY = "pay", _("缴纳罚款")


# ---------------------------------------------------------------------------------------------- joint operations


class OperationIndicator(models.TextChoices):
    """What a joint operation's targets and results count, from the rows recorded inside it."""

    CASES = "cases", _("查处案件")
    CASES_CLOSED = "cases_closed", _("已结案件")
    ORDERS = "orders", _("下达整改通知书")
    ORDERS_COMPLIED = "orders_complied", _("已整改通知书")
    DEMOLITIONS = "demolitions", _("拆除违建（处）")
    DEMOLISHED_AREA = "demolished_m2", _("拆除面积（m²）")
