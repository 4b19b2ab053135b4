"""Cases (案件) through the national workflow, their categories, the departments that receive referrals,
the append-only event trail and evidence photos.

The Case row holds the *current* state, for queues and lists; the history that counts (assessment,
rankings) is read only from CaseEvent, which is never updated.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bureau.appendonly import AppendOnlyModel
from bureau.workcalendar.choices import TimeUnit

from ..choices import CaseAction, CaseSource, CaseStatus, Urgency, WarningLevel
from ..querysets import CaseEventQuerySet, CaseQuerySet, CategoryQuerySet, NotificationQuerySet

five_digits = RegexValidator(r"^\d{5}$", _("必须是 5 位数字"))
two_digits = RegexValidator(r"^\d{2}$", _("必须是 2 位数字"))


class Department(models.Model):
    """Another department (环卫, 市场监管, 公安 ...) that receives referred cases outside the bureau's powers."""

    code = models.CharField(_("部门代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("协办部门")
        verbose_name_plural = _("协办部门")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Category(models.Model):
    """An event item of GB/T 47678.5 (5 digits = 2-digit major class + 3-digit minor), with its time limits
    and routing (权责清单): no department = the brigade of the case's street; a department = a referral."""

    code = models.CharField(_("编码"), max_length=5, unique=True, validators=[five_digits])
    name = models.CharField(_("名称"), max_length=64)
    major_code = models.CharField(_("大类编码"), max_length=2, validators=[two_digits])
    major_name = models.CharField(_("大类名称"), max_length=32)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    dispatch_limit = models.DecimalField(
        _("派遣时限"), max_digits=6, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    dispatch_unit = models.CharField(_("派遣时限单位"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORK_HOURS)
    handle_limit = models.DecimalField(
        _("处置时限"), max_digits=6, decimal_places=2, default=Decimal("4"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    handle_unit = models.CharField(_("处置时限单位"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORK_HOURS)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="categories",
        verbose_name=_("转办部门"), help_text=_("留空：由案件所在街道执法大队处置"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件类别")
        verbose_name_plural = _("案件类别")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__startswith=models.F("major_code")), name="category_code_starts_with_major"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class CaseNumberCounter(models.Model):
    """The last case number handed out in a year; its row is locked to keep numbers gapless under concurrency."""

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    last = models.PositiveIntegerField(_("最后编号"), default=0)

    class Meta:
        verbose_name = _("案件编号计数器")
        verbose_name_plural = _("案件编号计数器")
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}: {self.last}"


class Case(models.Model):
    """A problem reported at a point of the district, carried through register/dispatch/handle/close."""

    number = models.CharField(_("案件编号"), max_length=16, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.REPORTED)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("类别"))
    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="cases", verbose_name=_("街道"))
    community = models.ForeignKey(
        "grids.Community", on_delete=models.PROTECT, related_name="cases", verbose_name=_("社区")
    )
    grid = models.ForeignKey("grids.GridCell", on_delete=models.PROTECT, related_name="cases", verbose_name=_("单元网格"))
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    address = models.CharField(_("地址"), max_length=255, blank=True)
    description = models.TextField(_("问题描述"))
    source = models.CharField(_("来源"), max_length=16, choices=CaseSource.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reported_cases",
        verbose_name=_("上报人"),
    )
    reporter_name = models.CharField(_("反映人"), max_length=64, blank=True)
    # PIPL: the citizen's phone is kept encrypted (reversible, for an audited reveal), as a keyed hash (to
    # find a repeat caller) and as a mask (what every page and response shows). See enforcement/pii.py.
    reporter_phone_encrypted = models.TextField(_("反映人电话（密文）"), blank=True)
    reporter_phone_hash = models.CharField(_("反映人电话（摘要）"), max_length=64, blank=True, db_index=True)
    reporter_phone_masked = models.CharField(_("反映人电话"), max_length=32, blank=True)
    handling_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name=_("转办部门"), help_text=_("留空：所在街道执法大队"),
    )
    reported_at = models.DateTimeField(_("上报时间"))
    due_at = models.DateTimeField(_("本环节时限"), null=True, blank=True)
    handling_due_at = models.DateTimeField(_("处置时限"), null=True, blank=True)
    # The current step's whole limit in working seconds (grows with an approved extension; survives a
    # suspension), against which the sweep measures the warning level.
    step_limit_seconds = models.FloatField(_("本环节时限（工作秒）"), null=True, blank=True)
    step_unit = models.CharField(_("本环节时限单位"), max_length=16, choices=TimeUnit.choices, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    overdue = models.BooleanField(_("超时"), default=False)
    warning_level = models.CharField(
        _("预警级别"), max_length=8, choices=WarningLevel.choices, default=WarningLevel.GREEN
    )
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    extensions_approved = models.PositiveSmallIntegerField(_("已批准延期次数"), default=0)
    extension_requested = models.BooleanField(_("延期申请待批"), default=False)
    self_handled = models.BooleanField(_("自处理"), default=False)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates", verbose_name=_("重复于")
    )
    # Who the case is against (当事人), once known; a district register, so the same vendor is recognised
    # in every street.
    party = models.ForeignKey(
        "enforcement.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name=_("当事人"),
    )
    # When the department a referral went to accepted it (with a plan, on the accept event); cleared when the
    # case leaves that department.
    referral_accepted_at = models.DateTimeField(_("部门受理时间"), null=True, blank=True)
    # The joint operation the case was recorded in (its results count it).
    operation = models.ForeignKey(
        "enforcement.JointOperation", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name=_("联合执法行动"),
    )
    suspended_from = models.CharField(_("挂账前状态"), max_length=16, choices=CaseStatus.choices, blank=True)
    suspended_at = models.DateTimeField(_("挂账时间"), null=True, blank=True)
    remaining_seconds = models.FloatField(_("挂账时剩余工作时间（秒）"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-reported_at", "-id"]
        indexes = [
            # the case list (API and workbench) filtered by street and status, newest first: the hot query
            models.Index(fields=["street", "status", "-reported_at", "-id"], name="case_street_status_recent"),
            # the workbench queues (to register / to dispatch / to verify) across the district, newest first
            models.Index(fields=["status", "-reported_at", "-id"], name="case_status_recent"),
            # the unfiltered list and reported_after/before filters, newest first
            models.Index(fields=["-reported_at", "-id"], name="case_recent"),
            # the deadline sweep: open cases with a running timer, by deadline
            models.Index(fields=["status", "due_at"], name="case_status_due"),
            # the overdue queue and `overdue=true` filter
            models.Index(fields=["overdue", "status"], name="case_overdue_status"),
            # the grids map: open cases counted per cell
            models.Index(fields=["grid", "status"], name="case_grid_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rework_count__gte=0), name="case_rework_count_nonneg"),
            models.CheckConstraint(condition=Q(extensions_approved__lte=2), name="case_at_most_two_extensions"),
        ]

    def __str__(self):
        return self.number

    @property
    def year(self) -> int:
        return int(self.number[:4])

    @property
    def handled_by_department(self) -> bool:
        return self.handling_department_id is not None


class CaseEvent(AppendOnlyModel):
    """One step of a case's trail (append-only: rows are inserted, never updated or deleted)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("案件"))
    seq = models.PositiveIntegerField(_("序号"))
    action = models.CharField(_("操作"), max_length=24, choices=CaseAction.choices)
    from_status = models.CharField(_("原状态"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="case_events",
        verbose_name=_("操作人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), db_index=True)  # rankings: events recorded before a period's end
    note = models.TextField(_("说明"), blank=True)
    due_at = models.DateTimeField(_("本环节时限"), null=True, blank=True)
    handling_due_at = models.DateTimeField(_("处置时限"), null=True, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件记录")
        verbose_name_plural = _("案件记录")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="caseevent_seq_unique_in_case")]
        indexes = [
            # rankings and bulletins: events of one kind recorded within a period
            models.Index(fields=["action", "recorded_at"], name="caseevent_action_recorded"),
            # rankings and bulletins: the cases whose handling deadline falls in a period (the candidates of
            # enforcement.history.facts_as_of and unmet_deadlines); without it every compile scans all events
            models.Index(fields=["handling_due_at"], name="caseevent_handling_due"),
            # referrals: the dispatches that sent a case to a department (enforcement.history.referrals_due, every
            # weekly compile and the ten-year backfill). A few rows among millions of events: without it each
            # compile read every dispatch's data (0.7 s a week at 2,000,000 cases; the backfill 443 s, 59 with it).
            models.Index(fields=["case"], name="caseevent_referral_dispatch",
                         condition=Q(action="dispatch", data__has_key="unit") & ~Q(data__unit="brigade")),
        ]

    def __str__(self):
        return f"{self.case_id}#{self.seq} {self.action}"


def _photo_path(instance, filename):
    return f"cases/{instance.sha256[:2]}/{instance.sha256}{_ext(instance.content_type)}"


def _display_path(instance, filename):
    return f"cases/display/{instance.sha256[:2]}/{instance.sha256}{_ext(instance.content_type)}"


def _ext(content_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}.get(content_type, "")


class CasePhoto(models.Model):
    """Evidence photo attached to one step. `file` is the original (staff pages only); `display_file` is a
    copy with EXIF/GPS metadata stripped, the only one shown outside staff pages."""

    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="photos", verbose_name=_("记录"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="photos", verbose_name=_("案件"))
    file = models.FileField(_("原图"), upload_to=_photo_path)
    display_file = models.FileField(_("展示图"), upload_to=_display_path, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("案件照片")
        verbose_name_plural = _("案件照片")
        ordering = ["event", "id"]

    def __str__(self):
        return self.sha256[:12]


class Notification(models.Model):
    """An in-app inbox message (the case turned yellow or red, for the responsible leader)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_notifications", verbose_name=_("收件人")
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("案件"))
    level = models.CharField(_("级别"), max_length=8, choices=WarningLevel.choices)
    message = models.CharField(_("内容"), max_length=255)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            # one message per case, level and recipient: a sweep run twice sends nothing new
            models.UniqueConstraint(fields=["user", "case", "level", "created_at"], name="notification_once"),
        ]
        indexes = [
            # the inbox page: a user's messages, newest first
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]

    def __str__(self):
        return self.message
