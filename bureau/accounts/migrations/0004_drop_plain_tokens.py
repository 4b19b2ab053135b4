from django.db import migrations


class Migration(migrations.Migration):
    """API tokens are now knox's (stored as digests, with an expiry). DRF's token table kept every token in
    plain text: it goes, with its migration records, so no readable token is left in the database. Clients
    ask for a new token once."""

    dependencies = [
        ("accounts", "0003_separation_of_duties"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL(
            ["DROP TABLE IF EXISTS authtoken_token", "DELETE FROM django_migrations WHERE app = 'authtoken'"],
            migrations.RunSQL.noop,
        ),
    ]
