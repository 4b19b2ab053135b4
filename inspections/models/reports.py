"""The bureau's assessment of the streets: scoring schemes, and the published weekly bulletins and rankings.

Published rows are snapshots: a recompile compares before it writes, and a changed history only becomes a
new *revision* when staff reissue it with a reason, so what was circulated stays on record unchanged.
"""
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import PeriodKind
from ..periods import first_day_of, last_day_of
from ..querysets import RankingQuerySet, ScoringSchemeQuerySet

__all__ = ["ScoringScheme", "Bulletin", "Ranking", "RankingRow", "PeriodKind", "INDICATORS", "RATE_INDICATORS"]

# The indicators a scheme may use. Rates lie in [0, 1]; counts are whole numbers.
RATE_INDICATORS = ("close_rate", "on_time_close_rate", "rework_rate", "extension_rate", "patrol_coverage")
# orders_overdue: rectification orders whose deadline fell in the period unmet (enforcement.history)
COUNT_INDICATORS = ("due_count", "closed_count", "closed_on_time_count", "overdue_count", "bulletin_items",
                    "orders_overdue")
INDICATORS = COUNT_INDICATORS[:3] + RATE_INDICATORS[:4] + COUNT_INDICATORS[3:] + ("patrol_coverage",)

scheme_code_validator = RegexValidator(r"^[a-z0-9][a-z0-9_-]{0,31}$", _("只能使用小写字母、数字、- 和 _"))


def _decimal(value, where):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({where: [_("不是数字：%(value)s") % {"value": value}]}) from None
    if not number.is_finite():
        raise ValidationError({where: [_("不是数字：%(value)s") % {"value": value}]})
    return number


class ScoringScheme(models.Model):
    """A version of the bureau's written assessment rules (考评细则): weighted indicators, deductions, grade bands.

    Versions are immutable once saved: an edit in the admin saves a new row with the next version number, so a
    ranking published under an older version can always be explained by the rules it was computed with.

    score = Σ weight × indicator (or × (1 − indicator) when `complement`) over `weights` and `extra_indicators`
            + max(floor, base − Σ per_item × count) over `deductions`.
    """

    code = models.CharField(_("方案代码"), max_length=32, validators=[scheme_code_validator])
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=64)
    weights = models.JSONField(
        _("指标权重"), default=list,
        help_text=_('列表：[{"indicator": "on_time_close_rate", "weight": "50", "complement": false}, ...]'),
    )
    deductions = models.JSONField(
        _("扣分项"), default=dict,
        help_text=_('{"base": "10", "floor": "0", "per_item": {"bulletin_items": "0.5"}}'),
    )
    grade_bands = models.JSONField(
        _("等级划分"), default=list, help_text=_('从高到低：[{"grade": "A", "min": "90"}, ...]，最后一档 min 为 0'),
    )
    extra_indicators = models.JSONField(
        _("附加指标"), default=list, blank=True,
        help_text=_('与指标权重同格式，例如 [{"indicator": "patrol_coverage", "weight": "5"}]'),
    )
    note = models.TextField(_("修订说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("创建人"),
    )

    objects = ScoringSchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("考评方案")
        verbose_name_plural = _("考评方案")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="scoringscheme_code_version_unique")]

    def __str__(self):
        return f"{self.name} ({self.code} v{self.version})"

    def clean(self):
        errors = {}
        for field in ("weights", "extra_indicators"):
            try:
                self._validate_terms(getattr(self, field), field)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        try:
            self._validate_deductions()
        except ValidationError as exc:
            errors.update(exc.message_dict)
        try:
            self._validate_bands()
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _validate_terms(terms, field):
        if not isinstance(terms, list):
            raise ValidationError({field: [_("必须是列表")]})
        for term in terms:
            if not isinstance(term, dict) or term.get("indicator") not in INDICATORS:
                raise ValidationError({field: [_("未知指标：%(value)s") % {"value": term}]})
            if term["indicator"] not in RATE_INDICATORS:
                raise ValidationError({field: [_("加权指标必须是比率：%(value)s") % {"value": term["indicator"]}]})
            _decimal(term.get("weight"), field)
            if not isinstance(term.get("complement", False), bool):
                raise ValidationError({field: [_("complement 必须是 true 或 false")]})

    def _validate_deductions(self):
        value = self.deductions
        if not isinstance(value, dict):
            raise ValidationError({"deductions": [_("必须是对象")]})
        _decimal(value.get("base", "0"), "deductions")
        _decimal(value.get("floor", "0"), "deductions")
        per_item = value.get("per_item", {})
        if not isinstance(per_item, dict):
            raise ValidationError({"deductions": [_("per_item 必须是对象")]})
        for name, amount in per_item.items():
            if name not in COUNT_INDICATORS:
                raise ValidationError({"deductions": [_("扣分项必须是计数指标：%(value)s") % {"value": name}]})
            _decimal(amount, "deductions")

    def _validate_bands(self):
        bands = self.grade_bands
        if not isinstance(bands, list) or not bands:
            raise ValidationError({"grade_bands": [_("至少一档")]})
        previous = None
        for band in bands:
            if not isinstance(band, dict) or not str(band.get("grade", "")).strip():
                raise ValidationError({"grade_bands": [_("每档需要 grade 和 min")]})
            minimum = _decimal(band.get("min"), "grade_bands")
            if previous is not None and minimum >= previous:
                raise ValidationError({"grade_bands": [_("各档 min 必须从高到低排列")]})
            previous = minimum


class PeriodDatesMixin:
    """`start` and `end` are the instants that bound the period ([start, end)); people and clients are told its
    first and last dates (W47 of 2026: 2026-11-16 to 2026-11-22, not to the 23rd)."""

    @property
    def first_day(self):
        return first_day_of(self.start)

    @property
    def last_day(self):
        return last_day_of(self.end)


class Bulletin(PeriodDatesMixin, models.Model):
    """A published weekly bulletin (每周通报): per street, supervision cases not handled by their deadline."""

    period = models.CharField(_("周期"), max_length=8)  # 2026-W47
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    revision = models.PositiveIntegerField(_("修订版次"), default=1)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("发布人"),
    )
    reason = models.TextField(_("重发原因"), blank=True)
    content = models.JSONField(_("内容"))  # {"streets": [{street, counts, items: [...]}]}
    digest = models.CharField(_("内容摘要"), max_length=64)  # sha256 of the canonical content: the compare key

    class Meta:
        verbose_name = _("每周通报")
        verbose_name_plural = _("每周通报")
        ordering = ["-start", "-revision"]
        constraints = [models.UniqueConstraint(fields=["period", "revision"], name="bulletin_period_revision_unique")]
        indexes = [
            # `latest` and the bulletin page: the newest revision of a period, periods newest first
            models.Index(fields=["-start", "-revision"], name="bulletin_recent"),
        ]

    def __str__(self):
        return f"{self.period} r{self.revision}"


class Ranking(PeriodDatesMixin, models.Model):
    """A published ranking of the streets for one period under one scheme version (one revision)."""

    kind = models.CharField(_("周期类型"), max_length=8, choices=PeriodKind.choices)
    period = models.CharField(_("周期"), max_length=8)  # 2026-W47 or 2026-10
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="rankings", verbose_name=_("考评方案"))
    revision = models.PositiveIntegerField(_("修订版次"), default=1)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("发布人"),
    )
    reason = models.TextField(_("重发原因"), blank=True)
    digest = models.CharField(_("内容摘要"), max_length=64)  # sha256 of the canonical rows: the compare key
    # The API document, rendered once at publication so a GET serves it without recomputing.
    payload = models.JSONField(_("发布内容"))

    objects = RankingQuerySet.as_manager()

    class Meta:
        verbose_name = _("排名")
        verbose_name_plural = _("排名")
        ordering = ["-start", "kind", "-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "scheme", "revision"], name="ranking_period_scheme_revision_unique"
            ),
        ]
        indexes = [
            # the API's rankings/<kind>/<period>/: newest publication of one period
            models.Index(fields=["kind", "period", "-published_at"], name="ranking_period_recent"),
            # `latest` and the rankings page: the newest compiled period of a kind
            models.Index(fields=["kind", "-start", "-published_at"], name="ranking_kind_recent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period} v{self.scheme.version} r{self.revision}"


class RankingRow(models.Model):
    """One street's place in a published ranking, with the indicator values it was scored on."""

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="rows", verbose_name=_("排名"))
    street = models.ForeignKey("grids.Street", on_delete=models.PROTECT, related_name="ranking_rows",
                               verbose_name=_("街道"))
    rank = models.PositiveIntegerField(_("名次"))
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    grade = models.CharField(_("等级"), max_length=8)
    indicators = models.JSONField(_("指标"))

    class Meta:
        verbose_name = _("排名行")
        verbose_name_plural = _("排名行")
        ordering = ["ranking", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "street"], name="rankingrow_street_unique"),
            models.UniqueConstraint(fields=["ranking", "rank"], name="rankingrow_rank_unique"),
        ]
        indexes = [
            # the rankings page trend chart: one street's rows across periods
            models.Index(fields=["street", "ranking"], name="rankingrow_street"),
        ]

    def __str__(self):
        return f"{self.ranking} #{self.rank} {self.street_id}"
