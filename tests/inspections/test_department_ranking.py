"""The weekly bulletin ranks the departments on their referrals (the seed's 联动机制), like the streets: the
on-time handling rate of the referrals whose handling deadline fell in the week. The fixture's numbers are
counted by hand below, case by case.

Category 06041 垃圾未分类: handle limit 1 working day. 2026-W47 is Monday 16 to Sunday 22 November.
"""
import pytest
from django.test import Client

from bureau import clock
from bureau.accounts.choices import Role
from enforcement.services import case_report, case_transition
from enforcement.services.departments import department_account_link
from inspections.models import Bulletin
from inspections.periods import WEEK, parse_period
from inspections.scoring import department_ranking
from inspections.services.reports import report_compile_week
from tests.conftest import client_for, make_user
from tests.enforcement.conftest import at, place  # noqa: F401 - the two-street district, backdated
from tests.enforcement.test_api import jpeg
from tests.factories import centre_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(place, bureau_user, security_user):  # noqa: F811
    hw, sc = make_user("dept-HW", Role.DEPARTMENT), make_user("dept-SC", Role.DEPARTMENT)
    department_account_link(acting_user=security_user, user=hw, department="HW")
    department_account_link(acting_user=security_user, user=sc, department="SC")
    lat, lng = centre_of(place["a1"])

    def step(case, action, when, user=None, **params):
        with clock.frozen(when):
            return case_transition(acting_user=user or bureau_user, case=case, action=action, note="说明", **params)

    def dispatched(unit, when):
        with clock.frozen(when):
            case = case_report(acting_user=bureau_user, category="06041", lat=lat, lng=lng, description="垃圾未分类",
                               source="supervision")
        step(case, "register", when)
        return step(case, "dispatch", when, unit=unit)

    # c1 HW: dispatched Mon 09:20, deadline Tue 09:20, handled Mon 16:00 -> due, on time
    c1 = dispatched("HW", at(2026, 11, 16, 9, 20))
    step(c1, "handle", at(2026, 11, 16, 16, 0), user=hw, photos=[jpeg()])
    # c2 HW: dispatched Tue 09:20, deadline Wed 09:20, handled Thu 10:00 -> due, late
    c2 = dispatched("HW", at(2026, 11, 17, 9, 20))
    step(c2, "accept", at(2026, 11, 17, 10, 0), user=hw)
    step(c2, "handle", at(2026, 11, 19, 10, 0), user=hw, photos=[jpeg()])
    # c3 HW: dispatched Wed 09:20, deadline Thu 09:20, never handled -> due, late
    dispatched("HW", at(2026, 11, 18, 9, 20))
    # c4 HW: dispatched Thu, refused the same morning -> received and refused, not due
    c4 = dispatched("HW", at(2026, 11, 19, 9, 20))
    step(c4, "refuse", at(2026, 11, 19, 11, 0), user=hw)
    # c5 SC: dispatched Mon 09:20, accepted, handled Tue 09:00 -> due, on time
    c5 = dispatched("SC", at(2026, 11, 16, 9, 20))
    step(c5, "accept", at(2026, 11, 16, 10, 0), user=sc)
    step(c5, "handle", at(2026, 11, 17, 9, 0), user=sc, photos=[jpeg()])
    # c6 SC: dispatched Fri, deadline next Monday -> received only
    dispatched("SC", at(2026, 11, 20, 9, 20))
    # c7: the brigade's, not a referral -> nowhere here
    dispatched("brigade", at(2026, 11, 16, 9, 20))
    # c8 HW: dispatched the Friday before (W46) 16:00, deadline Mon 16:00, handled Mon 10:00 -> due, on time
    c8 = dispatched("HW", at(2026, 11, 13, 16, 0))
    step(c8, "handle", at(2026, 11, 16, 10, 0), user=hw, photos=[jpeg()])
    return {"hw": hw, "sc": sc}


# counted by hand from the fixture above
HAND_COUNT = [
    {"rank": 1, "department": {"code": "SC", "name": "区市场监督管理局"},
     "counts": {"received": 2, "refused": 0, "due_count": 1, "on_time_count": 1, "on_time_rate": 1.0}},
    {"rank": 2, "department": {"code": "HW", "name": "区环卫中心"},
     "counts": {"received": 4, "refused": 1, "due_count": 4, "on_time_count": 2, "on_time_rate": 0.5}},
]


def test_the_department_ranking_equals_a_hand_count(referrals, django_assert_max_num_queries):
    week = parse_period(WEEK, "2026-W47")
    # four statements however many referrals (and the facts' savepoint and planner settings)
    with clock.frozen(at(2026, 11, 24, 10, 0)), django_assert_max_num_queries(8):
        rows = department_ranking(week)
    assert rows == HAND_COUNT


def test_the_weekly_bulletin_carries_the_department_ranking(referrals, bureau_user):
    # when the week is compiled
    with clock.frozen(at(2026, 11, 24, 10, 0)):
        report_compile_week("2026-W47")
    # then the published bulletin holds the ranking, over the API and on the page, and a recompile is unchanged
    bulletin = Bulletin.objects.get(period="2026-W47")
    assert bulletin.content["departments"] == HAND_COUNT
    response = client_for(bureau_user).get("/api/v1/bulletins/weekly/2026-W47/")
    assert response.status_code == 200 and response.json()["departments"] == HAND_COUNT
    web = Client()
    web.force_login(bureau_user)
    page = web.get("/inspections/bulletins/2026-W47/").content.decode()
    assert 'id="bulletin-departments"' in page and "区环卫中心" in page
    with clock.frozen(at(2026, 11, 25, 10, 0)):
        assert report_compile_week("2026-W47").status == "unchanged"


def test_a_week_without_referrals_has_no_department_section(place, bureau_user):  # noqa: F811
    with clock.frozen(at(2026, 11, 24, 10, 0)):
        report_compile_week("2026-W47")
    assert "departments" not in Bulletin.objects.get(period="2026-W47").content
