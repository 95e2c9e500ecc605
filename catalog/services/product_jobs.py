"""Product imports and exports run as jobs on the queue (jobs/), for files too large to wait for."""

from typing import BinaryIO

from accounts.models import User
from catalog.tasks import product_export_run, product_import_run
from shop.jobs.models import Job, JobKind
from shop.jobs.services import job_create


def product_import_job_start(*, file: BinaryIO, filename: str, dry_run: bool, set_stock: bool, user: User) -> Job:
    """Store the upload and queue its import on commit; the job's result is the import's report."""
    job = job_create(
        kind=JobKind.PRODUCT_IMPORT,
        user=user,
        params={"filename": filename, "dry_run": dry_run, "set_stock": set_stock},
        input_file=file,
    )
    product_import_run.delay_on_commit(job.pk)
    return job


def product_export_job_start(*, export_format: str, user: User) -> Job:
    """Queue an export to the job storage; the job's result holds the URL that streams the file."""
    job = job_create(kind=JobKind.PRODUCT_EXPORT, user=user, params={"format": export_format})
    product_export_run.delay_on_commit(job.pk)
    return job
