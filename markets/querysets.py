"""Reads over street commerce. `visible_to(user)` is the one scoping entry point of every view and page,
the work scope of grids' `Street.objects.visible_to` read through each row's street (`scope_street`):
bureau staff see the district; a street leader their street(s); a grid officer the streets of their cells
(street commerce is managed by street, so no row here is scoped by cell); the API client and the auditor
nothing (their requests are refused with 403 before this)."""
from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Cos, Radians
from django.utils import timezone

from bureau import clock
from bureau.appendonly import AppendOnlyQuerySetMixin
from grids.querysets import PlacedQuerySet, within_scope

from .choices import (
    AD_PROBLEM_STATUSES,
    FRONTAGE_HALF_SIDE_M,
    PERMIT_WARNING_DAYS,
    RENEWAL_OPENS_DAYS,
    SHOP_FLAG_CASES,
    SHOP_FLAG_CATEGORY,
    SHOP_FLAG_DAYS,
    AdKind,
    AdStatus,
    PermitStatus,
)
from .hours import local

IN_FORCE = (PermitStatus.ACTIVE, PermitStatus.SCHEDULED)


def _in_season(day: date, prefix: str = "") -> Q:
    return ((Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day}))
            & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})))


class VendorZoneQuerySet(PlacedQuerySet):
    scope_street = "street"

    def active(self):
        return self.filter(is_active=True)

    def open_at(self, moment: datetime):
        """Active zones with a window open at `moment` (local time) that started on a day in their season:
        a window started today, or one started yesterday that runs past midnight and has not closed yet."""
        from .models import VendorZoneWindow

        at = local(moment)
        today, t = at.date(), at.time()
        yesterday = today - timedelta(days=1)
        windows = VendorZoneWindow.objects.filter(zone=OuterRef("pk"))
        started_today = windows.filter(Q(weekday=today.isoweekday(), opens__lte=t)
                                       & (Q(closes__gt=t) | Q(closes__lte=F("opens"))))
        started_yesterday = windows.filter(weekday=yesterday.isoweekday(), closes__lte=F("opens"), closes__gt=t)
        return self.active().filter(
            (_in_season(today) & Exists(started_today)) | (_in_season(yesterday) & Exists(started_yesterday))
        )


class VendorSlotQuerySet(PlacedQuerySet):
    scope_street = "zone__street"


class VendorQuerySet(PlacedQuerySet):
    # A vendor is seen where they trade or were caught: a permit in, or a case linked in, the user's streets.
    # Their counts stay district-wide (that is the point of the repeat-offender view).
    scope_street = ("case_links__case__street", "permits__zone__street")

    def with_case_counts(self, since=None):
        cond = Q(case_links__case__reported_at__gte=since) if since else Q()
        return self.annotate(
            case_count=Count("case_links", filter=cond, distinct=True),
            street_count=Count("case_links__case__street", filter=cond, distinct=True),
        )

    def repeat_offenders(self, min_cases: int = 2, since=None):
        """Vendors chased from street to street reappear in the next: cases in two or more streets, or min_cases cases."""
        return (
            self.with_case_counts(since)
            .filter(Q(street_count__gte=2) | Q(case_count__gte=min_cases))
            .order_by("-street_count", "-case_count", "pk")
        )


class StallPermitQuerySet(PlacedQuerySet):
    scope_street = "zone__street"

    def current(self, today):
        """Approved permits covering `today`: in force, or a renewal whose first day it is (the daily job
        may not have switched it on yet, but the vendor is covered from midnight)."""
        return self.filter(status__in=IN_FORCE, valid_from__lte=today, valid_to__gte=today)

    def pending(self):
        """Applications waiting for the street's review or the bureau's approval."""
        return self.filter(status__in=(PermitStatus.APPLIED, PermitStatus.REVIEWED))

    def due_for_renewal(self, today):
        """Active permits whose renewal window is open: expiring within RENEWAL_OPENS_DAYS, not yet expired,
        not yet renewed."""
        return self.filter(
            status=PermitStatus.ACTIVE, valid_to__gte=today, valid_to__lte=today + timedelta(days=RENEWAL_OPENS_DAYS),
            renewed_by__isnull=True,
        )

    def expiring(self, today):
        """Active, unrenewed permits ending within PERMIT_WARNING_DAYS: their street is warned."""
        return self.filter(
            status=PermitStatus.ACTIVE, valid_to__gte=today, valid_to__lte=today + timedelta(days=PERMIT_WARNING_DAYS),
            renewed_by__isnull=True,
        )

    def lapsed(self, today):
        """Still marked active but past valid_to (the expiry job turns these into expired)."""
        return self.filter(status=PermitStatus.ACTIVE, valid_to__lt=today)

    def starting(self, today):
        """Approved permits whose first day has come (the expiry job switches them on)."""
        return self.filter(status=PermitStatus.SCHEDULED, valid_from__lte=today)


class StallPermitEventQuerySet(AppendOnlyQuerySetMixin, PlacedQuerySet):
    scope_street = "permit__zone__street"


class MarketNoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class VendorCaseLinkQuerySet(PlacedQuerySet):
    scope_street = "case__street"


METRES_PER_DEGREE_LAT = 111_320


def _today():
    return timezone.localdate(clock.now())


def flag_window_start(today: date) -> datetime:
    """The first moment of the trailing SHOP_FLAG_DAYS days ending with `today` (local midnight)."""
    first = today - timedelta(days=SHOP_FLAG_DAYS - 1)
    return timezone.make_aware(datetime.combine(first, datetime.min.time()))


def frontage_cases(shop_ref=OuterRef, since=None):
    """The 店外经营 (09005) cases that count against a shop (given by `shop_ref`, an OuterRef maker): not
    rejected, reported since `since`, and either naming the shop's party or reported within its frontage
    (the square FRONTAGE_HALF_SIDE_M metres either way of the shop's point)."""
    from enforcement.choices import CaseStatus
    from enforcement.models import Case

    d_lat = FRONTAGE_HALF_SIDE_M / METRES_PER_DEGREE_LAT
    d_lng = Value(d_lat) / Cos(Radians(shop_ref("lat")))
    in_frontage = Q(lat__gte=shop_ref("lat") - d_lat, lat__lte=shop_ref("lat") + d_lat,
                    lng__gte=shop_ref("lng") - d_lng, lng__lte=shop_ref("lng") + d_lng)
    linked = Q(party_id=shop_ref("party_id"))
    return (Case.objects.filter(category__code=SHOP_FLAG_CATEGORY, reported_at__gte=since)
            .exclude(status=CaseStatus.REJECTED).filter(linked | in_frontage))


class ShopQuerySet(PlacedQuerySet):
    scope_street = "street"

    def active(self):
        return self.filter(is_active=True)

    def with_agreement(self):
        """`has_agreement`: a signed frontage agreement (三包 or 五包, any version) is on record; versions only
        add, so the latest of each kind is always current."""
        from .models import FrontageAgreement

        return self.annotate(has_agreement=Exists(FrontageAgreement.objects.filter(shop=OuterRef("pk"))))

    def covered(self):
        return self.with_agreement().filter(has_agreement=True)

    def with_frontage_case_count(self, today=None):
        """`frontage_case_count` (09005 cases linked to the shop or in its frontage in the trailing
        SHOP_FLAG_DAYS days) and `flagged` (at least SHOP_FLAG_CASES of them): one subquery per row."""
        since = flag_window_start(today or _today())
        counted = (frontage_cases(OuterRef, since).order_by().annotate(one=Value(1, IntegerField()))
                   .values("one").annotate(n=Count("pk")).values("n"))
        return self.annotate(frontage_case_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0))

    def flagged(self, today=None):
        return self.with_frontage_case_count(today).filter(frontage_case_count__gte=SHOP_FLAG_CASES)

    def for_register(self, today=None):
        """What the register shows of each shop (API, page, export): street, cell, whether an agreement is on
        record, the latest commitment letter's date, the 09005 count of the flag. One query."""
        from .models import FrontageAgreement, ShopCommitment

        latest = FrontageAgreement.objects.filter(shop=OuterRef("pk")).order_by("-signed_on", "-version")
        letter = ShopCommitment.objects.filter(shop=OuterRef("pk")).order_by("-signed_on", "-pk")
        return (self.select_related("street", "grid").with_agreement().with_frontage_case_count(today)
                .annotate(commitment_signed_on=Subquery(letter.values("signed_on")[:1]),
                          signer_name=Subquery(latest.values("signer_name")[:1]),
                          signer_phone_masked=Subquery(latest.values("signer_phone_masked")[:1])))


class FrontageAgreementQuerySet(AppendOnlyQuerySetMixin, PlacedQuerySet):
    scope_street = "shop__street"

    def current(self):
        """The highest version of each shop's agreement of each kind."""
        later = self.model.objects.filter(shop=OuterRef("shop"), kind=OuterRef("kind"), version__gt=OuterRef("version"))
        return self.filter(~Exists(later))


class ShopCommitmentQuerySet(AppendOnlyQuerySetMixin, PlacedQuerySet):
    scope_street = "shop__street"


class OutdoorAdQuerySet(PlacedQuerySet):
    scope_street = "street"

    def standing(self):
        """Ads not yet removed."""
        return self.exclude(status=AdStatus.REMOVED)

    def problem(self, today=None):
        """The seed's targets: no approval, an expired approval, or a safety hazard (removed ads are done). An
        approval past its end counts as expired even before the daily job has marked it."""
        today = today or _today()
        return self.filter(Q(status__in=AD_PROBLEM_STATUSES)
                           | Q(status__in=(AdStatus.APPROVED, AdStatus.EXPIRING), approved_until__lt=today))

    def due_to_move(self, today):
        """Approved or expiring ads whose approval period says otherwise on `today` (the daily job's work)."""
        from .choices import AD_WARNING_DAYS

        return self.filter(
            Q(status=AdStatus.APPROVED, approved_until__lte=today + timedelta(days=AD_WARNING_DAYS))
            | Q(status=AdStatus.EXPIRING, approved_until__lt=today)
        )


    def removal_done(self):
        """Ads not yet marked removed whose removal order's follow-up found it complied with (the order may
        have been followed up through enforcement's own pages; the daily job catches those)."""
        return self.exclude(status=AdStatus.REMOVED).filter(removal_order__outcome="complied")


class AdTargetQuerySet(PlacedQuerySet):
    scope_street = "street"


def streets_in_scope(user):
    """`Street.objects.visible_to(user)` as one `pk IN (subquery)` (none for bureau staff), so the coverage's
    aggregate joins only shops and agreements, never the assignments."""
    from grids.models import Street

    return within_scope(Street.objects.all(), user, street="pk")


def _covered_shop():
    from .models import FrontageAgreement

    return Exists(FrontageAgreement.objects.filter(shop=OuterRef("pk")))


def frontage_coverage(streets):
    """Each street with `shop_count` (active shops) and `covered_count` (those with a signed frontage
    agreement on record): one query."""
    from .models import Shop

    shops = Shop.objects.filter(street=OuterRef("pk"), is_active=True).order_by()
    return streets.annotate(
        shop_count=_count(shops),
        covered_count=_count(shops.filter(_covered_shop())),
    )


def frontage_coverage_by_cell(cells):
    """Each grid cell with `shop_count` and `covered_count`, as `frontage_coverage` (shops without a cell are
    in their street's figures only)."""
    from .models import Shop

    shops = Shop.objects.filter(grid=OuterRef("pk"), is_active=True).order_by()
    return cells.annotate(shop_count=_count(shops), covered_count=_count(shops.filter(_covered_shop())))


def _count(queryset):
    counted = queryset.annotate(one=Value(1, IntegerField())).values("one").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def ad_ratios(streets):
    """Each street with `ad_count` (standing ads: not removed), `public_service_count` (standing public-service
    ads) and `target` (its AdTarget's ratio, or None): one query."""
    from .models import OutdoorAd

    ads = OutdoorAd.objects.filter(street=OuterRef("pk")).exclude(status=AdStatus.REMOVED).order_by()
    return streets.annotate(
        ad_count=_count(ads),
        public_service_count=_count(ads.filter(kind=AdKind.PUBLIC_SERVICE)),
        target=F("ad_target__public_service_ratio"),
    )
