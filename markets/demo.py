"""Demo street commerce, made through the services: two fixed stall zones per street, night-snack zones on
the seed's roads, permits (a few due for renewal), vendors (a few caught in several streets, linked to the
enforcement demo's vendor cases), shops with frontage agreements (most streets near full coverage) and
outdoor ads with some problems. Deterministic; a second run changes nothing."""
from __future__ import annotations

import random
from datetime import time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bureau import clock
from bureau.accounts.choices import Role
from bureau.accounts.models import User

from . import services
from .choices import AdKind, FrontageKind, ZoneKind
from .models import VendorZone

ORDER = 30

# (road, preferred street code): the seed's night-snack roads; a missing street (quick
# demo) falls back to the streets present, in order.
NIGHT_ROADS = [("鹭洲西路", "006"), ("真君山路", "004"), ("中山西路", "001")]
FIXED_HOURS = [(time(7, 0), time(21, 0)), (time(6, 0), time(9, 0))]
TRADES = ["果蔬、早点", "小吃、饮品", "日用百货", "烧烤（无烟）、夜宵"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀兰", "志明", "桂英", "小平", "春华", "德明", "玉兰", "海波", "红梅"]
SHOP_KINDS = ["便利店", "餐馆", "五金店", "服装店", "药店", "理发店", "水果店", "奶茶店", "手机店", "面馆"]
VENDOR_COUNT, OFFENDERS = 20, 5
VENDOR_CATEGORIES = ("09001", "09006")


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def seed(*, stdout=None, quick: bool = False, **kwargs):
    from grids.models import Street

    from .farmers.demo import seed as farmers_seed

    with transaction.atomic():
        farmers_seed(actor=User.objects.filter(username="bureau").first()
                     or User.objects.filter(role=Role.BUREAU).first(), streets=list(Street.objects.order_by("code")),
                     stdout=stdout)
    if VendorZone.objects.exists():
        with transaction.atomic():
            pending = _applications(_actor(), timezone.localdate(clock.now()))
        _say(stdout, "  markets: already present, left as it is"
             + (f" (added {pending} pending applications)" if pending else ""))
        return 0
    streets = list(Street.objects.order_by("code"))
    if not streets:
        return 0
    actor = _actor()
    rng = random.Random(2030)
    today = timezone.localdate(clock.now())
    with transaction.atomic():
        zones = _zones(actor, streets)
        vendors = _vendors(actor, rng)
        permits = _permits(actor, rng, zones, vendors[: VENDOR_COUNT - OFFENDERS], today)
        links = _links(actor, vendors[VENDOR_COUNT - OFFENDERS:])
        shops = _shops(actor, rng, streets, quick, today)
        ads = _ads(actor, rng, streets, today)
        pending = _applications(actor, today)
    _say(stdout, f"  markets: {len(zones)} zones, {len(vendors)} vendors, {permits} permits, {links} case links, "
                 f"{shops} shops, {ads} ads, {pending} pending applications")
    return len(zones)


def _actor():
    return User.objects.filter(username="bureau").first() or User.objects.filter(role=Role.BUREAU).first()


# Applications waiting in the demo: in each of the first streets, one the street's leader has taken and must
# review, and one already reviewed, waiting for the bureau's approval. Their vendors have fixed phones, so a
# second run finds them again and adds nothing.
APPLICANTS = [("申请人{code}甲", "1370796{code}1", False), ("申请人{code}乙", "1370796{code}2", True)]
APPLICATION_STREETS = 3


def _applications(actor, today):
    from grids.models import Street

    made = 0
    for street in Street.objects.order_by("code")[:APPLICATION_STREETS]:
        zone = VendorZone.objects.filter(street=street, kind=ZoneKind.FIXED_STALL).order_by("name").first()
        if zone is None:
            continue
        leader = User.objects.filter(username=f"leader-{street.code}").first() or actor
        for name, phone, reviewed in APPLICANTS:
            vendor = services.vendor_register(acting_user=leader, name=name.format(code=street.code),
                                              phone=phone.format(code=street.code))
            if vendor.permits.exists():
                continue
            slot = zone.slots.filter(permits__isnull=True, is_active=True).order_by("-number").first()
            if slot is None:
                continue
            permit = services.stall_permit_apply(acting_user=leader, vendor=vendor, slot=slot,
                                                 valid_from=today + timedelta(days=7),
                                                 note="摊贩本人到街道办理")
            if reviewed:
                services.stall_permit_review(acting_user=leader, permit=permit, note="材料齐全，同意上报")
            made += 1
    return made


def _square_in(street, n):
    """A small square (about 60 m) inside the street's n-th cell, for the check and the map; None without cells."""
    from shapely.geometry import shape

    cells = list(street.cells.order_by("code")[: n + 1])
    if not cells:
        return None
    try:
        centre = shape(cells[min(n, len(cells) - 1)].geometry).representative_point()
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    d = 0.0003
    x, y = round(centre.x, 6), round(centre.y, 6)
    return {"type": "Polygon", "coordinates": [[[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d],
                                                [x - d, y - d]]]}


def _zones(actor, streets):
    by_code = {s.code: s for s in streets}
    zones = []
    for i, street in enumerate(streets):
        short = street.name.removesuffix("街道").removesuffix("镇")
        for n, (opens, closes) in enumerate(FIXED_HOURS, start=1):
            zones.append(services.vendor_zone_create(
                acting_user=actor, street=street, kind=ZoneKind.FIXED_STALL, name=f"{short}第{n}固定摊点区",
                road=f"{short}路", opens_at=opens, closes_at=closes, trades=TRADES[(i + n) % 3],
                responsible_person=f"{SURNAMES[i % len(SURNAMES)]}{GIVEN[n]}",
                complaint_phone=f"0796{8200000 + i * 10 + n}", capacity=12 if n == 1 else 8,
                slots=12 if n == 1 else 8, geometry=_square_in(street, n),
            ))
    for j, (road, code) in enumerate(NIGHT_ROADS):
        street = by_code.get(code) or streets[j % len(streets)]
        zones.append(services.vendor_zone_create(
            acting_user=actor, street=street, kind=ZoneKind.NIGHT_SNACK, name=f"{road}夜宵摊点区", road=road,
            opens_at=time(18, 0), closes_at=time(2, 0), trades=TRADES[3],
            responsible_person=f"{SURNAMES[-1 - j]}{GIVEN[-1 - j]}", complaint_phone=f"1390796{5000 + j:04d}",
            capacity=20, slots=20, geometry=_square_in(street, 3),
            windows=[{"weekday": d, "opens": time(18), "closes": time(2)} for d in range(1, 8)],
        ))
    return zones


def _vendors(actor, rng):
    vendors = []
    for i in range(VENDOR_COUNT):
        name = f"{SURNAMES[(i * 7) % len(SURNAMES)]}{GIVEN[i % len(GIVEN)]}"
        phone = f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        id_number = f"360802{1960 + i}{(i % 12) + 1:02d}{(i % 28) + 1:02d}{rng.randint(1000, 9999)}"
        vendors.append(services.vendor_register(acting_user=actor, name=name, phone=phone, id_number=id_number))
    return vendors


def _permits(actor, rng, zones, vendors, today):
    made = 0
    for i, vendor in enumerate(vendors):
        zone = zones[(i * 3) % len(zones)]
        # every fourth permit ends within the renewal window; the rest part-way through their year
        ends_in = rng.randint(10, 55) if i % 4 == 0 else rng.randint(90, 330)
        valid_to = today + timedelta(days=ends_in)
        services.stall_permit_issue(acting_user=actor, vendor=vendor, zone=zone, stall_number=f"{i + 1:02d}",
                                    valid_from=valid_to - timedelta(days=364), valid_to=valid_to)
        made += 1
    return made


def _links(actor, offenders):
    """Attribute the enforcement demo's vendor cases to a few vendors, each across two or three streets."""
    from enforcement.models import Case

    by_street: dict[int, list] = {}
    for case in Case.objects.filter(category__code__in=VENDOR_CATEGORIES).order_by("reported_at", "pk"):
        by_street.setdefault(case.street_id, []).append(case)
    street_ids = sorted(by_street)
    if len(street_ids) < 2:
        return 0
    made = 0
    # each case goes to one vendor only: take the next unused case of the street
    for i, vendor in enumerate(offenders):
        for k in range(2 + i % 2):
            cases = by_street[street_ids[(i + k) % len(street_ids)]]
            if cases:
                services.vendor_link_case(acting_user=actor, vendor=vendor, case=cases.pop(0),
                                          note="现场查处时核实身份")
                made += 1
    return made


def _scan():
    """A small picture standing for the scan of a signed commitment letter."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (120, 160), "white")
    ImageDraw.Draw(img).rectangle([10, 10, 110, 150], outline="black")
    out = io.BytesIO()
    img.save(out, format="PNG")
    out.seek(0)
    out.name = "commitment.png"
    return out


def _shop_point(street, n):
    """The n-th shop's point: a cell's representative point, the street's cells taken evenly spread (so the
    shops stand across the street on the map, each inside it); None without cells."""
    points = _spread_points(street)
    if not points:
        return None, None, None
    cell, lat, lng = points[n % len(points)]
    return cell, lat, lng


def _spread_points(street, count=12):
    """Up to `count` cells spread evenly over the street's cells (by code), each with its representative point."""
    from shapely.geometry import shape

    cells = list(street.cells.order_by("code"))
    if not cells:
        return []
    step = max(1, len(cells) // count)
    points = []
    for k in range(min(count, len(cells))):
        cell = cells[(k * step + step // 2) % len(cells)]
        try:
            centre = shape(cell.geometry).representative_point()
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
        points.append((cell, round(centre.y, 6), round(centre.x, 6)))
    return points


def _shops(actor, rng, streets, quick, today):
    """Shops with licence numbers, points and agreements (五包 mostly, a few 三包, some re-signed), commitment
    letters; every third street lags behind. The first street's first shop has three 店外经营 findings in
    front of it this month (settled on the spot), so it is flagged."""
    from enforcement.services import case_report

    made = 0
    for i, street in enumerate(streets):
        short = street.name.removesuffix("街道").removesuffix("镇")
        count = 6 if quick else 10
        unsigned = (i % 3 == 2) * 3 + (i % 2)
        for n in range(count):
            cell, lat, lng = _shop_point(street, n)
            shop = services.shop_register(acting_user=actor, name=f"{short}{SHOP_KINDS[n % len(SHOP_KINDS)]}",
                                          address=f"{short}路{n * 2 + 1}号", street=street, grid=cell,
                                          licence_number=f"92360802MA{i:02d}{n:02d}{rng.randint(1000, 9999)}X",
                                          lat=lat, lng=lng)
            made += 1
            if n >= count - unsigned:
                continue
            signer = f"{SURNAMES[(i + n) % len(SURNAMES)]}{GIVEN[n % len(GIVEN)]}"
            phone = f"15{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
            signed = today - timedelta(days=rng.randint(200, 400))
            kind = FrontageKind.THREE if n % 5 == 4 else FrontageKind.FIVE
            services.frontage_agreement_sign(acting_user=actor, shop=shop, signed_on=signed, signer_name=signer,
                                             signer_phone=phone, kind=kind)
            if n % 3 == 0:  # re-signed this year: a second version
                services.frontage_agreement_sign(acting_user=actor, shop=shop, kind=kind, signer_name=signer,
                                                 signed_on=today - timedelta(days=rng.randint(5, 60)),
                                                 signer_phone=phone)
            if n % 2 == 0:
                services.shop_commitment_record(acting_user=actor, shop=shop, signed_on=signed, signer_name=signer,
                                                scan=_scan())
            if i == 0 and n == 0 and lat is not None:
                for k in range(3):
                    case_report(acting_user=actor, category="09005", lat=lat, lng=lng, source="supervision",
                                description=f"店外经营：{shop.name}门前摆放商品（第{k + 1}次）", self_handled=True,
                                party=shop.party)
    return made


def _ad_points(street):
    """Points for the street's ads: cells spread over the street (the n-th ad takes the n-th, round), each
    inside the district, none shared with a shop; empty without cells."""
    return [(lat, lng) for _cell, lat, lng in _spread_points(street, 24)[1::2]]


def _ads(actor, rng, streets, today):
    made = 0
    for i, street in enumerate(streets):
        short = street.name.removesuffix("街道").removesuffix("镇")
        specs = [
            (AdKind.AD, f"吉A广审{2026}{i:02d}01", today + timedelta(days=200), False),
            (AdKind.SHOP_SIGN, f"吉A招审{2026}{i:02d}02", today + timedelta(days=400), False),
            (AdKind.PUBLIC_SERVICE, f"吉A公审{2026}{i:02d}06", today + timedelta(days=300), False),
            # ends within the warning window: the street is told by the daily job
            (AdKind.AD, f"吉A广审{2026}{i:02d}07", today + timedelta(days=12 + i), False),
        ]
        if i % 2 == 0:
            specs.append((AdKind.AD, f"吉A广审{2025}{i:02d}03", today - timedelta(days=rng.randint(5, 90)), False))
            specs.append((AdKind.PUBLIC_SERVICE, f"吉A公审{2025}{i:02d}08", today + timedelta(days=150), False))
        if i % 3 == 0:
            specs.append((AdKind.SHOP_SIGN, "", None, False))
        if i % 4 == 1:
            specs.append((AdKind.SHOP_SIGN, f"吉A招审{2024}{i:02d}05", today + timedelta(days=100), True))
        points = _ad_points(street)
        for n, (kind, number, until, hazard) in enumerate(specs):
            lat, lng = points[n % len(points)] if points else (None, None)
            services.outdoor_ad_register(
                acting_user=actor, owner=f"{short}{SHOP_KINDS[(n + i) % len(SHOP_KINDS)]}", kind=kind,
                location=f"{short}路{n * 10 + 8}号", street=street, approval_number=number,
                approved_from=(until - timedelta(days=730)) if until else None, approved_until=until, hazard=hazard,
                lat=lat, lng=lng,
            )
            made += 1
        services.ad_target_set(acting_user=actor, street=street, public_service_ratio=Decimal("0.2"))
    return made
