"""Jobs: long work a staff member starts over the API, run on the queue, followed at GET /api/jobs/<id>.

The app that owns the work (catalog for imports and exports) creates the job with
`job_create`, queues its own task on commit, and the task runs the work through
`job_execute`, which records progress, the result, or why it failed.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from shop.errors import DomainError
from shop.jobs.models import Job, JobKind, JobStatus

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]


def job_storage():
    """Where job files live: private (nothing serves it), shared by the web servers and the workers."""
    return storages["jobs"]


def job_create(*, kind: JobKind, user: User, params: dict, input_file: BinaryIO | None = None) -> Job:
    """A queued job, its input file (an upload) copied into the job storage. The caller queues the task."""
    input_name = ""
    if input_file is not None:
        input_name = job_storage().save(f"input/{kind}-{timezone.now():%Y%m%d-%H%M%S}", File(input_file))
    return Job.objects.create(kind=kind, created_by=user, params=params, input_name=input_name)


def job_output_store(*, job: Job, file: File, filename: str) -> None:
    """Save what a job produced; GET /api/jobs/<id>/file streams it as `filename`."""
    job.output_name = job_storage().save(f"output/{filename}", file)
    job.params = job.params | {"filename": filename}
    Job.objects.filter(pk=job.pk).update(output_name=job.output_name, params=job.params)


def job_progress(*, job_id: int, done: int, total: int | None) -> None:
    """Record how far a running job got; committed at once, so GET /api/jobs/<id> sees it move."""
    Job.objects.filter(pk=job_id).update(progress_done=done, progress_total=total)


def job_execute(*, job_id: int, work: Callable[[Job, Progress], dict]) -> None:
    """Run `work(job, progress)` for a queued job and record its result, or why it failed.

    Idempotent: a job that is no longer queued (a task delivered twice) is left alone.
    A `DomainError` (the file is unreadable, empty...) fails the job with its message;
    anything else fails it as an internal error and is raised again for the worker's log.
    The input file is deleted once the job ends.
    """
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)

    def progress(done: int, total: int | None) -> None:
        job_progress(job_id=job_id, done=done, total=total)

    try:
        result = work(job, progress)
    except DomainError as error:
        _job_finish(job, status=JobStatus.FAILED, error=error.message)
    except Exception:
        _job_finish(job, status=JobStatus.FAILED, error="The job stopped on an internal error; staff can see the log.")
        raise
    else:
        _job_finish(job, status=JobStatus.SUCCEEDED, result=result)


def _job_finish(job: Job, *, status: JobStatus, result: dict | None = None, error: str = "") -> None:
    fields = {"status": status, "result": result, "error": error, "finished_at": timezone.now()}
    if status == JobStatus.SUCCEEDED:
        job.refresh_from_db(fields=["progress_total"])
        fields["progress_done"] = job.progress_total or 0
    Job.objects.filter(pk=job.pk).update(**fields)
    if job.input_name:
        transaction.on_commit(lambda: job_storage().delete(job.input_name))


def job_files_purge(*, older_than: timedelta) -> int:
    """Delete the output files of jobs that ended more than `older_than` ago; returns how many went.

    The job rows stay (their result and error remain readable); their file URL then answers 404.
    """
    ended = Job.objects.filter(finished_at__lt=timezone.now() - older_than).exclude(output_name="")
    purged = 0
    for job_id, output_name in ended.values_list("id", "output_name"):
        job_storage().delete(output_name)
        Job.objects.filter(pk=job_id).update(output_name="")
        purged += 1
    return purged
