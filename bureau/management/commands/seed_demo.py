"""`manage.py seed_demo`: the demo district, made through the services. Running it twice changes nothing.

Each app that has demo data offers a `demo` module with `ORDER` and `seed(stdout=...)`; they run
bottom-up (platform, places, cases, field work, assessment), so the platform knows no domain app.
"""
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load the demo district idempotently (accounts, places, cases, patrols, reports)."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="a smaller history (for tests)")
        parser.add_argument("--force-demo", action="store_true",
                            help="run under production settings anyway (accounts get no usable password)")

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["force_demo"]:
            raise CommandError("seed_demo loads made-up data: it refuses to run under production settings "
                               "(use --force-demo on a throwaway database). / 生产环境不加载演示数据。")
        modules = []
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            modules.append(module)
        for module in sorted(modules, key=lambda m: getattr(m, "ORDER", 100)):
            self.stdout.write(f"seed_demo: {module.__name__}")
            module.seed(stdout=self.stdout, quick=options["quick"])
        self.stdout.write(self.style.SUCCESS("seed_demo: done"))
