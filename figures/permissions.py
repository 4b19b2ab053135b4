"""Who reads the figures: bureau staff (the district) and street leaders (their street). Grid officers, the
API client and the auditor do not: the figures sum up the brigades' work, which is the leaders' and the
bureau's to report."""
from django.utils.translation import gettext_lazy as _

from bureau.accounts.permissions import READ, AudiencePermission, bureau_staff, street_leader


def may_read_statistics(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and user.is_active
                and (user.is_bureau_staff or user.is_street_leader))


class StatisticsPermission(AudiencePermission):
    """Bureau staff and street leaders read the statistics; nobody writes them."""

    rights = ((bureau_staff, READ), (street_leader, READ))
    message = _("只有区局和街道执法大队长可以查看统计数据")
