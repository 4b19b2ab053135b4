"""Penalty decisions (行政处罚决定) under the district's discretion standard (自由裁量基准).

The standard is data the bureau edits, never code: per category and circumstance level a fine range and
measures, and the list of first minor violations that go unpunished (首违不罚). Every save is a new version;
a decision keeps the version it was decided under, so it can always be explained by the rule it followed.
A decision goes through an approval chain (the handler drafts, the street's brigade leader approves, the
bureau's legal review approves a fine above the standard's threshold), then the notice of the right to a
hearing, service and payment: each step a row of its append-only trail (who, when, what).
"""
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bureau.appendonly import AppendOnlyModel

from ..choices import CircumstanceLevel, PenaltyAction, PenaltyStatus
from ..querysets import DiscretionStandardQuerySet, PenaltyDecisionQuerySet, PenaltyStepQuerySet
from .cases import five_digits


def _amount(value, where) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({where: [_("不是金额：%(value)s") % {"value": value}]}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({where: [_("不是金额：%(value)s") % {"value": value}]})
    return number


class DiscretionStandard(models.Model):
    """One version of the district's discretion standard. Rows are never edited: a change is a new version.

    `rules`: [{"category": "09006", "level": "general", "fine_min": "200", "fine_max": "1000",
    "measures": "责令改正，没收违法物品"}, ...], one per category and level; `first_offence`:
    [{"category": "09006", "conditions": "首次违法、危害后果轻微并及时改正"}, ...]."""

    code = models.CharField(_("基准代码"), max_length=32, default="district")
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=128)
    rules = models.JSONField(_("裁量规则"), default=list)
    first_offence = models.JSONField(_("首违不罚清单"), default=list, blank=True)
    legal_review_threshold = models.DecimalField(
        _("法制审核金额（元）"), max_digits=12, decimal_places=2, default=Decimal("3000"),
        validators=[MinValueValidator(0)], help_text=_("罚款超过此金额的决定须经区局法制审核"))
    note = models.TextField(_("修订说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))

    objects = DiscretionStandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("自由裁量基准")
        verbose_name_plural = _("自由裁量基准")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="discretionstandard_code_version")]

    def __str__(self):
        return f"{self.name} ({self.code} v{self.version})"

    def clean(self):
        if not isinstance(self.rules, list) or not self.rules:
            raise ValidationError({"rules": [_("至少一条裁量规则")]})
        seen = set()
        for rule in self.rules:
            if not isinstance(rule, dict):
                raise ValidationError({"rules": [_("每条规则必须是对象")]})
            category, level = str(rule.get("category", "")), rule.get("level")
            try:
                five_digits(category)
            except ValidationError:
                raise ValidationError({"rules": [_("类别编码必须是 5 位数字：%(value)s") % {"value": category}]}) from None
            if level not in CircumstanceLevel.values:
                raise ValidationError({"rules": [_("未知的情节等级：%(value)s") % {"value": level}]})
            low, high = _amount(rule.get("fine_min"), "rules"), _amount(rule.get("fine_max"), "rules")
            if low > high:
                raise ValidationError({"rules": [_("%(category)s %(level)s：罚款下限高于上限") % {
                    "category": category, "level": CircumstanceLevel(level).label}]})
            if (category, level) in seen:
                raise ValidationError({"rules": [_("%(category)s %(level)s 重复") % {
                    "category": category, "level": CircumstanceLevel(level).label}]})
            seen.add((category, level))
        if not isinstance(self.first_offence, list):
            raise ValidationError({"first_offence": [_("必须是列表")]})
        for entry in self.first_offence:
            if not isinstance(entry, dict) or not str(entry.get("category", "")).isdigit():
                raise ValidationError({"first_offence": [_("每项需要 category 和 conditions")]})

    def rule_for(self, category_code: str, level: str) -> dict | None:
        for rule in self.rules or []:
            if str(rule.get("category")) == category_code and rule.get("level") == level:
                return {**rule, "fine_min": Decimal(str(rule["fine_min"])), "fine_max": Decimal(str(rule["fine_max"]))}
        return None

    def first_offence_entry(self, category_code: str) -> dict | None:
        return next((e for e in self.first_offence or [] if str(e.get("category")) == category_code), None)


class PenaltyDecision(models.Model):
    """A penalty decision against a case's party, within its standard version's range."""

    number = models.CharField(_("文书编号"), max_length=24, unique=True)
    case = models.ForeignKey("enforcement.Case", on_delete=models.PROTECT, related_name="penalties",
                             verbose_name=_("案件"))
    party = models.ForeignKey("enforcement.Party", on_delete=models.PROTECT, related_name="penalties",
                              verbose_name=_("当事人"))
    order = models.ForeignKey("enforcement.RectificationOrder", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="penalties", verbose_name=_("整改通知书"))
    standard = models.ForeignKey(DiscretionStandard, on_delete=models.PROTECT, related_name="decisions",
                                 verbose_name=_("裁量基准版本"))
    category = models.ForeignKey("enforcement.Category", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("违法类别"))
    level = models.CharField(_("情节等级"), max_length=16, choices=CircumstanceLevel.choices)
    first_offence = models.BooleanField(_("首违不罚"), default=False)
    facts = models.TextField(_("违法事实"))
    legal_basis = models.TextField(_("法律依据"))
    circumstances = models.TextField(_("裁量情节说明"), blank=True)
    fine = models.DecimalField(_("罚款（元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    fine_min = models.DecimalField(_("基准下限（元）"), max_digits=12, decimal_places=2)
    fine_max = models.DecimalField(_("基准上限（元）"), max_digits=12, decimal_places=2)
    measures = models.TextField(_("处理措施"), blank=True)
    needs_legal_review = models.BooleanField(_("须法制审核"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=PenaltyStatus.choices,
                              default=PenaltyStatus.PENDING_BRIGADE)
    drafted_at = models.DateTimeField(_("拟定时间"))
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("承办人"))
    paid_amount = models.DecimalField(_("缴纳金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PenaltyDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政处罚决定")
        verbose_name_plural = _("行政处罚决定")
        ordering = ["-drafted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(fine__gte=models.F("fine_min"), fine__lte=models.F("fine_max"))
                                   | models.Q(first_offence=True, fine=0), name="penalty_fine_within_range"),
        ]
        indexes = [
            # the penalties queue: a status across the district, newest first
            models.Index(fields=["status", "-drafted_at"], name="penalty_status_recent"),
        ]

    def __str__(self):
        return self.number


class PenaltyStep(AppendOnlyModel):
    """One step of a decision's trail (append-only): who drafted, approved, returned, notified, served, recorded
    the payment, and when."""

    decision = models.ForeignKey(PenaltyDecision, on_delete=models.PROTECT, related_name="steps",
                                 verbose_name=_("处罚决定"))
    seq = models.PositiveIntegerField(_("序号"))
    action = models.CharField(_("操作"), max_length=24, choices=PenaltyAction.choices)
    from_status = models.CharField(_("原状态"), max_length=16, choices=PenaltyStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=PenaltyStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("操作人"))
    recorded_at = models.DateTimeField(_("记录时间"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    objects = PenaltyStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("处罚决定记录")
        verbose_name_plural = _("处罚决定记录")
        ordering = ["decision", "seq"]
        constraints = [models.UniqueConstraint(fields=["decision", "seq"], name="penaltystep_seq_unique")]

    def __str__(self):
        return f"{self.decision_id}#{self.seq} {self.action}"
