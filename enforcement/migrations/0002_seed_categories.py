"""Seed the GB/T 47678.5 event items with time limits and routing, and the departments that
receive referrals. Staff edit both in the admin afterwards; this never overwrites an existing row."""
from decimal import Decimal

from django.db import migrations

MAJORS = {"06": "市容环境", "07": "宣传广告", "08": "施工管理", "09": "街面秩序", "10": "其他"}

DEPARTMENTS = [
    ("HW", "区环卫中心"),
    ("SC", "区市场监督管理局"),
    ("GA", "区公安分局"),
    ("HB", "生态环境分局"),
    ("JS", "区住房和城乡建设局"),
]

WH, WD, UH = "work_hours", "work_days", "urgent_hours"
# code, name, urgent?, handling limit, unit, referral department (None = the street's brigade)
CATEGORIES = [
    ("06001", "私搭乱建", False, 4, WH, None),  # stop work within 4 working hours
    ("06002", "店面无证装修", False, 1, WD, None),
    ("06007", "沿街晾挂", False, 2, WH, None),
    ("06009", "空调室外机低挂", False, 3, WD, None),
    ("06010", "暴露垃圾", False, 4, WH, None),  # 4 working hours
    ("06011", "积存垃圾渣土", False, 1, WD, None),
    ("06012", "道路不洁", False, 2, WH, None),  # 道路保洁: 2 working hours
    ("06014", "道路遗撒", False, 2, WH, None),
    ("06020", "焚烧垃圾、树叶", True, 2, UH, None),
    ("06027", "油烟污染", False, 3, WD, "HB"),
    ("06028", "噪声扰民", False, 1, WD, None),
    ("06029", "露天烧烤", False, 4, WH, None),
    ("06030", "乱倒乱排污水", False, 1, WD, None),
    ("06034", "废弃车辆", False, 5, WD, None),
    ("06036", "乱堆杂物", False, 4, WH, None),
    ("06040", "私设地锁、阻车桩", False, 1, WD, None),
    ("06041", "垃圾未分类", False, 1, WD, "HW"),
    ("06042", "垃圾站（箱）满溢", False, 2, WH, "HW"),
    ("06045", "非法占绿毁绿", False, 2, WD, None),
    ("07001", "非法小广告", False, 4, WH, None),
    ("07002", "街头散发广告", False, 2, WH, None),
    ("07003", "违规户外广告", False, 5, WD, None),
    ("07004", "广告语言文字不规范", False, 5, WD, None),
    ("07006", "违规牌匾标识", False, 5, WD, None),
    ("07007", "违规标语宣传品", False, 1, WD, None),
    ("07008", "公益性宣传品缺损", False, 2, WD, None),
    ("08001", "施工扰民", False, 4, WH, None),
    ("08002", "施工占道", False, 1, WD, None),
    ("08003", "无证掘路", False, 4, WH, None),
    ("08004", "工地扬尘", False, 4, WH, None),
    ("08005", "施工废弃料", False, 1, WD, None),
    ("08006", "施工物料乱堆放", False, 1, WD, None),
    ("08007", "施工工地围挡问题", False, 2, WD, "JS"),
    ("08008", "施工工地道路未硬化", False, 3, WD, "JS"),
    ("08011", "渣土运输车辆未安装密闭装置", False, 1, WD, None),
    ("08012", "施工工地车轮夹带", False, 4, WH, None),
    ("08016", "无证建设", False, 4, WH, None),
    ("09001", "无照经营游商", False, 2, WH, None),
    ("09002", "早（夜）市管理问题", False, 1, WD, None),
    ("09003", "流浪乞讨", True, 2, UH, "GA"),
    ("09004", "废品收购乱象", False, 1, WD, None),
    ("09005", "店外经营", False, 2, WH, None),
    ("09006", "占道经营", False, 2, WH, None),
    ("09009", "机动车乱停放", False, 2, WH, "GA"),
    ("09010", "非机动车乱停放", False, 2, WH, None),
    ("09011", "共享单车乱象", False, 4, WH, None),
    ("09012", "占用消防通道", True, 2, UH, None),  # a safety hazard: continuous hours
    ("09015", "无证餐饮", False, 3, WD, "SC"),
    ("09020", "农贸市场秩序问题", False, 1, WD, "SC"),
    ("09021", "占道洗车", False, 2, WH, None),
    ("09022", "占道促销宣传", False, 2, WH, None),
    ("10001", "道路积雪、结冰", True, 4, UH, None),
    ("10002", "架空线缆脱落", True, 2, UH, None),
]


def seed(apps, schema_editor):
    Department = apps.get_model("enforcement", "Department")
    Category = apps.get_model("enforcement", "Category")
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name})
    for code, name, urgent, limit, unit, dept in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={
            "name": name, "major_code": code[:2], "major_name": MAJORS[code[:2]],
            "urgency": "urgent" if urgent else "normal",
            # urgent items are dispatched within half an hour round the clock; the rest within 1 working hour
            "dispatch_limit": Decimal("0.5") if urgent else Decimal("1"), "dispatch_unit": UH if urgent else WH,
            "handle_limit": Decimal(limit), "handle_unit": unit,
            "department": departments[dept] if dept else None,
        })


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
