from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.services.product_import import DEFAULT_BATCH_SIZE, product_import
from shop.errors import DomainError


class Command(BaseCommand):
    help = "Create or update products from a CSV or XLSX file (matched by sku, else slug)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A .csv (UTF-8) or .xlsx file with the import columns.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count everything, write nothing.")
        parser.add_argument(
            "--set-stock",
            action="store_true",
            help="Take the file's stock counts for existing products and variants too (a stocktake). "
            "Without it their stock is left alone: units sold since the file was exported stay sold.",
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="Rows written per transaction.")

    def handle(self, *args, file: Path, dry_run: bool, set_stock: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        progress = tqdm(unit=" rows", file=self.stderr, disable=options["verbosity"] < 1, dynamic_ncols=True)

        def on_progress(done: int, total: int | None) -> None:
            progress.total = total
            progress.update(done - progress.n)

        try:
            with file.open("rb") as stream:
                report = product_import(
                    file=stream,
                    filename=file.name,
                    dry_run=dry_run,
                    set_stock=set_stock,
                    batch_size=batch_size,
                    on_progress=on_progress,
                )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except DomainError as error:
            raise CommandError(error.message) from None
        finally:
            progress.close()

        for error in report.errors:
            column = f" [{error['field']}]" if error["field"] else ""
            self.stderr.write(f"line {error['row']}{column}: {error['error']}")
        summary = (
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.stock_left_alone} stock counts left alone, {len(report.errors)} errors."
        )
        if dry_run:
            summary = f"Dry run, nothing written: {summary}"
        self.stdout.write(self.style.SUCCESS(summary) if not report.errors else self.style.WARNING(summary))
