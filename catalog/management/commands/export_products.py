from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.services.product_export import product_export_csv, product_export_xlsx


class Command(BaseCommand):
    help = "Write every product to CSV or XLSX in the format import_products reads."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Default: from --output's suffix, else csv.")
        parser.add_argument("--output", type=Path, help="File to write; CSV goes to standard output without it.")

    def handle(self, *args, format: str | None, output: Path | None, **options):
        export_format = format or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
        if export_format == "xlsx" and output is None:
            raise CommandError("XLSX needs --output FILE.")
        if output is None:
            product_export_csv(stream=self.stdout)
            return
        try:
            if export_format == "xlsx":
                with output.open("wb") as stream:
                    count = product_export_xlsx(stream=stream)
            else:
                with output.open("w", encoding="utf-8", newline="") as stream:
                    count = product_export_csv(stream=stream)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        self.stdout.write(self.style.SUCCESS(f"{count} products written to {output}."))
