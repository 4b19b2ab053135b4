"""`manage.py import_grids FILE.geojson [--boundaries COMMUNITIES.geojson]`: the same import as the admin upload."""
import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from grids import imports


def _load(path):
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{path}: {exc}") from exc


class Command(BaseCommand):
    help = "Import unit grid cells from a GeoJSON FeatureCollection; one bad feature and nothing is imported."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--boundaries", help="community boundaries (GeoJSON; property code = 12 or 6 digits)")
        parser.add_argument("--user", help="username recorded in the audit log as the acting user")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no such user: {options['user']}")
        collection = _load(options["file"])
        boundaries = _load(options["boundaries"]) if options["boundaries"] else None
        try:
            report = imports.grid_import(acting_user=user, collection=collection, boundaries=boundaries,
                                         source=options["file"])
        except imports.GridImportError as exc:
            for line in exc.report.lines():
                self.stderr.write(line)
            raise CommandError(
                f"导入失败，未导入任何网格 / import failed, nothing imported: {len(exc.report.errors)} error(s)"
            ) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(
            f"imported: {report.created} created, {report.updated} updated, "
            f"{report.streets_created} streets and {report.communities_created} communities created"))
