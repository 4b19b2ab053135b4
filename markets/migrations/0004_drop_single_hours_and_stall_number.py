"""The single daily hours and the permit's stall number are gone (windows and slots replace them); one
permit in force per slot, and one approved to follow it; permit history is append-only in the database."""
import django.db.models.deletion
from django.db import migrations, models

from bureau.appendonly import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("markets", "0003_windows_and_slots_from_hours")]

    operations = [
        migrations.RemoveConstraint("vendorzone", "vendorzone_hours_not_equal"),
        migrations.RemoveField("vendorzone", "opens_at"),
        migrations.RemoveField("vendorzone", "closes_at"),
        migrations.RemoveField("vendorzone", "complaint_phone_masked"),
        migrations.RemoveField("vendorzone", "complaint_phone_hash"),
        migrations.AddConstraint("vendorzone", models.CheckConstraint(
            condition=models.Q(valid_from__isnull=True) | models.Q(valid_to__isnull=True)
            | models.Q(valid_to__gte=models.F("valid_from")), name="vendorzone_season_range")),
        migrations.AddConstraint("vendorzonewindow", models.UniqueConstraint(
            fields=("zone", "weekday", "opens"), name="vendorzonewindow_unique_start")),
        migrations.AddConstraint("vendorzonewindow", models.CheckConstraint(
            condition=models.Q(weekday__gte=1, weekday__lte=7), name="vendorzonewindow_weekday")),
        migrations.AddConstraint("vendorzonewindow", models.CheckConstraint(
            condition=~models.Q(opens=models.F("closes")), name="vendorzonewindow_not_empty")),
        migrations.RemoveConstraint("stallpermit", "stallpermit_one_active_per_stall"),
        migrations.RemoveField("stallpermit", "stall_number"),
        migrations.AlterField("stallpermit", "slot", models.ForeignKey(
            on_delete=django.db.models.deletion.PROTECT, related_name="permits", to="markets.vendorslot",
            verbose_name="摊位")),
        migrations.AddConstraint("stallpermit", models.UniqueConstraint(
            condition=models.Q(status="active"), fields=("slot",), name="stallpermit_one_active_per_slot")),
        migrations.AddConstraint("stallpermit", models.UniqueConstraint(
            condition=models.Q(status="scheduled"), fields=("slot",), name="stallpermit_one_scheduled_per_slot")),
        append_only_trigger("markets_stallpermitevent"),
    ]
