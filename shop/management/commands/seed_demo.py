from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Fill the database with a small demo shop. Safe to run again: it adds only what is missing."

    def handle(self, *args, **options):
        # Each app seeds its own demo data in `<app>/demo.py`, in INSTALLED_APPS order,
        # so the catalog exists before the orders that point at it.
        for config in apps.get_app_configs():
            try:
                demo = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as missing:
                if missing.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                summary = demo.seed()
            self.stdout.write(f"{config.label}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
