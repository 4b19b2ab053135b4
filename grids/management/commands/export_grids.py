"""`manage.py export_grids [--street 001 | --community 001002] [-o FILE]`: cells as a GeoJSON FeatureCollection."""
import json

from django.core.management.base import BaseCommand, CommandError

from grids import services
from grids.models import Community, GridCell, Street


class Command(BaseCommand):
    help = "Export the district's, a street's or a community's cells as GeoJSON (the import's format)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--street", help="3-digit street code")
        group.add_argument("--community", help="6-digit street + community code")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        cells = GridCell.objects.all()
        if options["street"]:
            if not Street.objects.filter(code=options["street"]).exists():
                raise CommandError(f"no such street: {options['street']}")
            cells = cells.filter(street__code=options["street"])
        elif options["community"]:
            community = Community.objects.by_full_code(options["community"]).first()
            if community is None:
                raise CommandError(f"no such community: {options['community']}")
            cells = cells.filter(community=community)
        data = services.cells_feature_collection(cells.with_current_officer().order_by("code"), with_officers=True)
        text = json.dumps(data, ensure_ascii=False)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stderr.write(f"{len(data['features'])} cells written to {options['output']}")
        else:
            self.stdout.write(text)
