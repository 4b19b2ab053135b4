"""Reads over farmers markets. Each model's `visible_to(user)` is grids' work scope read through the market's
street (`scope_street`), as the rest of street commerce: no row here is scoped by cell."""
from datetime import date, datetime

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from grids.querysets import PlacedQuerySet

from .choices import ComplaintStatus, RepairStatus


class ManagementStationQuerySet(PlacedQuerySet):
    scope_street = "street"


class FarmersMarketQuerySet(PlacedQuerySet):
    scope_street = "street"

    def active(self):
        return self.filter(is_active=True)

    def for_list(self):
        return self.select_related("street", "grid", "station", "operator")

    def with_missed_today(self, now: datetime):
        """`missed_today`: the market's cleaning slots whose end has passed today (local date of `now`) with no
        round recorded, as `CleaningSlot.missed_on` counts them: one subquery per row."""
        from django.db.models import Count, IntegerField, Subquery, Value
        from django.db.models.functions import Coalesce

        from .models import CleaningSlot

        missed = (CleaningSlot.objects.filter(market=OuterRef("pk")).missed_on(timezone.localdate(now), now)
                  .order_by().annotate(one=Value(1, IntegerField())).values("one").annotate(n=Count("pk"))
                  .values("n"))
        return self.annotate(missed_today=Coalesce(Subquery(missed, output_field=IntegerField()), 0))


class CleaningSlotQuerySet(models.QuerySet):
    def missed_on(self, day: date, now: datetime):
        """The slots of active markets whose end on `day` had passed at `now` with no round recorded for that
        day: today's missed rounds are visible as soon as a slot's time is over."""
        from .models import CleaningRound

        local = timezone.localtime(now)
        if day > local.date():
            return self.none()
        recorded = CleaningRound.objects.filter(slot=OuterRef("pk"), date=day)
        ended = Q() if day < local.date() else Q(ends__lte=local.time())
        return self.filter(ended, market__is_active=True).exclude(Exists(recorded)).exclude(not_owed_q(day))


def not_owed_q(day: date) -> Q:
    """Slots a market did not yet owe on `day`: it was registered after the slot's end that day (or later)."""
    return (Q(market__registered_at__date__gt=day)
            | Q(market__registered_at__date=day, market__registered_at__time__gt=F("ends")))


class CleaningRoundQuerySet(PlacedQuerySet):
    scope_street = "market__street"


class MarketInspectionQuerySet(PlacedQuerySet):
    scope_street = "market__street"


class MarketComplaintQuerySet(PlacedQuerySet):
    scope_street = "market__street"

    def open(self):
        return self.filter(status=ComplaintStatus.OPEN)

    def overdue(self, now: datetime):
        """Open past their deadline, or handled after it."""
        return self.filter(Q(status=ComplaintStatus.OPEN, due_at__lt=now)
                           | Q(status=ComplaintStatus.HANDLED, handled_at__gt=models.F("due_at")))


class MarketRepairQuerySet(PlacedQuerySet):
    scope_street = "market__street"

    def pending(self):
        return self.filter(status=RepairStatus.REPORTED)


class VolunteerPointQuerySet(PlacedQuerySet):
    scope_street = "market__street"


def cleaning_status(market_ids, day: date, now: datetime) -> dict:
    """{market id: [(slot, status, round or None)]} for `day` as seen at `now`: two queries however many
    markets. A slot is done (recorded by its end), late (recorded after it), missed (its end has passed with
    no record) or due."""
    from .choices import RoundStatus
    from .models import CleaningRound, CleaningSlot

    local = timezone.localtime(now)
    rounds = {r.slot_id: r for r in CleaningRound.objects.filter(market_id__in=market_ids, date=day)}
    out: dict = {pk: [] for pk in market_ids}
    slots = CleaningSlot.objects.filter(market_id__in=market_ids).exclude(not_owed_q(day))
    for slot in slots.order_by("market_id", "starts"):
        found = rounds.get(slot.pk)
        if found is not None:
            found.slot = slot
            status = RoundStatus.LATE if found.late else RoundStatus.DONE
        elif day < local.date() or (day == local.date() and local.time() >= slot.ends):
            status = RoundStatus.MISSED
        else:
            status = RoundStatus.DUE
        out[slot.market_id].append((slot, status, found))
    return out
