import io
import tempfile

from celery import shared_task
from django.core.files import File
from django.urls import reverse

from catalog.models import Product
from catalog.services.product_export import product_export_csv, product_export_xlsx
from catalog.services.product_import import product_import
from shop.jobs.models import Job
from shop.jobs.services import Progress, job_execute, job_output_store, job_storage


@shared_task
def product_import_run(job_id: int) -> None:
    """An import job (POST /api/products/import?async=true): progress after each committed batch."""
    job_execute(job_id=job_id, work=_import)


@shared_task
def product_export_run(job_id: int) -> None:
    """An export job (GET /api/products/export?async=true): the file goes to the job storage."""
    job_execute(job_id=job_id, work=_export)


def _import(job: Job, progress: Progress) -> dict:
    with job_storage().open(job.input_name, "rb") as stream:
        report = product_import(
            file=stream,
            filename=job.params["filename"],
            dry_run=job.params["dry_run"],
            # Jobs queued before set_stock existed never set stock.
            set_stock=job.params.get("set_stock", False),
            actor=job.created_by,
            on_progress=progress,
        )
    return report.as_dict()


def _export(job: Job, progress: Progress) -> dict:
    export_format = job.params["format"]
    total = Product.objects.count()
    progress(0, total)
    # openpyxl writes a zip, which needs a seekable file; CSV goes through the same kind of file.
    with tempfile.TemporaryFile() as output:
        if export_format == "csv":
            text = io.TextIOWrapper(output, encoding="utf-8", newline="")
            product_export_csv(stream=text)
            text.flush()
            text.detach()
        else:
            product_export_xlsx(stream=output)
        output.seek(0)
        job_output_store(job=job, file=File(output), filename=f"products-{job.pk}.{export_format}")
    progress(total, total)
    return {"url": reverse("job-file", args=[job.pk])}
