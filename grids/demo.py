"""The demo district: 吉州区 (360802) around Ji'an, 27.1°N 115.0°E, at Beijing Dongcheng's scale.

Eleven streets and towns, 60 communities, about 1,650 unit grid cells of 0.001° × 0.001° (about
11,000 m²) tiling each community without gaps or overlaps, the seed's roads as road segments with
their street chiefs, one grid officer per 15-20 cells. The layout is synthetic (rectangles), the names
are the district's. Everything goes through the services; a second run changes nothing.
"""
from __future__ import annotations

import shapely
from django.conf import settings
from django.contrib.auth.hashers import make_password

from bureau.accounts.choices import Role
from bureau.accounts.models import User
from bureau.demo import ensure_user

from . import imports, services
from .models import (
    Community,
    GridCell,
    OfficerAssignment,
    RoadSegment,
    Street,
    StreetChiefAssignment,
    StreetLeaderAssignment,
)

ORDER = 10

# North-west corner of the district and the cell size (degrees).
ORIGIN_LNG, ORIGIN_LAT, STEP = 114.980, 27.130, 0.001

STREETS = [
    ("001", "古南街道"), ("002", "永叔街道"), ("003", "文山街道"), ("004", "习溪桥街道"),
    ("005", "北门街道"), ("006", "白塘街道"), ("007", "禾埠街道"),
    ("101", "兴桥镇"), ("102", "樟山镇"), ("103", "长塘镇"), ("104", "曲濑镇"),
]
COMMUNITY_NAMES = {
    "001": ["古南", "中山", "仁山坪", "大码头", "梅塘", "沿江"],
    "002": ["永叔", "阳明", "井冈山", "滨江", "白鹭", "人民广场"],
    "003": ["文山", "螺湖", "天华", "文天祥", "塔水", "庐陵"],
    "004": ["习溪桥", "卫生路", "后河", "园丁", "松山", "红声"],
    "005": ["北门", "城北", "水南", "青石", "东门", "世兴"],
    "006": ["白塘", "真君山", "鹭洲", "悦景", "工业园", "城南"],
    "007": ["禾埠", "神岗山", "吉安南", "龙湖", "化龙", "长岗"],
    "101": ["兴桥", "钓源", "李家", "九曲", "横塘"],
    "102": ["樟山", "路口", "彭家", "桥头", "五星"],
    "103": ["长塘", "杨家", "楼前", "塘东"],
    "104": ["曲濑", "大坑", "尚溪", "江口"],
}
# The seed's roads: (name, "h" at a row or "v" at a column, from, to) in cell units of the layout.
ROADS = [
    ("井冈山大道", "v", 14.0, (0, 60)),
    ("吉州大道", "h", 12.0, (0, 40)),
    ("阳明东路", "h", 4.0, (0, 40)),
    ("鹭洲西路", "h", 22.0, (0, 40)),
    ("真君山路", "v", 30.0, (0, 60)),
    ("步行街", "h", 8.0, (1, 6)),
    ("青石街", "v", 25.0, (2, 14)),
    ("城北大道", "h", 40.0, (0, 40)),
]
LAND_USES = ["居住用地", "商业服务业用地", "公共管理与公共服务用地", "道路与交通设施用地", "绿地与广场用地"]
TOWN_LAND_USES = ["村庄建设用地", "农林用地", "居住用地", "工业用地"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["建华", "晓明", "丽娟", "志强", "海燕", "国平", "春梅", "文斌", "秀英", "永红", "小军", "桂兰",
         "俊杰", "玉珍", "卫东", "红霞", "德胜", "金凤", "振华", "雪梅"]
# The officers who get a demo login (their cell code is the username): the first of these streets.


def _layout(quick: bool):
    """[(street code, name, [(community code, name, col0, row0, cols, rows)])] in cell units."""
    streets = STREETS[:3] if quick else STREETS
    out, col, town_col = [], 0, 0
    for s_index, (code, name) in enumerate(streets):
        town = code >= "100"
        width = 4 if quick else (6 if s_index % 2 == 0 else 5)
        names = COMMUNITY_NAMES[code][: 2 if quick else None]
        x0 = town_col if town else col
        # Towns lie south of the urban streets.
        row = 32 if town else 0
        communities = []
        for k, cname in enumerate(names):
            rows = 3 if quick else 4 + (s_index + k) % 3
            suffix = "村" if town else "社区"
            communities.append((f"{k + 1:03d}", cname + suffix, x0, row, width, rows))
            row += rows
        out.append((code, name, communities))
        if town:
            town_col += width + 2
        else:
            col += width
    return out


def _rect(col0, row0, cols, rows) -> dict:
    x0, x1 = round(ORIGIN_LNG + col0 * STEP, 6), round(ORIGIN_LNG + (col0 + cols) * STEP, 6)
    y0, y1 = round(ORIGIN_LAT - (row0 + rows) * STEP, 6), round(ORIGIN_LAT - row0 * STEP, 6)
    return {"type": "Polygon", "coordinates": [[[x0, y1], [x1, y1], [x1, y0], [x0, y0], [x0, y1]]]}


def _features(layout) -> list[dict]:
    district = settings.DISTRICT_CODE
    features = []
    for s_code, s_name, communities in layout:
        town = s_code >= "100"
        for c_code, c_name, col0, row0, cols, rows in communities:
            seq = 0
            # Sequence numbers west to east, north to south within the community (the national grid-code rule).
            for r in range(rows):
                for c in range(cols):
                    seq += 1
                    uses = TOWN_LAND_USES if town else LAND_USES
                    features.append({
                        "type": "Feature",
                        "geometry": _rect(col0 + c, row0 + r, 1, 1),
                        "properties": {
                            "code": f"{district}{s_code}{c_code}{seq:03d}",
                            "street_name": s_name,
                            "community_name": c_name,
                            "land_use": uses[(seq + int(c_code)) % len(uses)],
                            "management_level": "一级" if (r == 0 or c == 0) and not town else ("三级" if town else "二级"),
                            "responsible_body": f"{s_name}{c_name}{'村委会' if town else '居委会'}",
                            "valid_from": "2024-01-01",
                        },
                    })
    return features


def _person(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]


def _streets_and_communities(layout):
    existing = {s.code: s for s in Street.objects.all()}
    for s_code, s_name, communities in layout:
        cols = [c for c in communities]
        col0 = min(c[2] for c in cols)
        row0 = min(c[3] for c in cols)
        width = max(c[2] + c[4] for c in cols) - col0
        height = max(c[3] + c[5] for c in cols) - row0
        boundary = _rect(col0, row0, width, height)
        street = existing.get(s_code)
        if street is None:
            street = services.street_create(acting_user=None, code=s_code, name=s_name, boundary=boundary)
        elif street.boundary != boundary:
            street = services.street_update(acting_user=None, street=street, boundary=boundary)
        have = {c.code: c for c in Community.objects.filter(street=street)}
        for c_code, c_name, c0, r0, w, h in communities:
            boundary = _rect(c0, r0, w, h)
            community = have.get(c_code)
            if community is None:
                services.community_create(acting_user=None, street=street, code=c_code, name=c_name, boundary=boundary)
            elif community.boundary != boundary:
                services.community_update(acting_user=None, community=community, boundary=boundary)


def _cells(features) -> int:
    stored = dict(GridCell.objects.values_list("code", "geometry"))
    todo = [f for f in features if stored.get(f["properties"]["code"]) != f["geometry"]]
    if not todo:
        return 0
    report = imports.grid_import(acting_user=None, collection={"type": "FeatureCollection", "features": todo},
                                 source="demo")
    return report.created + report.updated


def _leaders(layout):
    for s_code, s_name, _communities in layout:
        user, _created = ensure_user(f"leader-{s_code}", Role.LEADER, first_name=f"{s_name}执法大队长")
        street = Street.objects.get(code=s_code)
        if not StreetLeaderAssignment.objects.current().filter(street=street, user=user).exists():
            services.street_leader_assign(acting_user=None, street=street, user=user)


def _officers(layout) -> int:
    """One grid officer per 15-20 cells of a street, in code order; a few of them can log in."""
    held = set(OfficerAssignment.objects.current().values_list("cell_id", flat=True))
    # Every demo officer logs in with the demo password; one hash serves them all, so the
    # seed does not pay for a slow hash per account.
    demo_hash = make_password(settings.DEMO_PASSWORD)
    count = 0
    n = 0
    for s_code, _s_name, _communities in layout:
        cells = list(GridCell.objects.filter(street__code=s_code).order_by("code"))
        groups = max(1, round(len(cells) / 17.5))
        size, extra = divmod(len(cells), groups)
        start = 0
        for g in range(groups):
            group = cells[start:start + size + (1 if g < extra else 0)]
            start += len(group)
            n += 1
            if not group or all(c.pk in held for c in group):
                continue
            username = f"officer-{group[0].code}"
            officer = User.objects.filter(username=username).first() or User.objects.create(
                username=username, role=Role.OFFICER, first_name=_person(n), password=demo_hash)
            count += services.officer_assign_many(acting_user=None, cells=group, officer=officer)
    return count


def _roads(layout):
    boxes = {}
    for s_code, _s_name, communities in layout:
        col0 = min(c[2] for c in communities)
        row0 = min(c[3] for c in communities)
        col1 = max(c[2] + c[4] for c in communities)
        row1 = max(c[3] + c[5] for c in communities)
        boxes[s_code] = shapely.box(ORIGIN_LNG + col0 * STEP, ORIGIN_LAT - row1 * STEP,
                                    ORIGIN_LNG + col1 * STEP, ORIGIN_LAT - row0 * STEP)
    streets = {s.code: s for s in Street.objects.filter(code__in=boxes)}
    existing = {r.code: r for r in RoadSegment.objects.filter(code__isnull=False)}
    numbers: dict[str, int] = {}
    for road, axis, at, (lo, hi) in ROADS:
        if axis == "h":
            line = shapely.LineString([(ORIGIN_LNG + lo * STEP, ORIGIN_LAT - at * STEP),
                                       (ORIGIN_LNG + hi * STEP, ORIGIN_LAT - at * STEP)])
        else:
            line = shapely.LineString([(ORIGIN_LNG + at * STEP, ORIGIN_LAT - lo * STEP),
                                       (ORIGIN_LNG + at * STEP, ORIGIN_LAT - hi * STEP)])
        for s_code, box in boxes.items():
            piece = line.intersection(box)
            if piece.is_empty or piece.geom_type != "LineString" or piece.length < STEP:
                continue
            numbers[s_code] = numbers.get(s_code, 0) + 1
            code = f"{s_code}-{numbers[s_code]:02d}"
            street = streets[s_code]
            geojson = {"type": "LineString", "coordinates": [[round(x, 6), round(y, 6)] for x, y in piece.coords]}
            segment = existing.get(code)
            name = f"{road}（{street.name}段）"
            # House numbers run from the road's start, ten to a cell (about 100 m): the gazetteer's ranges.
            start = shapely.Point(line.coords[0])
            numbers_at = {"number_from": 1 + round(start.distance(shapely.Point(piece.coords[0])) / STEP * 10),
                          "number_to": 1 + round(start.distance(shapely.Point(piece.coords[-1])) / STEP * 10)}
            if segment is None:
                segment = services.road_segment_create(acting_user=None, street=street, name=name, code=code,
                                                       line=geojson, road=road, **numbers_at)
            elif (segment.road, segment.number_from, segment.number_to) != (
                    road, numbers_at["number_from"], numbers_at["number_to"]):
                segment = services.road_segment_update(acting_user=None, segment=segment, road=road, **numbers_at)
            if not StreetChiefAssignment.objects.current().filter(segment=segment).exists():
                chief = User.objects.get(username=f"leader-{s_code}")
                services.street_chief_assign(acting_user=None, segment=segment, chief=chief)


# Named places of the gazetteer: (name, aliases, kind, street code, community index) at the community's middle.
PLACES = [
    ("古南农贸市场", "古南菜市场,农贸市场", "市场", "001", 0),
    ("永叔夜市", "永叔街夜市", "摊点区域", "002", 0),
    ("文山公园", "", "公园", "003", 1),
    ("人民广场", "", "广场", "002", 5),
]


def _named_places(layout):
    streets = {s.code: s for s in Street.objects.all()}
    for name, aliases, kind, s_code, index in PLACES:
        communities = next((c for code, _n, c in layout if code == s_code), [])
        if index >= len(communities) or s_code not in streets:
            continue
        _c, _name, col0, row0, cols, rows = communities[index]
        lat = round(ORIGIN_LAT - (row0 + rows / 2) * STEP, 6)
        lng = round(ORIGIN_LNG + (col0 + cols / 2) * STEP, 6)
        services.named_place_save(acting_user=None, name=name, aliases=aliases, kind=kind, street=streets[s_code],
                                  lat=lat, lng=lng)


def seed(*, stdout=None, quick: bool = False, **kwargs):
    layout = _layout(quick)
    _streets_and_communities(layout)
    changed = _cells(_features(layout))
    _leaders(layout)
    assigned = _officers(layout)
    _roads(layout)
    _named_places(layout)
    if stdout is not None:
        total = GridCell.objects.count()
        stdout.write(f"  grids: {Street.objects.count()} streets, {Community.objects.count()} communities, "
                     f"{total} cells ({changed} written), {assigned} officer assignments made")
        officers = sorted(User.objects.filter(role=Role.OFFICER, username__startswith="officer-")
                          .values_list("username", flat=True))
        stdout.write("  grids demo accounts: " + ", ".join(f"leader-{s[0]}" for s in layout)
                     + (f", {len(officers)} officers such as " + ", ".join(officers[:3]) if officers else ""))
    return changed
