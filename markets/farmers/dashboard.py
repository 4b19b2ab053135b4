"""Dashboard tiles of farmers markets, in scope: rounds missed today (a warning as soon as a slot's time has
passed with no record) and complaints past their deadline."""
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock

from ..permissions import can_read_markets
from .models import CleaningSlot, FarmersMarket, MarketComplaint


def farmers_tiles(request):
    user = request.user
    if not can_read_markets(user):
        return []
    now = clock.now()
    markets = FarmersMarket.objects.visible_to(user)
    missed = CleaningSlot.objects.filter(market__in=markets).missed_on(timezone.localdate(now), now).count()
    overdue = MarketComplaint.objects.visible_to(user).open().filter(due_at__lt=now).count()
    url = reverse("markets:farmers:list")
    return [
        {"key": "farmers-missed-cleaning", "label": _("今日漏保洁"), "value": missed,
         "note": _("农贸市场保洁时段已过未记录") if missed else "", "url": url + "?missed=1",
         "tone": "red" if missed else "green"},
        {"key": "farmers-overdue-complaints", "label": _("超期未处理市场投诉"), "value": overdue, "note": "",
         "url": reverse("markets:farmers:complaints") + "?overdue=1&status=open", "tone": "red" if overdue else "green"},
    ]
