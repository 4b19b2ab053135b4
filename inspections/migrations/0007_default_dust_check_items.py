"""The dust-control checklist every site is inspected against (staff edit it afterwards): the six items the
bureau names, each failing into the case category whose handling limit is its rectification deadline."""
from django.db import migrations

# (code, name, standard, category, order)
ITEMS = [
    ("enclosure", "围挡", "施工现场连续设置硬质围挡，无缺口、无破损", "08007", 10),
    ("hardened-entrance", "出入口硬化", "车辆出入口及场内主要道路硬化", "08008", 20),
    ("wash-platform", "冲洗平台", "出口设置车辆冲洗平台并正常使用，车辆不带泥上路", "08012", 30),
    ("video", "视频监控", "出入口及作业面安装视频监控并接入平台", "08004", 40),
    ("sealed-trucks", "渣土车密闭", "渣土运输车辆密闭装置完好、按核准路线时段运输", "08011", 50),
    ("covered-soil", "裸土覆盖", "裸露土方及物料堆放全部覆盖", "08004", 60),
]


def create_items(apps, schema_editor):
    Category = apps.get_model("enforcement", "Category")
    DustCheckItem = apps.get_model("inspections", "DustCheckItem")
    for code, name, standard, category, order in ITEMS:
        found = Category.objects.filter(code=category).first()
        if found is None:  # a district that removed the category: staff configure the item themselves
            continue
        DustCheckItem.objects.get_or_create(code=code, defaults={
            "name": name, "standard": standard, "category": found, "order": order})


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0006_construction_sites"),
        ("enforcement", "0002_seed_categories"),
    ]
    operations = [migrations.RunPython(create_items, migrations.RunPython.noop)]
