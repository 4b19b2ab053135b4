"""Places: streets, communities, unit grid cells (单元网格), and who is responsible for them.

Geometry is WGS84 longitude/latitude stored as GeoJSON, so SQLite and PostgreSQL both serve it;
shapely validates it and an in-memory STRtree answers point lookups (grids/geometry.py).
"""
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import StreetKind
from .querysets import (
    AssignmentQuerySet,
    CommunityQuerySet,
    GridCellQuerySet,
    NamedPlaceQuerySet,
    RoadSegmentQuerySet,
    StreetQuerySet,
)

three_digits = RegexValidator(r"^\d{3}$", _("必须是 3 位数字 / must be 3 digits"))
fifteen_digits = RegexValidator(r"^\d{15}$", _("必须是 15 位数字 / must be 15 digits"))


class Street(models.Model):
    """A street (街道) or town (镇) of the district; its brigade is the usual handling unit."""

    code = models.CharField(_("街道代码"), max_length=3, unique=True, validators=[three_digits])
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=8, choices=StreetKind.choices, default=StreetKind.STREET)
    boundary = models.JSONField(_("边界"), null=True, blank=True, help_text=_("GeoJSON 几何 (WGS84)"))

    objects = StreetQuerySet.as_manager()

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Community(models.Model):
    """A community (社区) or village (村); grid cells never cross its boundary."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("街道"))
    code = models.CharField(_("社区代码"), max_length=3, validators=[three_digits])
    name = models.CharField(_("名称"), max_length=64)
    boundary = models.JSONField(_("边界"), null=True, blank=True, help_text=_("GeoJSON 几何 (WGS84)"))

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["street__code", "code"]
        constraints = [models.UniqueConstraint(fields=["street", "code"], name="community_code_unique_in_street")]

    def __str__(self):
        return f"{self.street.code}{self.code} {self.name}"

    @property
    def full_code(self) -> str:
        """Street code + community code (6 digits): how the API and exports name a community."""
        return f"{self.street.code}{self.code}"


class GridCell(models.Model):
    """A unit grid cell: 15 digits = district (6) + street (3) + community (3) + sequence (3)."""

    code = models.CharField(_("网格编码"), max_length=15, unique=True, validators=[fifteen_digits])
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="cells", verbose_name=_("街道"))
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="cells", verbose_name=_("社区"))
    geometry = models.JSONField(_("范围"), help_text=_("GeoJSON Polygon (WGS84)"))
    area_m2 = models.FloatField(_("面积 (m²)"), default=0)
    land_use = models.CharField(_("用地性质"), max_length=64, blank=True)
    management_level = models.CharField(_("管理等级"), max_length=32, blank=True)
    responsible_body = models.CharField(_("责任主体"), max_length=128, blank=True)
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = GridCellQuerySet.as_manager()

    class Meta:
        verbose_name = _("单元网格")
        verbose_name_plural = _("单元网格")
        ordering = ["code"]
        indexes = [
            # grid-cells list filtered by street and community (the API's two filters)
            models.Index(fields=["street", "community"], name="gridcell_street_community"),
        ]

    def __str__(self):
        return self.code


class Assignment(models.Model):
    """Who is responsible for a place from `start` until `end` (none: still is). A change is a new row and the
    previous holder's row is ended (grids.services._assign), so who was responsible when is kept.

    Each kind names its place and person foreign keys in `place_field` and `person_field`.
    """

    place_field: str
    person_field: str

    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{getattr(self, self.place_field)} · {getattr(self, self.person_field)}"


class StreetLeaderAssignment(Assignment):
    """Who leads a street's brigade, with dates; a leader leads one street at a time."""

    place_field, person_field = "street", "user"

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="leader_assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="street_leaderships")

    class Meta:
        verbose_name = _("街道大队长任命")
        verbose_name_plural = _("街道大队长任命")
        ordering = ["street__code", "-start"]
        constraints = [
            # a leader leads one street at a time
            models.UniqueConstraint(fields=["user"], condition=Q(end__isnull=True), name="one_current_street_per_leader"),
        ]


class OfficerAssignment(Assignment):
    """Which grid officer holds a cell (定网格、定人员), with dates; one current officer per cell."""

    place_field, person_field = "cell", "officer"

    cell = models.ForeignKey(GridCell, on_delete=models.PROTECT, related_name="officer_assignments")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cell_assignments")

    class Meta:
        verbose_name = _("网格员分配")
        verbose_name_plural = _("网格员分配")
        ordering = ["cell__code", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["cell"], condition=Q(end__isnull=True), name="one_current_officer_per_cell"),
        ]


class RoadSegment(models.Model):
    """A road segment under one street chief (街长制, 分段分片包干)."""

    code = models.CharField(
        _("路段编码"), max_length=16, unique=True, null=True, blank=True,
        help_text=_("街道代码-序号，如 001-01；接口按编码查找"),
    )
    name = models.CharField(_("路段名称"), max_length=128)
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="road_segments", verbose_name=_("街道"))
    line = models.JSONField(_("走向"), null=True, blank=True, help_text=_("GeoJSON LineString (WGS84)"))
    # The gazetteer (grids/gazetteer.py) reads these: the road's own name as people write it in an address,
    # and the house numbers at the first and the last point of `line`, interpolated in between.
    road = models.CharField(_("道路名称"), max_length=64, blank=True, help_text=_("地址中的路名，如 古南路"))
    number_from = models.PositiveIntegerField(_("起始门牌号"), null=True, blank=True,
                                              help_text=_("走向起点处的门牌号"))
    number_to = models.PositiveIntegerField(_("终止门牌号"), null=True, blank=True,
                                            help_text=_("走向终点处的门牌号"))

    objects = RoadSegmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("路段")
        verbose_name_plural = _("路段")
        ordering = ["street__code", "name"]
        constraints = [
            # a house-number range is whole or absent: the gazetteer interpolates between its two ends
            models.CheckConstraint(
                condition=Q(number_from__isnull=True, number_to__isnull=True)
                | Q(number_from__isnull=False, number_to__isnull=False),
                name="road_segment_number_range_whole",
            ),
        ]

    def __str__(self):
        return self.name


class NamedPlace(models.Model):
    """A place people name in an address instead of a street number: a market, a square, a vendor zone,
    a school, a bus station. The gazetteer resolves its name (or an alias) to its point."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    aliases = models.CharField(_("别名"), max_length=255, blank=True, help_text=_("以逗号分隔"))
    kind = models.CharField(_("类型"), max_length=32, blank=True, help_text=_("如 市场、广场、摊点区域"))
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="named_places", verbose_name=_("街道"))
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))

    objects = NamedPlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("地名")
        verbose_name_plural = _("地名")
        ordering = ["street__code", "name"]

    def __str__(self):
        return self.name

    @property
    def names(self) -> list[str]:
        """The name and every alias, as the gazetteer matches them."""
        return [self.name] + [a.strip() for a in self.aliases.replace("，", ",").split(",") if a.strip()]


class StreetChiefAssignment(Assignment):
    """The street chief (街长) of a road segment, with dates."""

    place_field, person_field = "segment", "chief"

    segment = models.ForeignKey(RoadSegment, on_delete=models.PROTECT, related_name="chief_assignments")
    chief = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="road_segments")

    class Meta:
        verbose_name = _("街长任命")
        verbose_name_plural = _("街长任命")
        ordering = ["segment__name", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["segment"], condition=Q(end__isnull=True), name="one_current_chief_per_segment"),
        ]
