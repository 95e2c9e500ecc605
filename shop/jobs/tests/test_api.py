"""Product import and export jobs through the API (Celery's eager mode: the task runs on commit, in-thread)."""

import csv
import io
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from conftest import client_for
from shop.jobs.models import Job
from shop.jobs.tasks import purge_job_files
from shop.tests.celery_worker import broker_for_this_process

pytestmark = pytest.mark.django_db

HEADER = ["name", "sku", "price", "quantity"]


def _csv_upload(rows: list[list], name: str = "products.csv") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(), content_type="text/csv")


def _import_async(client, upload, **params):
    with_query = "/api/products/import?async=true"
    return client.post(with_query, {"file": upload, **params}, format="multipart")


def test_an_async_import_answers_202_and_its_job_reports_the_import(staff_client, django_capture_on_commit_callbacks):
    upload = _csv_upload([["Mug", "MUG-1", "9.50", "3"], ["Bad", "BAD-1", "not-a-price", "1"]])

    with django_capture_on_commit_callbacks(execute=True):
        response = _import_async(staff_client, upload)

    assert response.status_code == 202
    job = staff_client.get(f"/api/jobs/{response.json()['job_id']}").json()
    assert job["kind"] == "product_import"
    assert job["status"] == "succeeded"
    assert job["progress"] == {"done": 2, "total": 2}
    assert job["result"]["created"] == 1
    assert [error["row"] for error in job["result"]["errors"]] == [3]
    assert job["error"] is None
    assert job["finished_at"] is not None
    assert Product.objects.get().sku == "MUG-1"


def test_a_file_over_the_sync_limit_runs_as_a_job_without_asking(staff_client, settings):
    settings.PRODUCT_IMPORT_SYNC_MAX_MB = 0.0001

    response = staff_client.post(
        "/api/products/import", {"file": _csv_upload([["Mug", "MUG-1", "9.50", "3"]] * 10)}, format="multipart"
    )

    assert response.status_code == 202
    assert Job.objects.get(pk=response.json()["job_id"]).status == "queued"


def test_a_job_that_cannot_read_its_file_fails_and_says_why(staff_client, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("products.csv", b"name,sku\nMug,MUG-1\n", content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        response = _import_async(staff_client, upload)

    job = staff_client.get(f"/api/jobs/{response.json()['job_id']}").json()
    assert (job["status"], job["error"]) == ("failed", "Missing columns: price.")


def test_an_async_export_writes_a_file_only_its_starter_or_a_superuser_can_fetch(
    staff_client, superuser_client, django_capture_on_commit_callbacks
):
    ProductFactory(name="Teapot", sku="TEA-1")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.get("/api/products/export?async=true&format=csv")

    assert response.status_code == 202
    job_id = response.json()["job_id"]
    job = staff_client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "succeeded"
    assert job["result"] == {"url": f"/api/jobs/{job_id}/file"}
    download = staff_client.get(job["result"]["url"])
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [(row["name"], row["sku"]) for row in rows] == [("Teapot", "TEA-1")]
    assert superuser_client.get(job["result"]["url"]).status_code == 200
    other_staff = client_for(StaffFactory())
    assert other_staff.get(f"/api/jobs/{job_id}").status_code == 404
    assert other_staff.get(f"/api/jobs/{job_id}/file").status_code == 404


def test_customers_cannot_see_jobs(customer_client, staff, django_capture_on_commit_callbacks):
    job = Job.objects.create(kind="product_export", created_by=staff, params={"format": "csv"})

    assert customer_client.get(f"/api/jobs/{job.pk}").status_code == 403


def test_a_queued_export_has_no_file_yet(staff_client, staff):
    job = Job.objects.create(kind="product_export", created_by=staff, params={"format": "csv"})

    response = staff_client.get(f"/api/jobs/{job.pk}/file")

    assert (response.status_code, response.json()["code"]) == (404, "job_file_not_ready")


def test_async_must_be_a_boolean(staff_client):
    response = staff_client.get("/api/products/export?async=maybe")

    assert (response.status_code, response.json()["field"]) == (400, "async")


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_an_async_import_runs_on_the_web_process_pool(staff_client):
    with broker_for_this_process(""):
        response = _import_async(staff_client, _csv_upload([["Mug", "MUG-1", "9.50", "3"]]))
        job_id = response.json()["job_id"]
        deadline = time.monotonic() + 30
        while Job.objects.get(pk=job_id).status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.05)

    assert response.status_code == 202
    assert staff_client.get(f"/api/jobs/{job_id}").json()["status"] == "succeeded"
    assert Product.objects.get().sku == "MUG-1"


def test_staff_see_jobs_in_the_admin(staff, superuser, client):
    job = Job.objects.create(kind="product_import", created_by=staff, status="failed", error="Missing columns: price.")
    client.force_login(superuser)

    listing = client.get("/admin/jobs/job/")
    page = client.get(f"/admin/jobs/job/{job.pk}/change/")

    assert listing.status_code == 200
    assert "Product import" in listing.content.decode()
    assert page.status_code == 200
    assert "Missing columns: price." in page.content.decode()


def test_the_daily_purge_deletes_old_export_files_only(staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        old = staff_client.get("/api/products/export?async=true").json()["job_id"]
        recent = staff_client.get("/api/products/export?async=true").json()["job_id"]
    Job.objects.filter(pk=old).update(finished_at=timezone.now() - timedelta(days=8))

    assert purge_job_files.delay().get() == 1

    assert staff_client.get(f"/api/jobs/{old}/file").status_code == 404
    assert staff_client.get(f"/api/jobs/{recent}/file").status_code == 200
    assert staff_client.get(f"/api/jobs/{old}").json()["status"] == "succeeded"
