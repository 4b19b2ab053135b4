"""`manage.py annual_annex --year 2026 [--street 001] --out annex.xlsx`: the annual work summary's data annex
(the same tables as the annex page) written as a workbook; without `--out`, printed as text."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from figures.annex import annex_xlsx, build_annex

MIN_YEAR, MAX_YEAR = 2000, 2100


class Command(BaseCommand):
    help = "Write the annual work summary's data annex (this year, last year, the change) for a year."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the year, e.g. 2026")
        parser.add_argument("--street", default="", help="a street code (3 digits); default: the district")
        parser.add_argument("--out", default="", help="the .xlsx file to write; default: print the tables")

    def handle(self, *args, year, street="", out="", **options):
        from grids.models import Street

        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CommandError(f"year must be between {MIN_YEAR} and {MAX_YEAR}", returncode=2)
        place = None
        if street:
            place = Street.objects.filter(code=street).first()
            if place is None:
                raise CommandError(f"no street with code {street!r}", returncode=2)
        annex = build_annex(year, street=place)
        if out:
            path = Path(out)
            if not path.parent.exists():
                raise CommandError(f"no such directory: {path.parent}", returncode=2)
            path.write_bytes(annex_xlsx(annex))
            self.stdout.write(f"{path}: {sum(len(t.rows) for t in annex.tables)} figures, {year} against {year - 1}")
            return
        for table in annex.tables:
            self.stdout.write(f"\n{table.title}")
            for row in table.rows:
                self.stdout.write(f"  {row.code:<32} {row.value!s:>12} {row.previous!s:>12} {row.change!s:>10} {row.unit}")
