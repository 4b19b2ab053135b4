"""`manage.py compile_reports --week 2026-W47 | --month 2026-10 [--reissue --reason "..."]`.

Runs the scheduler's code synchronously. Exit codes: 0 published or unchanged; 1 the history before the
period's end changed and nothing was published (the differences are printed; rerun with --reissue
--reason to publish a new revision); 2 the period is malformed or not finished yet (CommandError).
"""
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inspections.services.reports import CHANGED, PUBLISHED, report_compile_month, report_compile_week


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(m for ms in exc.message_dict.values() for m in ms)
    return "; ".join(exc.messages)


class Command(BaseCommand):
    help = "Compile and publish the bulletin and ranking of a finished week, or the ranking of a finished month."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--week", help="ISO week, e.g. 2026-W47")
        group.add_argument("--month", help="month, e.g. 2026-10")
        parser.add_argument("--reissue", action="store_true", help="publish a new revision if the history changed")
        parser.add_argument("--reason", default="", help="why a new revision is published (required with --reissue)")

    def handle(self, *args, week=None, month=None, reissue=False, reason="", **options):
        service = report_compile_week if week else report_compile_month
        try:
            result = service(week or month, reissue=reissue, reason=reason)
        except ValidationError as exc:
            raise CommandError(_messages(exc), returncode=2) from None
        for name, part in result.parts.items():
            revision = part.get("revision")
            self.stdout.write(f"{result.period} {name}: {part['status']}" + (f" (revision {revision})" if revision else ""))
            for line in part.get("differences", []):
                self.stdout.write(f"  {line}")
        if result.status == CHANGED:
            self.stderr.write(
                f"{result.period}: the history before the period's end has changed; nothing was published. "
                "Rerun with --reissue --reason \"...\" to publish a new revision."
            )
            sys.exit(1)
        if result.status == PUBLISHED:
            self.stdout.write(self.style.SUCCESS(f"{result.period}: published"))
        else:
            self.stdout.write(f"{result.period}: unchanged, nothing written")
