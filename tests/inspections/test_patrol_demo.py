"""The demo's patrol history: made through the services where findings become cases; a rerun changes nothing."""
import pytest
from django.core.management import call_command

from enforcement.models import Case
from inspections.models import PatrolFinding, PatrolReport

pytestmark = pytest.mark.django_db


def test_seed_demo_quick_makes_patrols_and_supervision_findings_once():
    # when
    call_command("seed_demo", quick=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    reports, findings = PatrolReport.objects.count(), PatrolFinding.objects.count()
    call_command("seed_demo", quick=True, stdout=open("/dev/null", "w"))  # noqa: SIM115

    # then
    assert reports > 20 and findings > 0
    assert (PatrolReport.objects.count(), PatrolFinding.objects.count()) == (reports, findings)
    assert PatrolReport.objects.filter(source="supervision").exists()
    assert PatrolReport.objects.filter(source="patrol", findings__isnull=True).exists()
    supervision_cases = Case.objects.filter(patrol_finding__report__source="supervision", self_handled=False)
    assert supervision_cases.exists()
    assert supervision_cases.filter(events__action="dispatch").exists()
    assert all(f.case_id for f in PatrolFinding.objects.all())
    # the field work beside the patrols, once
    from inspections.models import Campaign, ConstructionSite, Demolition, Rota, SiteInspection

    assert ConstructionSite.objects.count() == 6 and SiteInspection.objects.filter(failed_count__gt=0).count() <= 3
    assert Campaign.objects.count() == 1 and Rota.objects.exists() and Demolition.objects.exists()
    # a failed site item's order to the contractor, approvals of temporary occupation, duties taken off
    from enforcement.models import RectificationOrder
    from inspections.models import OccupationApproval, RotaDuty, SiteInspectionItem

    failed = SiteInspectionItem.objects.filter(result="failed")
    assert failed.count() == RectificationOrder.objects.filter(site_finding__in=failed).count()
    assert OccupationApproval.objects.count() == 2
    assert RotaDuty.objects.exclude(off_reason="").count() <= 2
