"""The attributes some categories ask of an Open311 client (service definitions). Reference data, like
the categories themselves: kept in the admin afterwards. Running it again changes nothing."""
from django.db import migrations

ATTRIBUTES = {
    "09006": [  # 占道经营
        ("goods", "singlevaluelist", True, "经营的物品", "", [
            ("fruit_veg", "水果蔬菜"), ("food", "餐饮小吃"), ("daily", "日用百货"), ("other", "其他")]),
        ("stalls", "number", False, "摊位数量", "整数，如 3", []),
    ],
    "09009": [  # 机动车乱停放
        ("plate", "string", False, "车牌号", "如 赣D12345", []),
        ("vehicles", "number", False, "车辆数量", "整数", []),
    ],
    "06028": [  # 噪声扰民
        ("noise_source", "singlevaluelist", True, "噪声来源", "", [
            ("shop", "商铺音响"), ("construction", "施工"), ("square_dance", "广场舞"), ("other", "其他")]),
        ("noticed_at", "datetime", False, "发现时间", "ISO 8601，如 2026-05-01T21:30:00+08:00", []),
    ],
    "08004": [  # 工地扬尘
        ("site_name", "string", True, "工地名称", "工地围挡上的项目名称", []),
    ],
}


def seed(apps, schema_editor):
    Category = apps.get_model("enforcement", "Category")
    ServiceAttribute = apps.get_model("open311", "ServiceAttribute")
    categories = {c.code: c for c in Category.objects.filter(code__in=ATTRIBUTES)}
    for code, attributes in ATTRIBUTES.items():
        category = categories.get(code)
        if category is None:
            continue
        for order, (attr, datatype, required, description, hint, values) in enumerate(attributes, start=1):
            ServiceAttribute.objects.get_or_create(category=category, code=attr, defaults={
                "datatype": datatype, "required": required, "order": order, "description": description,
                "datatype_description": hint, "values": [{"key": k, "name": n} for k, n in values],
            })


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
        ("enforcement", "0002_seed_categories"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
