"""The counts the bureau's annual work summary asks for; staff may add, rename or retire them."""
from django.db import migrations

DEFAULT_FIELDS = [
    ("vendors_persuaded", "劝导流动摊贩", "人次", 10),
    ("shops_regulated", "规范超店经营", "户", 20),
    ("ads_removed", "清理违规广告", "处", 30),
    ("stalls_removed", "取缔夜宵摊点", "处", 40),
    ("occupations_cleared", "清理占道经营", "处", 50),
    ("illegal_buildings", "制止违章搭建", "处", 60),
    ("sites_inspected", "检查建筑工地", "个", 70),
]


def create_defaults(apps, schema_editor):
    PatrolCountField = apps.get_model("inspections", "PatrolCountField")
    for code, name, unit, order in DEFAULT_FIELDS:
        PatrolCountField.objects.get_or_create(code=code, defaults={"name": name, "unit": unit, "order": order})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_patrol_reports")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
