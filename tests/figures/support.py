"""A small district with one or a few rows behind every figure, in 2026 (the year counted), in 2025 (last year)
and outside, so each figure's hand count and rows are known. Cases are walked through the real case services
(closes on time are read from their history); the rest are plain rows, as the services would leave them."""
from datetime import date
from decimal import Decimal

import pytest

from bureau import clock
from tests.factories import GridCellFactory, centre_of, make_officer
from tests.inspections import reports_support
from tests.inspections.reports_support import at

place, walker = reports_support.place, reports_support.walker  # fixtures

YEAR = 2026


class World(dict):
    """name -> row; `pks(*names)` the set of their primary keys."""

    def pks(self, *names):
        return {self[n].pk for n in names}


def _cases(w, walker):
    from enforcement.services import case_transition

    # A: referred to a department, closed on time in 2026 (street a); B: closed late (b); C: referred to a
    # department, never handled (a, hotline); D: self-handled on the spot (b, patrol); E: rejected (a);
    # F: closed in 2025 (a)
    # A is referred to 区环卫中心 (HW) and handled for it by bureau staff
    case_a = walker.report(at(2026, 3, 2, 8, 57))
    walker.act(case_a, "register", at(2026, 3, 2, 8, 58))
    walker.act(case_a, "dispatch", at(2026, 3, 2, 9), unit="HW")
    with clock.frozen(at(2026, 3, 2, 11)):
        case_transition(acting_user=w["bureau"], case=case_a, action="handle", note="环卫中心已处理")
    w["case_A"] = walker.act(case_a, "close", at(2026, 3, 2, 12))
    w["case_B"] = walker.closed(at(2026, 3, 3, 9), at(2026, 3, 3, 15), at(2026, 3, 3, 16), cell="b1")
    # C is referred: dispatched to 区环卫中心 (HW), not to the street's brigade
    case_c = walker.report(at(2026, 4, 1, 9, 57), source="hotline")
    walker.act(case_c, "register", at(2026, 4, 1, 9, 58))
    w["case_C"] = walker.act(case_c, "dispatch", at(2026, 4, 1, 10), unit="HW")
    w["case_D"] = walker.report(at(2026, 5, 1, 9), cell="b1", source="patrol", self_handled=True)
    case_e = walker.report(at(2026, 5, 2, 9))
    w["case_E"] = walker.act(case_e, "reject", at(2026, 5, 2, 10))
    w["case_F"] = walker.closed(at(2025, 6, 2, 9), at(2025, 6, 2, 10), at(2025, 6, 2, 11))


def _orders_and_penalties(w, bureau):
    from enforcement.models import (
        DiscretionStandard,
        Party,
        PenaltyDecision,
        PenaltyStep,
        RectificationOrder,
    )

    party = Party.objects.create(name="张某", created_at=at(2025, 1, 1))
    w["party"] = party

    def order(name, case, issued, **extra):
        w[name] = RectificationOrder.objects.create(
            number=f"ORD-{name}", case=case, party=party, facts="占道", items=["清理"], legal_basis="条例",
            deadline_days=5, deadline=issued.replace(day=min(issued.day + 7, 28)), issuing_unit="大队",
            signer_name="李", issued_at=issued, issued_by=bureau, **extra)

    order("order_1", w["case_A"], at(2026, 3, 5, 9), status="complied", outcome="complied",
          followed_up_at=at(2026, 3, 20, 9))
    order("order_2", w["case_F"], at(2025, 11, 1, 9), status="escalated", escalation="demolition",
          escalated_at=at(2026, 2, 1, 9), demolition_area_m2=Decimal("40"))
    order("order_3", w["case_B"], at(2026, 6, 1, 9))
    standard = DiscretionStandard.objects.create(version=1, name="基准", rules=[
        {"category": "10001", "level": "general", "fine_min": "200", "fine_max": "1000"}], created_at=at(2025, 1, 1))

    def penalty(name, case, level, fine, status, drafted, low=Decimal(0), high=Decimal(5000), **extra):
        w[name] = PenaltyDecision.objects.create(
            number=f"PEN-{name}", case=case, party=party, standard=standard, category=case.category, level=level,
            facts="占道", legal_basis="条例", fine=fine, fine_min=low, fine_max=high, status=status,
            drafted_at=drafted, drafted_by=bureau, **extra)

    penalty("penalty_1", w["case_A"], "general", Decimal(500), "paid", at(2026, 3, 10, 9), paid_amount=Decimal(500))
    PenaltyStep.objects.create(decision=w["penalty_1"], seq=1, action="pay", to_status="paid", actor=bureau,
                               recorded_at=at(2026, 3, 15, 9))
    penalty("penalty_2", w["case_B"], "serious", Decimal(2000), "approved", at(2026, 4, 1, 9))
    penalty("penalty_3", w["case_C"], "general", Decimal(300), "pending_brigade", at(2026, 4, 2, 9))
    penalty("penalty_4", w["case_A"], "slight", Decimal(0), "approved", at(2026, 5, 1, 9), first_offence=True)
    penalty("penalty_5", w["case_F"], "general", Decimal(300), "approved", at(2025, 7, 1, 9))


def _patrols(w, place):
    from inspections.models import PatrolReport

    def report(name, day, street, counts, leader, source="patrol"):
        start = at(day.year, day.month, day.day, 9)
        w[name] = PatrolReport.objects.create(
            source=source, street=street, leader=leader, date=day, shift="day", started_at=start,
            ended_at=start.replace(hour=11), counts=counts, recorded_at=start, updated_at=start)

    report("report_1", date(2026, 3, 1), place["a"], {"shops_regulated": 5, "vendors_persuaded": 3}, place["leader_a"])
    report("report_2", date(2026, 3, 2), place["b"], {"shops_regulated": 2}, place["leader_b"])
    report("report_3", date(2025, 12, 31), place["a"], {"shops_regulated": 100}, place["leader_a"])
    report("report_4", date(2026, 4, 1), None, {"ads_removed": 1}, w["bureau"], source="supervision")


def _sites_and_demolitions(w, place, bureau):
    from inspections.models import ConstructionSite, Demolition, DustCheckItem, SiteInspection, SiteInspectionItem

    def site(name, cell, signed):
        lat, lng = centre_of(place[cell])
        w[name] = ConstructionSite.objects.create(
            name=name, developer="建设", contractor="施工", street=place[cell].street, grid=place[cell], lat=lat,
            lng=lng, starts_on=date(2025, 1, 1), agreement_signed_on=signed, registered_by=bureau,
            registered_at=at(2025, 1, 1))

    site("site_1", "a1", date(2026, 2, 1))
    site("site_2", "b1", date(2025, 5, 1))

    def inspection(name, site_name, day):
        w[name] = SiteInspection.objects.create(
            site=w[site_name], inspector=bureau, source="supervision", inspected_at=at(day.year, day.month, day.day, 9),
            date=day, recorded_at=at(day.year, day.month, day.day, 9))

    item = DustCheckItem.objects.order_by("order").first()
    inspection("inspection_1", "site_1", date(2026, 3, 1))
    inspection("inspection_2", "site_1", date(2026, 3, 15))
    inspection("inspection_3", "site_2", date(2025, 10, 1))
    w["item_1"] = SiteInspectionItem.objects.create(inspection=w["inspection_1"], item=item, result="failed",
                                                    resolved_by=w["inspection_2"])
    w["item_2"] = SiteInspectionItem.objects.create(inspection=w["inspection_2"], item=item, result="passed")
    w["item_3"] = SiteInspectionItem.objects.create(inspection=w["inspection_3"], item=item, result="failed")

    def demolition(name, cell, day, area, forced, **extra):
        lat, lng = centre_of(place[cell])
        w[name] = Demolition.objects.create(
            site=name, street=place[cell].street, grid=place[cell], lat=lat, lng=lng, party_name="张某",
            area_m2=Decimal(area), demolished_on=day, forced=forced, recorded_by=bureau,
            recorded_at=at(day.year, day.month, day.day, 12), **extra)

    demolition("demolition_1", "a1", date(2026, 4, 1), "120.5", True, case=w["case_A"])
    demolition("demolition_2", "b1", date(2026, 5, 1), "30", False, order_reference="ORD-X")
    demolition("demolition_3", "a1", date(2025, 5, 1), "10", False, order_reference="ORD-Y")


def _campaigns(w, bureau):
    from inspections.models import Campaign, CampaignTarget

    w["campaign_1"] = Campaign.objects.create(name="百日攻坚", starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 31),
                                              created_by=bureau, created_at=at(2026, 2, 1))
    w["target_1"] = CampaignTarget.objects.create(campaign=w["campaign_1"], label="规范超店经营",
                                                  indicator="patrol_count", count_code="shops_regulated",
                                                  target=Decimal(5), unit="户", order=1)
    w["target_2"] = CampaignTarget.objects.create(campaign=w["campaign_1"], label="拆除违建", indicator="demolitions",
                                                  target=Decimal(10), unit="处", order=2)
    w["campaign_2"] = Campaign.objects.create(name="去年整治", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 31),
                                              created_by=bureau, created_at=at(2025, 2, 1))


def _commerce(w, place, bureau):
    from markets.models import (
        OutdoorAd,
        Shop,
        StallPermit,
        Vendor,
        VendorSlot,
        VendorZone,
    )
    from markets.services import frontage_agreement_sign, outdoor_ad_expire_due, outdoor_ad_set_status

    w["zone_1"] = VendorZone.objects.create(street=place["a"], kind="fixed_stall", name="古南摊点")
    w["zone_2"] = VendorZone.objects.create(street=place["b"], kind="fixed_stall", name="停用摊点", is_active=False)
    w["zone_3"] = VendorZone.objects.create(street=place["b"], kind="seasonal", name="西瓜点",
                                            valid_from=date(2025, 6, 1), valid_to=date(2025, 8, 31))
    vendor = Vendor.objects.create(name="王某", created_at=at(2025, 1, 1))
    slot_1 = VendorSlot.objects.create(zone=w["zone_1"], number="1")
    slot_2 = VendorSlot.objects.create(zone=w["zone_1"], number="2")

    def permit(name, slot, first, last, status, issued, **extra):
        w[name] = StallPermit.objects.create(vendor=vendor, zone=w["zone_1"], slot=slot, valid_from=first,
                                             valid_to=last, status=status, issued_at=issued, **extra)

    permit("permit_1", slot_1, date(2026, 1, 1), date(2026, 12, 31), "active", at(2025, 12, 20, 9))
    permit("permit_2", slot_1, date(2025, 1, 1), date(2025, 12, 31), "expired", at(2025, 1, 1, 9))
    permit("permit_3", slot_2, date(2026, 2, 1), date(2027, 1, 31), "revoked", at(2026, 2, 1, 9),
           revoked_at=at(2026, 6, 1, 9))

    def shop(name, street, active=True):
        w[name] = Shop.objects.create(name=name, address="井冈山大道", street=street, is_active=active)

    shop("shop_1", place["a"])
    shop("shop_2", place["b"])
    shop("shop_3", place["b"])
    shop("shop_4", place["a"], active=False)
    # agreements are signed through the service, which numbers each shop's versions: shop_2 re-signs in 2026
    # (version 2, a signing of the year; the shop was covered already), shop_3 signs only in 2027
    for name, shop_name, signed, kind in (
            ("agreement_1", "shop_1", date(2026, 3, 1), "five"), ("agreement_2", "shop_2", date(2025, 1, 1), "five"),
            ("agreement_3", "shop_4", date(2026, 4, 1), "five"), ("agreement_4", "shop_2", date(2026, 5, 1), "five"),
            ("agreement_5", "shop_3", date(2027, 1, 10), "three")):
        with clock.frozen(at(signed.year, signed.month, signed.day, 10)):
            w[name] = frontage_agreement_sign(acting_user=bureau, shop=w[shop_name], signed_on=signed,
                                              signer_name="店主", kind=kind)
    assert (w["agreement_4"].version, w["agreement_5"].kind) == (2, "three")
    w["ad_1"] = OutdoorAd.objects.create(owner="甲公司", location="路口", street=place["a"], kind="ad",
                                         registered_at=at(2025, 1, 1))
    w["ad_2"] = OutdoorAd.objects.create(owner="乙公司", location="桥头", street=place["b"], kind="ad",
                                         registered_at=at(2025, 1, 1))
    with clock.frozen(at(2026, 5, 1, 9)):
        outdoor_ad_set_status(acting_user=bureau, ad=w["ad_1"], status="removed", reason="无审批")
    # ad_3's removal order (order_1's follow-up found it complied with on 2026-03-20): the daily job marks it
    # removed the next day; ad_4 was taken down by hand in 2025
    w["ad_3"] = OutdoorAd.objects.create(owner="丙公司", location="街口", street=place["a"], kind="ad",
                                         registered_at=at(2025, 1, 1), removal_order=w["order_1"])
    with clock.frozen(at(2026, 3, 21, 2)):
        assert outdoor_ad_expire_due()["removed"] == 1
    w["ad_4"] = OutdoorAd.objects.create(owner="丁公司", location="桥下", street=place["b"], kind="ad",
                                         registered_at=at(2025, 1, 1))
    w["ad_5"] = OutdoorAd.objects.create(owner="区文明办", location="广场", street=place["a"], kind="public_service",
                                         registered_at=at(2026, 2, 1))
    with clock.frozen(at(2025, 9, 1, 9)):
        outdoor_ad_set_status(acting_user=bureau, ad=w["ad_4"], status="removed", reason="无审批")


def _grid(w, place):
    from grids.models import OfficerAssignment

    w["cell_b3"] = GridCellFactory(community=place["b1"].community, valid_to=date(2025, 6, 30))
    w["officer_a1"] = place["officer_a1"]
    former = make_officer([place["b1"]], username="officer-former")
    OfficerAssignment.objects.filter(officer=former).update(start=at(2024, 1, 1), end=at(2025, 12, 1))
    w["officer_former"] = former


def _new_work(w, place, bureau):
    """Farmers markets, joint operations, occupation approvals and repeat offenders (plain rows, as their
    services leave them; cases and orders are pointed at the operation as its results record them)."""
    from enforcement.models import Case, JointOperation, Party, RectificationOrder
    from inspections.models import OccupationApproval
    from markets.models import FarmersMarket, MarketComplaint, MarketInspection

    def market(name, street, active=True):
        lat, lng = centre_of(place["a1" if street == place["a"] else "b1"])
        w[name] = FarmersMarket.objects.create(street=street, name=name, address="井冈山大道", lat=lat, lng=lng,
                                               is_active=active, registered_at=at(2025, 1, 1))

    market("market_1", place["a"])
    market("market_2", place["b"], active=False)  # closed since: not in business, its past work still counts
    for name, market_name, day in (("market_inspection_1", "market_1", at(2026, 3, 1, 9)),
                                   ("market_inspection_2", "market_2", at(2026, 3, 2, 9)),
                                   ("market_inspection_3", "market_1", at(2025, 11, 1, 9))):
        w[name] = MarketInspection.objects.create(market=w[market_name], inspector=bureau, inspected_at=day,
                                                  date=day.date(), recorded_at=day)

    def complaint(name, market_name, received, due, handled=None):
        w[name] = MarketComplaint.objects.create(
            market=w[market_name], kind="hygiene", content="地面脏", received_at=received, due_at=due,
            status="handled" if handled else "open", handled_at=handled, handled_by=bureau if handled else None,
            recorded_by=bureau)

    complaint("complaint_1", "market_1", at(2026, 4, 1, 9), at(2026, 4, 2, 9), handled=at(2026, 4, 1, 15))
    complaint("complaint_2", "market_2", at(2026, 4, 2, 9), at(2026, 4, 3, 9), handled=at(2026, 4, 5, 9))  # late
    complaint("complaint_3", "market_1", at(2026, 5, 1, 9), at(2026, 5, 2, 9))  # still open
    complaint("complaint_4", "market_1", at(2025, 12, 30, 9), at(2025, 12, 31, 9), handled=at(2025, 12, 30, 15))

    def operation(name, day, *streets):
        w[name] = JointOperation.objects.create(number=f"OP-{name}", name=name, date=day, created_by=bureau,
                                                created_at=at(day.year, day.month, day.day, 8))
        w[name].streets.set([place[s] for s in streets])

    operation("operation_1", date(2026, 6, 1), "a", "b")
    operation("operation_2", date(2025, 6, 1), "a")
    Case.objects.filter(pk=w["case_B"].pk).update(operation=w["operation_1"])
    Case.objects.filter(pk=w["case_F"].pk).update(operation=w["operation_2"])
    RectificationOrder.objects.filter(pk=w["order_3"].pk).update(operation=w["operation_1"])
    RectificationOrder.objects.filter(pk=w["order_2"].pk).update(operation=w["operation_2"])

    def approval(name, approved, *streets):
        w[name] = OccupationApproval.objects.create(
            number=f"OA-{name}", kind="road_promotion", title="门前促销", applicant="商场",
            geometry={"type": "Point", "coordinates": [106.5, 29.5]}, valid_from=approved.date(),
            valid_to=date(2026, 12, 31), hours_from="09:00", hours_to="21:00", approved_by=bureau,
            approved_at=approved)
        w[name].streets.set([place[s] for s in streets])

    approval("approval_1", at(2026, 2, 1, 9), "a")
    approval("approval_2", at(2025, 12, 1, 9), "a", "b")  # in force in 2026, approved the year before

    # 张某 (w["party"]) is found in street a (case A) and street b (case B): a repeat offender of 2026; 李某 in
    # street a twice (C, F: F is of 2025); 赵某 in b (D) and in a only by a rejected case (E)
    li, zhao = (Party.objects.create(name=n, created_at=at(2025, 1, 1)) for n in ("李某", "赵某"))
    w["party_li"], w["party_zhao"] = li, zhao
    Case.objects.filter(pk__in=w.pks("case_A", "case_B")).update(party=w["party"])
    Case.objects.filter(pk__in=w.pks("case_C", "case_F")).update(party=li)
    Case.objects.filter(pk__in=w.pks("case_D", "case_E")).update(party=zhao)


@pytest.fixture
def world(place, walker, bureau_user):
    w = World(place)
    w["bureau"] = bureau_user
    _cases(w, walker)
    _orders_and_penalties(w, bureau_user)
    _patrols(w, place)
    _sites_and_demolitions(w, place, bureau_user)
    _campaigns(w, bureau_user)
    _commerce(w, place, bureau_user)
    _grid(w, place)
    _new_work(w, place, bureau_user)
    return w


def expected(w) -> dict:
    """Per figure of 2026, district-wide, by hand: (the rows it counts, its value)."""
    p = w.pks
    return {
        "cases_reported": (p("case_A", "case_B", "case_C", "case_D", "case_E"), 5),
        "cases_self_handled": (p("case_D"), 1),
        "cases_closed": (p("case_A", "case_B"), 2),
        "cases_closed_on_time": (p("case_A"), 1),
        "cases_outcome_closed": (p("case_A", "case_B", "case_D"), 3),
        "cases_outcome_open": (p("case_C"), 1),
        "cases_outcome_suspended": (set(), 0),
        "cases_outcome_rejected": (p("case_E"), 1),
        "cases_source_supervision": (p("case_A", "case_B", "case_E"), 3),
        "cases_source_patrol": (p("case_D"), 1),
        "cases_source_grid_officer": (set(), 0),
        "cases_source_hotline": (p("case_C"), 1),
        "cases_source_open311": (set(), 0),
        "cases_source_other": (set(), 0),
        "cases_major_06": (set(), 0), "cases_major_07": (set(), 0), "cases_major_08": (set(), 0),
        "cases_major_09": (set(), 0),
        "cases_major_10": (p("case_A", "case_B", "case_C", "case_D", "case_E"), 5),
        "patrol_reports": (p("report_1", "report_2", "report_4"), 3),
        "patrol_shops_regulated": (p("report_1", "report_2"), 7),
        "patrol_vendors_persuaded": (p("report_1"), 3),
        "patrol_ads_removed": (p("report_4"), 1),
        "patrol_stalls_removed": (set(), 0), "patrol_occupations_cleared": (set(), 0),
        "patrol_illegal_buildings": (set(), 0), "patrol_sites_inspected": (set(), 0),
        "vendor_zones": (p("zone_1"), 1),
        "stall_permits_issued": (p("permit_3"), 1),
        "stall_permits_in_force": (p("permit_1", "permit_3"), 2),
        "frontage_agreements_signed": (p("agreement_1", "agreement_3", "agreement_4"), 3),
        "shops_registered": (p("shop_1", "shop_2", "shop_3"), 3),
        "shops_covered": (p("shop_1", "shop_2"), 2),
        "ads_removed": (p("ad_1", "ad_3"), 2),
        "ads_standing": (p("ad_2", "ad_5"), 2),  # ads 1, 3 and 4 are removed
        "ads_public_service": (p("ad_5"), 1),
        "site_inspections": (p("inspection_1", "inspection_2"), 2),
        "sites_inspected": (p("site_1"), 1),
        "site_items_failed": (p("item_1"), 1),
        "site_items_rectified": (p("item_1"), 1),
        "site_agreements_signed": (p("site_1"), 1),
        "demolitions": (p("demolition_1", "demolition_2"), 2),
        "demolitions_forced": (p("demolition_1"), 1),
        "demolished_area": (p("demolition_1", "demolition_2"), Decimal("150.5")),
        "orders_issued": (p("order_1", "order_3"), 2),
        "orders_complied": (p("order_1"), 1),
        "orders_escalated": (p("order_2"), 1),
        "penalties_decided": (p("penalty_1", "penalty_2", "penalty_4"), 3),
        "penalties_first_offence": (p("penalty_4"), 1),
        "penalties_slight": (p("penalty_4"), 1),
        "penalties_general": (p("penalty_1"), 1),
        "penalties_serious": (p("penalty_2"), 1),
        "penalties_severe": (set(), 0),
        "fines_total": (p("penalty_1", "penalty_2", "penalty_4"), Decimal(2500)),
        "fines_slight": (p("penalty_4"), Decimal(0)),
        "fines_general": (p("penalty_1"), Decimal(500)),
        "fines_serious": (p("penalty_2"), Decimal(2000)),
        "fines_severe": (set(), Decimal(0)),
        "fines_paid": (p("penalty_1"), Decimal(500)),
        "campaigns": (p("campaign_1"), 1),
        "campaign_targets_met": (p("target_1"), 1),
        "grid_cells": (p("a1", "a2", "b1", "b2"), 4),
        "grid_officers": (p("officer_a1"), 1),
        "farmers_markets": (p("market_1"), 1),
        "market_inspections": (p("market_inspection_1", "market_inspection_2"), 2),
        "market_complaints": (p("complaint_1", "complaint_2", "complaint_3"), 3),
        "market_complaints_on_time": (p("complaint_1"), 1),
        "referrals_received": (p("case_A", "case_C"), 2),
        "referrals_due": (p("case_A", "case_C"), 2),  # C's deadline passed in 2026, unmet
        "referrals_on_time": (p("case_A"), 1),
        "joint_operations": (p("operation_1"), 1),
        "operation_cases": (p("case_B"), 1),
        "operation_orders": (p("order_3"), 1),
        "occupation_approvals": (p("approval_1"), 1),
        "repeat_offenders": (p("party"), 1),
    }


def expected_street_a(w) -> dict:
    """The same for street a (古南街道), for the figures whose street is not obvious from the above."""
    p = w.pks
    return {
        "cases_reported": (p("case_A", "case_C", "case_E"), 3),
        "cases_closed": (p("case_A"), 1),
        "cases_closed_on_time": (p("case_A"), 1),
        "patrol_reports": (p("report_1"), 1),
        "patrol_shops_regulated": (p("report_1"), 5),
        "fines_total": (p("penalty_1", "penalty_4"), Decimal(500)),
        "demolished_area": (p("demolition_1"), Decimal("120.5")),
        "shops_covered": (p("shop_1"), 1),
        "grid_cells": (p("a1", "a2"), 2),
        "grid_officers": (p("officer_a1"), 1),
        "campaigns": (p("campaign_1"), 1),
        "campaign_targets_met": (p("target_1"), 1),
        "ads_removed": (p("ad_1", "ad_3"), 2),
        "ads_standing": (p("ad_5"), 1),
        "ads_public_service": (p("ad_5"), 1),
        "orders_escalated": (p("order_2"), 1),  # case F is in street a
        "farmers_markets": (p("market_1"), 1),
        "market_inspections": (p("market_inspection_1"), 1),
        "market_complaints": (p("complaint_1", "complaint_3"), 2),
        "market_complaints_on_time": (p("complaint_1"), 1),
        "referrals_received": (p("case_A", "case_C"), 2),
        "referrals_due": (p("case_A", "case_C"), 2),
        "referrals_on_time": (p("case_A"), 1),
        "joint_operations": (p("operation_1"), 1),
        "operation_cases": (set(), 0),  # case B, the operation's case, is in street b
        "operation_orders": (set(), 0),  # order 3 is case B's
        "occupation_approvals": (p("approval_1"), 1),
        "repeat_offenders": (p("party"), 1),
    }
