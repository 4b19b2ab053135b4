"""Who may do what in inspections, in one place: the API permission classes, the pages, the navigation and the
services ask here.

Construction sites: bureau staff and street leaders register and inspect them (a leader in their street),
grid officers read the sites in their cells; muck-transport approvals are the bureau's to issue and every
member of field staff reads those crossing their street.

Two audiences: the patrol reports (file, read, amend, coverage) belong to street leaders and bureau staff; the
published assessment (rankings, bulletins) is read by every member of field staff, and over the API by the
API client too.
"""
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bureau.accounts.permissions import (
    ALL,
    READ,
    AudiencePermission,
    IsApiClientOrFieldStaffReader,
    IsBureauStaffOrStreetLeader,
    bureau_staff,
    field_staff,
    grid_officer,
    street_leader,
)


def may_patrol(user) -> bool:
    """Street leaders and bureau staff use the patrol reports: the form, the list, coverage."""
    return bool(user and user.is_authenticated and (user.is_bureau_staff or user.is_street_leader))


def may_file(user) -> bool:
    """Who may file a patrol report: the patrol audience (a leader for their street, the bureau anywhere)."""
    return may_patrol(user)


def may_amend(user, report) -> bool:
    """Bureau staff amend any report; a street leader only their own (until it locks, which the service checks)."""
    if user.is_bureau_staff:
        return True
    return user.is_street_leader and report.leader_id == user.pk


def may_report_problem(user) -> bool:
    """The grid officer's phone form: one problem in their own cells."""
    return bool(user and user.is_authenticated and user.is_grid_officer)


def may_read_assessment(user) -> bool:
    """The rankings and bulletin pages and their dashboard tiles: field staff."""
    return field_staff(user)


class PatrolReportPermission(IsBureauStaffOrStreetLeader):
    """Street leaders and bureau staff read and file reports; every other role gets 403."""

    message = gettext("只有街道执法大队长和区局督查人员可以使用巡查日报")


class ReportReaderPermission(IsApiClientOrFieldStaffReader):
    """Rankings and bulletins: bureau staff, street leaders, grid officers and the API client (read only)."""

    message = _("您的角色不能查看排名和通报")


# ---------------------------------------------------------------------------------------------- sites


def may_inspect_sites(user) -> bool:
    """Who registers and inspects construction sites: bureau staff anywhere, a street leader in their street."""
    return may_patrol(user)


def may_read_sites(user) -> bool:
    """The site file, the census and the approvals: field staff (each within their scope)."""
    return field_staff(user)


def may_approve_muck(user) -> bool:
    """Muck transport crosses streets: the bureau issues its approvals."""
    return bool(user and user.is_authenticated and user.is_bureau_staff)


class OccupationApprovalPermission(AudiencePermission):
    """Temporary occupation approvals: bureau staff issue them, leaders and grid officers read and check them."""

    rights = ((bureau_staff, ALL), (street_leader, READ), (grid_officer, READ))
    message = _("只有区局可以审批临时占道")


class SitePermission(AudiencePermission):
    """Sites and their inspections: bureau staff and street leaders read and write, grid officers read."""

    rights = ((bureau_staff, ALL), (street_leader, ALL), (grid_officer, READ))
    message = _("您的角色不能登记或检查建筑工地")


class MuckApprovalPermission(AudiencePermission):
    """Muck-transport approvals: bureau staff issue them, leaders and grid officers read them."""

    rights = ((bureau_staff, ALL), (street_leader, READ), (grid_officer, READ))
    message = _("只有区局可以核准渣土运输")


# ---------------------------------------------------------------------------------------------- campaigns


def may_plan_campaigns(user) -> bool:
    """Campaigns are the bureau's plan; field staff read them and their progress."""
    return bool(user and user.is_authenticated and user.is_bureau_staff)


class CampaignPermission(AudiencePermission):
    """Campaigns: bureau staff plan them; street leaders and grid officers read them and their progress."""

    rights = ((bureau_staff, ALL), (street_leader, READ), (grid_officer, READ))
    message = _("只有区局可以部署专项整治")


class DemolitionPermission(AudiencePermission):
    """Demolitions: bureau staff and street leaders record them (a leader in their street), officers read."""

    rights = ((bureau_staff, ALL), (street_leader, ALL), (grid_officer, READ))
    message = _("您的角色不能登记违建拆除")


class RotaPermission(IsBureauStaffOrStreetLeader):
    """Squads, key points and rotas: bureau staff and street leaders (a leader: their street's)."""

    message = _("只有街道执法大队长和区局督查人员可以使用排班")
