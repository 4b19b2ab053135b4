"""Rectification orders (责令限期整改通知书): issued from a case to its party, with what to correct, the legal
basis and a deadline in working days; a follow-up inspection records the outcome, and an order not complied
with is escalated (a penalty, a ban of the stall, a forced demolition with the area).

Each step keeps who took it and when on the row; the audit log has the same, protected from change.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import Escalation, OrderOutcome, OrderStatus
from ..querysets import RectificationOrderQuerySet


class DocumentCounter(models.Model):
    """The last number handed out for a kind of document in a year; its row is locked so numbers stay gapless."""

    kind = models.CharField(_("文书类型"), max_length=16)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("最后编号"), default=0)

    class Meta:
        verbose_name = _("文书编号计数器")
        verbose_name_plural = _("文书编号计数器")
        ordering = ["kind", "year"]
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="documentcounter_kind_year_unique")]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last}"


class RectificationOrder(models.Model):
    """A numbered order to a case's party to correct listed items by a deadline on the work calendar."""

    number = models.CharField(_("文书编号"), max_length=24, unique=True)
    case = models.ForeignKey("enforcement.Case", on_delete=models.PROTECT, related_name="orders",
                             verbose_name=_("案件"))
    party = models.ForeignKey("enforcement.Party", on_delete=models.PROTECT, related_name="orders",
                              verbose_name=_("当事人"))
    status = models.CharField(_("状态"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.ISSUED)
    facts = models.TextField(_("违法事实"))
    items = models.JSONField(_("整改事项"), default=list)
    legal_basis = models.TextField(_("法律依据"))
    deadline_days = models.PositiveSmallIntegerField(
        _("整改期限（工作日）"), validators=[MinValueValidator(1), MaxValueValidator(90)])
    deadline = models.DateTimeField(_("整改期限"))
    issuing_unit = models.CharField(_("执法单位"), max_length=64)
    signer_name = models.CharField(_("签发人"), max_length=64)
    issued_at = models.DateTimeField(_("下达时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("下达人"))
    followed_up_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("复查人"))
    outcome = models.CharField(_("复查结果"), max_length=16, choices=OrderOutcome.choices, blank=True)
    follow_up_note = models.TextField(_("复查情况"), blank=True)
    escalation = models.CharField(_("升级处理"), max_length=16, choices=Escalation.choices, blank=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    escalated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("升级处理人"))
    escalation_note = models.TextField(_("升级说明"), blank=True)
    demolition_area_m2 = models.DecimalField(_("拆除面积（平方米）"), max_digits=10, decimal_places=2, null=True,
                                             blank=True, validators=[MinValueValidator(0)])
    # The joint operation the order was issued in (its results count it).
    operation = models.ForeignKey("enforcement.JointOperation", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="orders", verbose_name=_("联合执法行动"))
    # a forced demolition is announced with a time for the party to remove the structure themselves
    self_removal_deadline = models.DateTimeField(_("自行拆除期限"), null=True, blank=True)

    objects = RectificationOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("责令限期整改通知书")
        verbose_name_plural = _("责令限期整改通知书")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gt=models.F("issued_at")), name="order_deadline_after_issue"),
            models.CheckConstraint(
                condition=~Q(escalation="demolition") | Q(demolition_area_m2__gt=0),
                name="order_demolition_has_area"),
        ]
        indexes = [
            # the overdue queue, the bulletin and the scoring indicator: orders by deadline and status
            models.Index(fields=["status", "deadline"], name="order_status_deadline"),
            models.Index(fields=["deadline"], name="order_deadline"),
        ]

    def __str__(self):
        return self.number

    @property
    def item_list(self) -> list[str]:
        return [str(i) for i in self.items or []]
