"""Farmers markets' services: cleaning rounds and the missed ones, complaint deadlines on the work calendar,
inspections with photos, repairs, scope."""
import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from bureau import clock
from bureau.api.exceptions import Conflict
from markets.farmers import services
from markets.farmers.choices import MarketCheck, RoundStatus
from markets.farmers.models import CleaningSlot, MarketComplaint
from markets.farmers.querysets import cleaning_status
from tests.markets.farmers_support import make_market

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SH)


def _png(name="p.png"):
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 10, 10)).save(out, format="PNG")
    out.seek(0)
    out.name = name
    return out


@pytest.fixture
def market(place, bureau_user):
    with clock.frozen(at(2026, 11, 26, 8, 0)):
        return make_market(bureau_user, place)


def test_a_new_market_owes_two_rounds_a_day_and_names_its_operator_as_a_party(market):
    # then
    assert [(s.starts, s.ends) for s in market.cleaning_slots.all()] == [(time(11), time(13)), (time(17, 30),
                                                                                                 time(19, 30))]
    assert market.operator.kind == "organisation" and market.operator.name == "古南街道市场开发有限公司"


def test_a_missed_round_shows_the_same_day_once_its_time_has_passed(market, place):
    # given: the morning round recorded, the afternoon one not
    morning, afternoon = CleaningSlot.objects.filter(market=market).order_by("starts")
    leader = place["leader_a"]
    with clock.frozen(at(2026, 11, 26, 12, 10)):
        services.cleaning_round_record(acting_user=leader, slot=morning, date=date(2026, 11, 26))

    # when: before the afternoon round's end, and after it, on the same day
    before = at(2026, 11, 26, 19, 0)
    after = at(2026, 11, 26, 19, 31)

    # then
    assert list(CleaningSlot.objects.missed_on(date(2026, 11, 26), before)) == []
    assert list(CleaningSlot.objects.missed_on(date(2026, 11, 26), after)) == [afternoon]
    statuses = [s for _slot, s, _r in cleaning_status([market.pk], date(2026, 11, 26), after)[market.pk]]
    assert statuses == [RoundStatus.DONE, RoundStatus.MISSED]
    assert [s for _slot, s, _r in cleaning_status([market.pk], date(2026, 11, 26), before)[market.pk]] == [
        RoundStatus.DONE, RoundStatus.DUE]


def test_a_round_recorded_after_its_time_is_late_and_a_second_record_is_a_conflict(market, place):
    morning = market.cleaning_slots.order_by("starts").first()
    with clock.frozen(at(2026, 11, 26, 14, 0)):
        row = services.cleaning_round_record(acting_user=place["officer_a1"], slot=morning, date=date(2026, 11, 26))
        assert row.late
        with pytest.raises(Conflict):
            services.cleaning_round_record(acting_user=place["leader_a"], slot=morning, date=date(2026, 11, 26))


def test_a_round_in_another_street_is_refused(market, place):
    morning = market.cleaning_slots.order_by("starts").first()
    with clock.frozen(at(2026, 11, 26, 12, 0)), pytest.raises(ValidationError) as exc:
        services.cleaning_round_record(acting_user=place["leader_b"], slot=morning, date=date(2026, 11, 26))
    assert "market" in exc.value.message_dict


def test_a_complaint_deadline_skips_the_national_day_holiday_and_counts_the_makeup_saturday(market, place):
    # given: a hygiene complaint (1 working day = 8 working hours) at 16:00 on 30 September 2026
    # when
    with clock.frozen(at(2026, 9, 30, 16, 0)):
        hygiene = services.market_complaint_receive(acting_user=place["leader_a"], market=market, kind="hygiene",
                                                    content="地面积水", phone="13912345678")
        facility = services.market_complaint_receive(acting_user=place["leader_a"], market=market,
                                                     kind="facility", content="顶棚漏雨")

    # then: 2 hours on the 30th; 1-7 October are holidays; 6 hours on Thursday the 8th (08:00-12:00, 14:00-16:00)
    assert hygiene.due_at == at(2026, 10, 8, 16, 0)
    # 3 working days: 2 h on the 30th, 8 on the 8th, 8 on the 9th, and 6 on Saturday the 10th, a 调休 workday
    assert facility.due_at == at(2026, 10, 10, 16, 0)
    assert hygiene.phone_masked == "139****5678" and "13912345678" not in str(MarketComplaint.objects.values())


def test_a_complaint_is_handled_once_by_the_street_not_by_an_officer(market, place):
    with clock.frozen(at(2026, 11, 26, 9, 0)):
        complaint = services.market_complaint_receive(acting_user=place["officer_a1"], market=market, kind="price",
                                                      content="未明码标价")
        with pytest.raises(PermissionDenied):
            services.market_complaint_handle(acting_user=place["officer_a1"], complaint=complaint, reply="已处理")
        handled = services.market_complaint_handle(acting_user=place["leader_a"], complaint=complaint,
                                                   reply="已责令明码标价")
        with pytest.raises(Conflict):
            services.market_complaint_handle(acting_user=place["leader_a"], complaint=complaint, reply="再次")
    assert handled.status == "handled" and not handled.is_overdue(handled.handled_at)


def test_an_inspection_keeps_its_checklist_and_photos_without_metadata(market, place):
    checklist = dict.fromkeys(MarketCheck.values, True) | {"hygiene": False}
    with clock.frozen(at(2026, 11, 26, 10, 0)):
        inspection = services.market_inspection_record(acting_user=place["leader_a"], market=market,
                                                       checklist=checklist, photos=[_png()])
    assert inspection.failed_count == 1 and inspection.failed_items() == ["环境卫生整洁"]
    photo = inspection.photos.get()
    assert photo.content_type == "image/png" and photo.display_file.name


@pytest.mark.parametrize("checklist", [{}, {"hygiene": True}, dict.fromkeys(MarketCheck.values, "yes"),
                                       {**dict.fromkeys(MarketCheck.values, True), "nope": True}, ["hygiene"]])
def test_an_incomplete_or_malformed_checklist_is_refused(market, place, checklist):
    with clock.frozen(at(2026, 11, 26, 10, 0)), pytest.raises(ValidationError) as exc:
        services.market_inspection_record(acting_user=place["leader_a"], market=market, checklist=checklist)
    assert "checklist" in exc.value.message_dict


def test_a_non_picture_is_refused_like_a_case_photo(market, place):
    bad = io.BytesIO(b"not a picture")
    bad.name = "x.png"
    with clock.frozen(at(2026, 11, 26, 10, 0)), pytest.raises(ValidationError) as exc:
        services.market_inspection_record(acting_user=place["leader_a"], market=market,
                                          checklist=dict.fromkeys(MarketCheck.values, True), photos=[bad])
    assert "photos" in exc.value.message_dict


def test_a_repair_is_reported_then_fixed_with_dates(market, place):
    with clock.frozen(at(2026, 11, 20, 10, 0)):
        repair = services.market_repair_report(acting_user=place["officer_a1"], market=market, facility="公平秤",
                                               description="失准")
    with clock.frozen(at(2026, 11, 26, 10, 0)):
        with pytest.raises(ValidationError):
            services.market_repair_fix(acting_user=place["leader_a"], repair=repair, fixed_on=date(2026, 11, 19))
        fixed = services.market_repair_fix(acting_user=place["leader_a"], repair=repair, note="已更换")
    assert (fixed.reported_on, fixed.fixed_on, fixed.status) == (date(2026, 11, 20), date(2026, 11, 26), "fixed")


def test_a_market_registered_after_a_slot_ended_did_not_miss_it(place, bureau_user):
    # given: a market registered at 15:00, after the morning slot (11:00-13:00) ended
    with clock.frozen(at(2026, 11, 26, 15, 0)):
        market = make_market(bureau_user, place, "b")
    # when: evening, after both slots' ends
    evening = at(2026, 11, 26, 20, 0)
    # then: only the afternoon slot was owed, and missed; the next day both are owed
    assert [s.name for s in CleaningSlot.objects.missed_on(date(2026, 11, 26), evening)] == ["下午保洁"]
    assert [status for _s, status, _r in cleaning_status([market.pk], date(2026, 11, 26), evening)[market.pk]] == [
        RoundStatus.MISSED]
    assert CleaningSlot.objects.missed_on(date(2026, 11, 27), at(2026, 11, 27, 20, 0)).count() == 2
