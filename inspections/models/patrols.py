"""Daily patrol reports (巡查日报) of the street brigades and the bureau's supervision patrols (督查巡查).

A report says who patrolled which cells on which shift, the counts the bureau sums up in its annual
report, and the findings; every finding becomes a case (closed at once when it was settled on the spot).
Amendments keep the full previous body in an append-only revision row.
"""
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bureau.appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet

from ..choices import SHIFT_USUAL_TIMES, PatrolShift, PatrolSource
from ..querysets import PatrolCountFieldQuerySet, PatrolReportQuerySet

__all__ = [
    "PatrolShift", "PatrolSource", "SHIFT_USUAL_TIMES", "PatrolCountField", "PatrolReport", "PatrolFinding",
    "PatrolReportRevision",
]


class PatrolCountField(models.Model):
    """A count a patrol report carries (劝导流动摊贩 ...), configured by staff; reports store them by code."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    unit = models.CharField(_("单位"), max_length=16, blank=True, default="")
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = PatrolCountFieldQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡查统计项")
        verbose_name_plural = _("巡查统计项")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class PatrolReport(models.Model):
    """One patrol of one shift: the cells covered, the counts, the findings (each of which is a case)."""

    source = models.CharField(_("类型"), max_length=16, choices=PatrolSource.choices, default=PatrolSource.PATROL)
    street = models.ForeignKey(
        "grids.Street", on_delete=models.PROTECT, null=True, blank=True, related_name="patrol_reports",
        verbose_name=_("街道"), help_text=_("大队巡查为本街道；督查巡查跨街道时为空"),
    )
    squad = models.CharField(_("中队"), max_length=64, blank=True, default="")
    # The squad from the rota (the free text above stays for reports filed before rotas, and is filled with
    # this squad's name when left blank), so planned duties can be compared with what was done.
    duty_squad = models.ForeignKey(
        "inspections.Squad", on_delete=models.PROTECT, null=True, blank=True, related_name="patrol_reports",
        verbose_name=_("值班中队"),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patrol_reports", verbose_name=_("填报人"),
    )
    date = models.DateField(_("巡查日期"))
    shift = models.CharField(_("班次"), max_length=8, choices=PatrolShift.choices)
    team = models.CharField(_("队员"), max_length=255, blank=True, default="")
    grid_cells = models.ManyToManyField("grids.GridCell", related_name="patrol_reports", verbose_name=_("巡查网格"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    track = models.JSONField(_("轨迹"), default=list, blank=True, help_text=_("[[纬度, 经度], ...] (WGS84)"))
    summary = models.TextField(_("巡查小结"), max_length=2000, blank=True, default="")
    counts = models.JSONField(_("统计"), default=dict, blank=True, help_text=_("{统计项代码: 数量}"))
    recorded_at = models.DateTimeField(_("提交时间"), help_text=_("服务器收到报告的时间"))
    updated_at = models.DateTimeField(_("修改时间"))
    revision_count = models.PositiveIntegerField(_("修改次数"), default=0)

    objects = PatrolReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡查日报")
        verbose_name_plural = _("巡查日报")
        ordering = ["-date", "-started_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gt=models.F("started_at")), name="patrol_report_ends_after_start"),
        ]
        indexes = [
            # the list filtered by street and date, and a street's coverage over a period
            models.Index(fields=["street", "date"], name="patrol_report_street_date"),
            # the bureau's list by date, and the district coverage page
            models.Index(fields=["date", "source"], name="patrol_report_date_source"),
        ]

    def __str__(self):
        where = self.street.name if self.street_id else _("督查")
        return f"{self.date} {where} {self.get_shift_display()}"

    @property
    def usual_times(self):
        return SHIFT_USUAL_TIMES.get(self.shift, "")

    def amendable_until(self):
        """End of the report's day plus PATROL_AMEND_GRACE_HOURS, local time."""
        day_end = timezone.make_aware(datetime.combine(self.date + timedelta(days=1), time.min))
        return day_end + timedelta(hours=settings.PATROL_AMEND_GRACE_HOURS)


class PatrolFinding(models.Model):
    """A problem found on patrol. Not settled → an open case; settled on the spot → a case closed at once."""

    report = models.ForeignKey(PatrolReport, on_delete=models.PROTECT, related_name="findings", verbose_name=_("巡查日报"))
    seq = models.PositiveSmallIntegerField(_("序号"))
    category = models.ForeignKey(
        "enforcement.Category", on_delete=models.PROTECT, related_name="patrol_findings", verbose_name=_("类别"),
    )
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    grid = models.ForeignKey(
        "grids.GridCell", on_delete=models.PROTECT, null=True, blank=True, related_name="patrol_findings",
        verbose_name=_("网格"),
    )
    description = models.TextField(_("描述"), max_length=1000)
    handled_on_spot = models.BooleanField(_("当场处置"), default=False)
    photo_count = models.PositiveSmallIntegerField(_("照片数"), default=0)
    case = models.OneToOneField(
        "enforcement.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="patrol_finding",
        verbose_name=_("案件"),
    )
    # What the district approvals say of the finding, checked when it is filed: inside an approved occupation
    # in its hours (then it is marked, not an unapproved occupation), or a muck truck's plate, route and hours
    # against the muck-transport approvals.
    occupation_approval = models.ForeignKey(
        "inspections.OccupationApproval", on_delete=models.PROTECT, null=True, blank=True, related_name="findings",
        verbose_name=_("已批准的临时占道"),
    )
    plate = models.CharField(_("车辆号牌"), max_length=16, blank=True, default="")
    muck_approval = models.ForeignKey(
        "inspections.MuckTransportApproval", on_delete=models.PROTECT, null=True, blank=True, related_name="findings",
        verbose_name=_("渣土运输核准"),
    )
    approval_note = models.CharField(_("审批核对"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("巡查发现")
        verbose_name_plural = _("巡查发现")
        ordering = ["report", "seq"]
        constraints = [models.UniqueConstraint(fields=["report", "seq"], name="patrol_finding_seq_unique")]

    def __str__(self):
        return f"{self.report_id}#{self.seq} {self.description[:20]}"


# The name this module has always raised: the project's one append-only error.
RevisionIsAppendOnly = AppendOnlyError


class PatrolReportRevisionQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(report__in=PatrolReport.objects.visible_to(user))


class PatrolReportRevision(AppendOnlyModel):
    """The body a report had before amendment number `number` (append-only: the history is never edited)."""

    report = models.ForeignKey(PatrolReport, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("巡查日报"))
    number = models.PositiveIntegerField(_("修改序号"))
    body = models.JSONField(_("修改前内容"))
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("修改人"),
    )
    amended_at = models.DateTimeField(_("修改时间"))
    reason = models.CharField(_("修改原因"), max_length=255, blank=True, default="")

    objects = PatrolReportRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡查日报修改记录")
        verbose_name_plural = _("巡查日报修改记录")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="patrol_revision_number_unique")]
        indexes = [
            # coverage "as of" a moment: the body in force then, for reports amended afterwards
            models.Index(fields=["report", "amended_at"], name="patrol_revision_amended_at"),
        ]

    def __str__(self):
        return f"{self.report_id} r{self.number}"
