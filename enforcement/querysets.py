"""Reads over cases. `visible_to(user)` is the one scoping entry point every view, page and export uses."""
from django.db import models
from django.db.models import Q

from bureau.appendonly import AppendOnlyQuerySet
from grids.querysets import PlacedQuerySet

from .choices import OPEN_STATUSES, CaseStatus


def departments_of(user):
    """The department(s) a department account answers for, as a subquery of ids (no query of its own)."""
    from .models import DepartmentAccount

    return DepartmentAccount.objects.filter(user=user).values("department_id")


class CategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class CaseQuerySet(PlacedQuerySet):
    """`visible_to(user)` is the user's work scope over cases (grids' `within_scope`): bureau staff every
    case; a street leader the cases of the streets they lead (`street__in=Street.objects.visible_to`); a
    grid officer the cases in the cells they hold (`grid__in=GridCell.objects.visible_to`); the API client
    and the auditor none (their endpoints refuse with 403 before this). One subquery, never a query more."""

    scope_street = "street"
    scope_cell = "grid"

    def visible_to(self, user):
        """The work scope above; a department's account: the cases referred to its department now (a referral
        refused or returned is no longer its case)."""
        if getattr(user, "is_authenticated", False) and user.is_department_staff:
            return self.filter(handling_department__in=departments_of(user))
        return super().visible_to(user)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def in_street(self, street):
        return self.filter(street=street)

    def overdue(self):
        return self.filter(overdue=True)

    def due_between(self, start, end):
        return self.filter(due_at__gte=start, due_at__lt=end)

    def to_register(self):
        return self.filter(status=CaseStatus.REPORTED)

    def to_dispatch(self):
        return self.filter(status=CaseStatus.REGISTERED)

    def to_verify(self):
        return self.filter(status=CaseStatus.HANDLED)

    def with_timer(self):
        """Cases whose current step runs against a deadline (the sweep's work list)."""
        return self.filter(
            Q(status__in=(CaseStatus.REPORTED, CaseStatus.REGISTERED, CaseStatus.DISPATCHED)) & Q(due_at__isnull=False)
        )

    def standing(self):
        """Problems still standing: neither closed nor rejected (a suspended case is still there, waiting)."""
        return self.exclude(status__in=(CaseStatus.CLOSED, CaseStatus.REJECTED))

    def findings(self):
        """Cases that record a problem found: every one but the rejected (a duplicate is rejected too)."""
        return self.exclude(status=CaseStatus.REJECTED)

    def reported_between(self, start, end):
        """Reported at or after `start` and at or before `end` (both included)."""
        return self.filter(reported_at__gte=start, reported_at__lte=end)

    def in_box(self, lat, lng, metres):
        """Cases inside a box holding every point within `metres` of (lat, lng): the SQL half of "within a
        distance" (enforcement/offenders.py measures the rest in Python, the same on every database)."""
        from grids.geometry import degree_box

        min_lat, max_lat, min_lng, max_lng = degree_box(lat, lng, metres)
        return self.filter(lat__gte=min_lat, lat__lte=max_lat, lng__gte=min_lng, lng__lte=max_lng)

    def with_repeat_flag(self, days=None):
        """Each case with `repeat_offender`: its party had another case (not rejected) in another street within
        `days` (REPEAT_OFFENDER_WINDOW_DAYS) before it: a party chased from one street into the next. Read
        district-wide whatever the viewer's scope (only the flag is shown), in the same query."""
        from datetime import timedelta

        from django.conf import settings
        from django.db.models import Exists, OuterRef

        days = settings.REPEAT_OFFENDER_WINDOW_DAYS if days is None else days
        elsewhere = self.model.objects.filter(
            party=OuterRef("party"), reported_at__lte=OuterRef("reported_at"),
            reported_at__gte=OuterRef("reported_at") - timedelta(days=days),
        ).exclude(status=CaseStatus.REJECTED).filter(~Q(street=OuterRef("street")))
        return self.annotate(repeat_offender=Exists(elsewhere))

    def for_list(self):
        return self.select_related("category", "street", "grid", "handling_department")

    def with_viewer_leads_street(self, user):
        """Each case with `viewer_leads_street`: whether `user` leads its street now, read in the same query
        (the case page's actions ask it; `permissions.is_handling_side` uses it instead of a query of its own).
        Only for street leaders: for every other role the answer does not depend on the street."""
        from django.db.models import Exists, OuterRef

        from grids.models import Street

        if not (getattr(user, "is_authenticated", False) and user.is_street_leader):
            return self
        return self.annotate(viewer_leads_street=Exists(Street.objects.led_by(user).filter(pk=OuterRef("street_id"))))


class CaseEventQuerySet(AppendOnlyQuerySet):
    """Case events' reads; the history is append-only, so every bulk write is refused (bureau/appendonly.py)."""

    def recorded_before(self, moment):
        return self.filter(recorded_at__lt=moment)


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class PartyQuerySet(PlacedQuerySet):
    """A party is seen through the cases that name it: bureau staff every party; a street leader those named
    by a case of their street; a grid officer those named by a case in their cells. A party no case names
    yet (a vendor registered by street commerce) is the bureau's alone."""

    scope_street = ("cases__street",)
    scope_cell = ("cases__grid",)

    def search(self, text):
        text = (text or "").replace("\x00", "").strip()
        return self.filter(name__icontains=text) if text else self


class RectificationOrderQuerySet(PlacedQuerySet):
    """Orders are where their case is: a leader sees their street's, an officer those of their cells' cases."""

    scope_street = "case__street"
    scope_cell = "case__grid"

    def overdue(self, at):
        """Issued, no follow-up yet, and the deadline passed (the overdue queue)."""
        from .choices import OrderStatus

        return self.filter(status=OrderStatus.ISSUED, deadline__lt=at)

    def unmet_between(self, start, end):
        """Orders whose deadline fell in [start, end) with no follow-up finding them complied by it: judged
        from what was recorded by then, so a later follow-up never moves a published period."""
        from .choices import OrderOutcome

        met = Q(outcome=OrderOutcome.COMPLIED, followed_up_at__lte=models.F("deadline"))
        return self.filter(deadline__gte=start, deadline__lt=end, issued_at__lt=end).exclude(met)

    def for_list(self):
        return self.select_related("case", "case__street", "case__category", "party", "issued_by")


class DiscretionStandardQuerySet(models.QuerySet):
    """The standard's versions: reference data every member of field staff reads; bureau staff edit it."""

    def current(self, code="district"):
        """The latest version of the standard, the one new decisions follow."""
        return self.filter(code=code).order_by("-version").first()


class PenaltyDecisionQuerySet(PlacedQuerySet):
    """Decisions are where their case is."""

    scope_street = "case__street"
    scope_cell = "case__grid"

    def for_list(self):
        return self.select_related("case", "case__street", "category", "party", "standard", "drafted_by")

    def awaiting(self, user):
        """The decisions waiting for this user's approval: a leader's brigade approvals, bureau legal reviews."""
        from .choices import PenaltyStatus

        if getattr(user, "is_bureau_staff", False):
            return self.filter(status=PenaltyStatus.PENDING_LEGAL)
        if getattr(user, "is_street_leader", False):
            return self.filter(status=PenaltyStatus.PENDING_BRIGADE)
        return self.none()


class PenaltyStepQuerySet(AppendOnlyQuerySet):
    """A decision's trail is append-only: every bulk write is refused."""


class JointOperationQuerySet(PlacedQuerySet):
    """A joint operation is seen by bureau staff and by the leaders of the streets taking part (through its
    streets); grid officers and everybody else see none."""

    scope_street = ("streets",)

    def visible_to(self, user):
        if getattr(user, "is_grid_officer", False):
            return self.none()
        return super().visible_to(user)

    def for_list(self):
        return self.prefetch_related("streets", "departments")
