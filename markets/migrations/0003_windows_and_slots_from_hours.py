"""Each zone's single daily window becomes seven weekday windows; each permit's stall number becomes a slot
of its zone. Runs on an empty database too (and again after a flush) without effect."""
from django.db import migrations


def forwards(apps, schema_editor):
    zone_model = apps.get_model("markets", "VendorZone")
    window_model = apps.get_model("markets", "VendorZoneWindow")
    slot_model = apps.get_model("markets", "VendorSlot")
    permit_model = apps.get_model("markets", "StallPermit")
    for zone in zone_model.objects.all():
        if not window_model.objects.filter(zone=zone).exists():
            window_model.objects.bulk_create(window_model(zone=zone, weekday=d, opens=zone.opens_at,
                                                          closes=zone.closes_at) for d in range(1, 8))
    for permit in permit_model.objects.filter(slot__isnull=True):
        slot, _ = slot_model.objects.get_or_create(zone_id=permit.zone_id, number=permit.stall_number)
        permit.slot = slot
        permit.save(update_fields=["slot"])


class Migration(migrations.Migration):
    dependencies = [("markets", "0002_zones_windows_slots_permit_workflow")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
