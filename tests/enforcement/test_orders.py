"""Rectification orders: issued from a case to its party with a deadline on the work calendar, followed up,
escalated; numbered gaplessly; a PDF; overdue orders in the scoring indicator and the weekly bulletin."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bureau import clock
from enforcement.history import orders_overdue_by_street, overdue_orders
from enforcement.models import RectificationOrder
from enforcement.services.orders import (
    OrderForbidden,
    OrderStateConflict,
    deadline_after,
    order_escalate,
    order_follow_up,
    order_issue,
)
from enforcement.services.parties import party_register
from tests.enforcement.conftest import at

BASIS = "《城市市容和环境卫生管理条例》第十四条"


@pytest.fixture
def party(bureau_user):
    return party_register(acting_user=bureau_user, name="李四", id_number="360802198001011234")


@pytest.fixture
def case_with_party(report, party):
    def _make(**kwargs):
        return report(party=party, **kwargs)
    return _make


def issue(case, user, when=None, days=5, **extra):
    kwargs = {"acting_user": user, "case": case, "items": ["拆除违规搭建的雨棚", "清理占道物品"],
              "legal_basis": BASIS, "deadline_days": days, **extra}
    if when is None:
        return order_issue(**kwargs)
    with clock.frozen(when):
        return order_issue(**kwargs)


# ---------------------------------------------------------------------------------------------- deadline


def test_deadline_skips_the_national_day_holiday(db):
    # issued on 30 September 2026 with 5 working days: 1-7 October are holidays; 10 October (a Saturday)
    # is a working day, so the five days are 8, 9, 10, 12 and 13 October.
    deadline = timezone.localtime(deadline_after(at(2026, 9, 30, 10), 5))
    assert deadline.date().isoformat() == "2026-10-13"
    assert deadline.hour == 18


def test_deadline_of_a_friday_order_is_the_next_working_day(db):
    deadline = timezone.localtime(deadline_after(at(2026, 11, 20, 16), 1))  # a Friday
    assert deadline.date().isoformat() == "2026-11-23"


def test_issue_records_the_order(case_with_party, bureau_user, party):
    # given a case naming its party
    case = case_with_party(when=at(2026, 9, 29, 9))
    # when bureau staff issue an order on 30 September
    order = issue(case, bureau_user, when=at(2026, 9, 30, 10))
    # then it is numbered, names the case's party, and is due after the holiday
    assert order.number == "责改〔2026〕00001号"
    assert order.party == party and order.status == "issued"
    assert timezone.localtime(order.deadline).date().isoformat() == "2026-10-13"
    assert order.issuing_unit == "古南街道城市管理综合执法大队"
    assert order.issued_by == bureau_user and order.issued_at == at(2026, 9, 30, 10)


def test_numbers_are_gapless_per_year(case_with_party, bureau_user):
    case = case_with_party()
    numbers = [issue(case, bureau_user, when=when).number
               for when in (at(2026, 12, 30, 9), at(2026, 12, 31, 9), at(2027, 1, 4, 9))]
    assert numbers == ["责改〔2026〕00001号", "责改〔2026〕00002号", "责改〔2027〕00001号"]


def test_a_case_without_party_gets_no_order(report, bureau_user):
    with pytest.raises(ValidationError) as exc:
        issue(report(), bureau_user)
    assert "case" in exc.value.message_dict


@pytest.mark.parametrize("bad", [{"items": []}, {"items": "  "}, {"legal_basis": ""}, {"days": 0}, {"days": "x"},
                                 {"days": 91}])
def test_bad_orders_are_refused(case_with_party, bureau_user, bad):
    case = case_with_party()
    with pytest.raises(ValidationError):
        issue(case, bureau_user, **bad)


def test_only_the_case_street_leader_or_bureau_issues(case_with_party, place):
    case = case_with_party()
    for user in (place["leader_b"], place["officer_a1"]):
        with pytest.raises(OrderForbidden):
            issue(case, user)
    assert issue(case, place["leader_a"]).issued_by == place["leader_a"]


# ---------------------------------------------------------------------------------------------- follow-up


def test_follow_up_records_the_outcome_once(case_with_party, place):
    order = issue(case_with_party(), place["leader_a"])
    with clock.frozen(clock.now() + timezone.timedelta(days=3)):
        done = order_follow_up(acting_user=place["leader_a"], order=order, outcome="complied", note="已拆除")
    assert done.status == "complied" and done.followed_up_by == place["leader_a"] and done.followed_up_at
    with pytest.raises(OrderStateConflict):
        order_follow_up(acting_user=place["leader_a"], order=order, outcome="partly", note="again")


def test_follow_up_needs_a_known_outcome_and_a_note(case_with_party, bureau_user):
    order = issue(case_with_party(), bureau_user)
    with pytest.raises(ValidationError):
        order_follow_up(acting_user=bureau_user, order=order, outcome="maybe", note="x")
    with pytest.raises(ValidationError):
        order_follow_up(acting_user=bureau_user, order=order, outcome="partly", note=" ")


# ---------------------------------------------------------------------------------------------- escalation


@pytest.mark.parametrize("kind", ["penalty", "ban"])
def test_an_order_not_complied_with_is_escalated(case_with_party, place, kind):
    order = issue(case_with_party(), place["leader_a"])
    order_follow_up(acting_user=place["leader_a"], order=order, outcome="not_complied", note="未整改")
    done = order_escalate(acting_user=place["leader_a"], order=order, kind=kind, note="依法处理")
    assert done.status == "escalated" and done.escalation == kind and done.escalated_by == place["leader_a"]
    assert done.demolition_area_m2 is None


def test_a_demolition_is_the_bureau_s_with_area_and_a_time_to_remove(case_with_party, place, bureau_user):
    # given an order partly complied with, escalated on a Friday
    order = issue(case_with_party(), place["leader_a"], when=at(2026, 11, 16, 9))
    order_follow_up(acting_user=place["leader_a"], order=order, outcome="partly", note="部分拆除")
    # the street's leader may not decide a demolition; without an area nobody may
    with pytest.raises(OrderForbidden):
        order_escalate(acting_user=place["leader_a"], order=order, kind="demolition", note="强拆", area_m2="12")
    with pytest.raises(ValidationError):
        order_escalate(acting_user=bureau_user, order=order, kind="demolition", note="强拆")
    # when the bureau decides it
    with clock.frozen(at(2026, 11, 20, 10)):
        done = order_escalate(acting_user=bureau_user, order=order, kind="demolition", note="强拆",
                              area_m2="35.5")
    # then the area and the party's three working days to remove it themselves are recorded
    assert done.demolition_area_m2 == Decimal("35.50")
    assert timezone.localtime(done.self_removal_deadline).date().isoformat() == "2026-11-25"


@pytest.mark.parametrize("outcome", [None, "complied"])
def test_only_an_unmet_order_is_escalated(case_with_party, bureau_user, outcome):
    order = issue(case_with_party(), bureau_user)
    if outcome:
        order_follow_up(acting_user=bureau_user, order=order, outcome=outcome, note="ok")
    with pytest.raises(OrderStateConflict):
        order_escalate(acting_user=bureau_user, order=order, kind="penalty", note="x")


# ---------------------------------------------------------------------------------------------- readings


def test_overdue_orders_by_street(case_with_party, place, bureau_user):
    # given three orders due in the week of 16 November: one never followed up, one complied in time, one
    # complied after its deadline; and one in street 002 due the week after
    start, end = at(2026, 11, 16), at(2026, 11, 23)
    case_a, case_b = case_with_party(), case_with_party(cell="b1")
    unmet = issue(case_a, bureau_user, when=at(2026, 11, 13, 9), days=1)
    met = issue(case_a, bureau_user, when=at(2026, 11, 13, 9), days=2)
    late = issue(case_a, bureau_user, when=at(2026, 11, 13, 9), days=3)
    issue(case_b, bureau_user, when=at(2026, 11, 20, 9), days=5)
    with clock.frozen(at(2026, 11, 17, 9)):
        order_follow_up(acting_user=bureau_user, order=met, outcome="complied", note="按期整改")
    with clock.frozen(at(2026, 11, 20, 9)):
        order_follow_up(acting_user=bureau_user, order=late, outcome="complied", note="逾期整改")
    # then
    assert orders_overdue_by_street(start, end) == {place["a"].pk: 2}
    assert [o.pk for o in overdue_orders(start, end)[place["a"].pk]] == [unmet.pk, late.pk]
    assert set(RectificationOrder.objects.overdue(at(2026, 11, 22)).values_list("pk", flat=True)) == {unmet.pk}


def test_the_scoring_indicator_counts_overdue_orders(case_with_party, place, bureau_user):
    from inspections import scoring
    from inspections.models import ScoringScheme
    from inspections.periods import parse_period

    issue(case_with_party(), bureau_user, when=at(2026, 11, 13, 9), days=1)
    week = parse_period("week", "2026-W47")
    ind = scoring.period_indicators(week, [place["a"].pk, place["b"].pk])
    assert ind[place["a"].pk].orders_overdue == 1 and ind[place["b"].pk].orders_overdue == 0
    assert ind[place["a"].pk].as_json()["orders_overdue"] == 1 and "orders_overdue" not in ind[place["b"].pk].as_json()
    # a scheme may deduct for it
    scheme = ScoringScheme.objects.first()
    scheme.deductions = {"base": "10", "floor": "0", "per_item": {"orders_overdue": "1"}}
    scheme.full_clean()
    assert scoring.score(ind[place["a"].pk], scheme) < scoring.score(ind[place["b"].pk], scheme)


def test_overdue_orders_are_items_in_the_weekly_bulletin(case_with_party, place, bureau_user):
    from inspections.models import Bulletin
    from inspections.services.reports import report_compile_week

    order = issue(case_with_party(), bureau_user, when=at(2026, 11, 13, 9), days=1)
    with clock.frozen(at(2026, 11, 24, 9)):
        report_compile_week("2026-W47")
    streets = {s["street"]["code"]: s for s in Bulletin.objects.get(period="2026-W47").content["streets"]}
    assert [o["order"]["number"] for o in streets["001"]["orders"]] == [order.number]
    assert "orders" not in streets["002"]


# ---------------------------------------------------------------------------------------------- documents


def test_the_pdf_opens(case_with_party, bureau_user):
    from enforcement.documents import order_pdf

    order = issue(case_with_party(), bureau_user)
    data = order_pdf(order)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page/") >= 1
    assert b"STSong-Light" in data
