from datetime import timedelta

from celery import shared_task
from django.conf import settings

from shop.jobs.services import job_files_purge


@shared_task
def purge_job_files() -> int:
    """Daily: delete export files older than JOB_FILES_KEEP_DAYS; returns how many went."""
    return job_files_purge(older_than=timedelta(days=settings.JOB_FILES_KEEP_DAYS))
