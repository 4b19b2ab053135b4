"""The deadline sweep: overdue (sticky), warning colours in working time, inbox messages, idempotence."""
import pytest

from bureau import clock
from enforcement.choices import CaseStatus, WarningLevel
from enforcement.models import Case, CaseEvent, Notification
from enforcement.services import case_sweep_deadlines
from enforcement.tasks import sweep_deadlines

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(place, report, act):
    """Dispatched Monday 09:20, due 15:20 (4 工作时 = 14,400 working seconds)."""
    case = report(when=at(2026, 11, 23, 9, 0))
    act(case, "register", when=at(2026, 11, 23, 9, 10))
    return act(case, "dispatch", when=at(2026, 11, 23, 9, 20))


def level(case):
    case.refresh_from_db()
    return case.warning_level


def test_green_yellow_red_and_overdue(place, dispatched):
    events_before = CaseEvent.objects.count()
    # 14:30: 3h10 of 4h used (79 %) → green
    case_sweep_deadlines(now=at(2026, 11, 23, 14, 30))
    assert level(dispatched) == WarningLevel.GREEN
    # 14:35: 3h15 used (81 %) → yellow, and the street's leader is told
    result = case_sweep_deadlines(now=at(2026, 11, 23, 14, 35))
    assert (level(dispatched), result["yellow"]) == (WarningLevel.YELLOW, 1)
    assert Notification.objects.filter(user=place["leader_a"], level="yellow").count() == 1
    # 15:21 → red and overdue
    result = case_sweep_deadlines(now=at(2026, 11, 23, 15, 21))
    dispatched.refresh_from_db()
    assert (dispatched.warning_level, dispatched.overdue, result["overdue"]) == (WarningLevel.RED, True, 1)
    assert Notification.objects.filter(user=place["leader_a"], level="red").count() == 1
    assert not Notification.objects.filter(user=place["leader_b"]).exists()
    # the sweep writes no events
    assert CaseEvent.objects.count() == events_before


def test_sweep_is_idempotent(place, dispatched):
    first = case_sweep_deadlines(now=at(2026, 11, 23, 15, 21))
    second = case_sweep_deadlines(now=at(2026, 11, 23, 15, 21))
    assert first["overdue"] == 1 and first["red"] == 1
    assert second == {"overdue": 0, "yellow": 0, "red": 0, "green": 0, "resumed": 0}
    assert Notification.objects.count() == 1


def test_overdue_is_sticky_after_handle(place, dispatched, act):
    case_sweep_deadlines(now=at(2026, 11, 23, 15, 21))
    case = act(dispatched, "handle", when=at(2026, 11, 23, 16, 0), user=place["leader_a"])
    case_sweep_deadlines(now=at(2026, 11, 23, 16, 5))
    case.refresh_from_db()
    assert case.overdue is True


def test_working_time_not_wall_time(place, dispatched):
    # at 12:30 (lunch) only 2h40 of 4h are used: 67 % → green although 3h10 of wall time have passed
    case_sweep_deadlines(now=at(2026, 11, 23, 12, 30))
    assert level(dispatched) == WarningLevel.GREEN


def test_the_dispatch_step_warns_bureau_staff(place, report, bureau_user):
    report(when=at(2026, 11, 23, 9, 0))  # due 10:00
    case_sweep_deadlines(now=at(2026, 11, 23, 9, 50))
    assert Notification.objects.filter(user=bureau_user, level="yellow").exists()


def test_a_year_long_suspension_resumes(place, dispatched, act):
    act(dispatched, "suspend", when=at(2026, 11, 23, 10, 20), note="挂账")
    assert case_sweep_deadlines(now=at(2027, 11, 22, 10, 0))["resumed"] == 0
    assert case_sweep_deadlines(now=at(2027, 11, 24, 9, 0))["resumed"] == 1
    dispatched.refresh_from_db()
    assert dispatched.status == CaseStatus.DISPATCHED
    assert dispatched.events.order_by("-seq").first().actor is None


def test_the_celery_task_runs_the_sweep(place, dispatched):
    with clock.frozen(at(2026, 11, 23, 15, 21)):
        sweep_deadlines.delay()
    assert Case.objects.get(pk=dispatched.pk).overdue is True


def test_inbox_page_lists_messages(client, place, dispatched):
    case_sweep_deadlines(now=at(2026, 11, 23, 15, 21))
    client.force_login(place["leader_a"])
    page = client.get("/cases/inbox/")
    assert page.status_code == 200
    assert dispatched.number in page.content.decode()
    client.post("/cases/inbox/")
    assert not Notification.objects.unread().exists()
