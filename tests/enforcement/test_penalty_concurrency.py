"""Real concurrent connections on PostgreSQL: of two approvals of one decision exactly one wins."""
import pytest

from bureau.accounts.choices import Role
from enforcement.models import PenaltyDecision, PenaltyStep
from enforcement.services import case_report
from enforcement.services.parties import party_register
from enforcement.services.penalties import PenaltyStateConflict, penalty_draft, penalty_step
from tests.conftest import client_for, make_user
from tests.enforcement.penalty_support import make_standard
from tests.enforcement.test_concurrency import run_together
from tests.factories import CommunityFactory, GridCellFactory, StreetFactory, centre_of, make_leader

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decision(transactional_db):
    street = StreetFactory(code="001")
    cell = GridCellFactory(community=CommunityFactory(street=street, code="001"))
    leader, bureau = make_leader(street), make_user("pc-bureau", Role.BUREAU)
    make_standard(bureau)
    party = party_register(acting_user=bureau, name="王某", phone="13700001234")
    lat, lng = centre_of(cell)
    case = case_report(acting_user=bureau, category="09006", lat=lat, lng=lng, description="占道经营",
                       source="supervision", party=party)
    draft = penalty_draft(acting_user=leader, case=case, level="severe", fine="4000", legal_basis="条例")
    penalty_step(acting_user=leader, decision=draft, action="approve_brigade")
    return {"decision": draft, "leader": leader, "bureau": bureau}


def test_two_concurrent_legal_reviews_one_wins(decision):
    # given a decision waiting for legal review, and two reviewers
    reviewers = [decision["bureau"], make_user("pc-bureau-2", Role.BUREAU)]
    pk = decision["decision"].pk

    def approve(i):
        try:
            penalty_step(acting_user=reviewers[i], decision=pk, action="approve_legal")
            return "won"
        except PenaltyStateConflict:
            return "conflict"

    # when both approve at the same moment
    results = run_together(2, approve)
    # then exactly one wins and one step is recorded
    assert sorted(results) == ["conflict", "won"]
    assert PenaltyDecision.objects.get(pk=pk).status == "approved"
    assert PenaltyStep.objects.filter(decision_id=pk, action="approve_legal").count() == 1


def test_two_concurrent_api_approvals_one_409(decision):
    pk = decision["decision"].pk
    url = f"/api/v1/penalties/{pk}/steps/"
    responses = run_together(2, lambda i: client_for(decision["bureau"]).post(
        url, {"action": "approve_legal"}, format="json"))
    assert sorted(r.status_code for r in responses) == [200, 409]
