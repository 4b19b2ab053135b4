"""Reads over patrol reports and the published assessment. `visible_to(user)` is each model's one scoping
entry point: every viewset, page and export starts from it."""
from django.db import models
from django.db.models import Exists, OuterRef, Q

from grids.querysets import PlacedQuerySet

from .choices import PatrolSource


class PatrolCountFieldQuerySet(models.QuerySet):
    def visible_to(self, user):
        if getattr(user, "is_authenticated", False) and user.is_field_staff:
            return self
        return self.none()

    def active(self):
        return self.filter(is_active=True)


class PatrolReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Bureau staff: every report; a street leader: reports over their street; nobody else (a grid officer
        files no patrol report and reads none)."""
        from grids.querysets import within_scope

        if getattr(user, "is_grid_officer", False):
            return self.none()
        return within_scope(self, user, street="street")

    def covering_street(self, street):
        """Reports with at least one cell in `street` (a supervision patrol may cross streets)."""
        through = self.model.grid_cells.through
        return self.filter(Exists(through.objects.filter(patrolreport_id=OuterRef("pk"), gridcell__street=street)))

    def brigade(self):
        return self.filter(source=PatrolSource.PATROL)

    def supervision(self):
        return self.filter(source=PatrolSource.SUPERVISION)

    def on_days(self, first, last):
        return self.filter(date__gte=first, date__lte=last)

    def recorded_before(self, moment):
        return self.filter(recorded_at__lt=moment)

    def for_list(self):
        from .models import PatrolFinding

        return self.select_related("street", "leader", "duty_squad").prefetch_related(
            models.Prefetch("grid_cells", queryset=_cells_only()),
            models.Prefetch("findings", queryset=PatrolFinding.objects.select_related("category", "case", "grid")),
        )


def _cells_only():
    from grids.models import GridCell

    return GridCell.objects.only("id", "code", "street_id").order_by("code")


class ScoringSchemeQuerySet(models.QuerySet):
    def current(self, code: str):
        """The newest version of a scheme: what the next compile uses."""
        return self.filter(code=code).order_by("-version").first()


class RankingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published rankings are district-wide information for every staff role and the API client."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_field_staff or user.is_api_client:
            return self
        return self.none()

    def of_period(self, kind, code):
        return self.filter(kind=kind, period=code).order_by("-published_at", "-id")


# ---------------------------------------------------------------------------------------------- sites


class DustCheckItemQuerySet(models.QuerySet):
    """The checklist is reference data every member of field staff reads."""

    def visible_to(self, user):
        if getattr(user, "is_authenticated", False) and user.is_field_staff:
            return self
        return self.none()

    def active(self):
        return self.filter(is_active=True)


class ConstructionSiteQuerySet(PlacedQuerySet):
    """Sites lie in a cell of a street: bureau staff see all, a leader their street's, an officer their cells'."""

    scope_street = "street"
    scope_cell = "grid"

    def active_between(self, first, last):
        """Sites under construction at some point between the two days: started by the last, not completed
        before the first (a site past its planned end and not completed is still under construction)."""
        return self.filter(Q(starts_on__lte=last) & (Q(completed_on__isnull=True) | Q(completed_on__gte=first)))

    def in_street(self, street):
        return self.filter(street=street)


class SiteInspectionQuerySet(PlacedQuerySet):
    scope_street = "site__street"
    scope_cell = "site__grid"

    def on_days(self, first, last):
        return self.filter(date__gte=first, date__lte=last)

    def for_list(self):
        from .models import SiteInspectionItem

        return self.select_related("site", "site__street", "inspector").prefetch_related(
            models.Prefetch("results", queryset=SiteInspectionItem.objects.select_related("item", "case", "order")))


class SiteInspectionItemQuerySet(models.QuerySet):
    def failed(self):
        from .choices import SiteInspectionResult

        return self.filter(result=SiteInspectionResult.FAILED)

    def awaiting_follow_up(self):
        """Failures no later inspection has found fixed yet."""
        return self.failed().filter(resolved_by__isnull=True)


class MuckTransportApprovalQuerySet(PlacedQuerySet):
    # An approval is seen by the patrols of every street its route touches.
    scope_street = ("streets",)

    def valid_on(self, day):
        return self.filter(valid_from__lte=day, valid_to__gte=day)


class OccupationApprovalQuerySet(PlacedQuerySet):
    # An approval is seen by the patrols of every street its area or route touches.
    scope_street = ("streets",)

    def valid_on(self, day):
        return self.filter(valid_from__lte=day, valid_to__gte=day)


# ---------------------------------------------------------------------------------------------- campaigns


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Campaigns are the district's plan: every member of field staff reads them (progress per street
        included, as the rankings are)."""
        if getattr(user, "is_authenticated", False) and user.is_active and user.is_field_staff:
            return self
        return self.none()

    def running_on(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class DemolitionQuerySet(PlacedQuerySet):
    scope_street = "street"
    scope_cell = "grid"

    def on_days(self, first, last):
        return self.filter(demolished_on__gte=first, demolished_on__lte=last)


# ---------------------------------------------------------------------------------------------- rotas


class SquadQuerySet(PlacedQuerySet):
    # A street's squads belong to its brigade; the bureau's own squads (no street) only bureau staff see.
    scope_street = "street"

    def active(self):
        return self.filter(is_active=True)


class KeyPointQuerySet(PlacedQuerySet):
    scope_street = "street"
    scope_cell = "grid"


class RotaQuerySet(PlacedQuerySet):
    scope_street = "street"
