"""Jobs on a real Celery worker process (the `celery_worker` fixture) fed through the API."""

import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accounts.tests.factories import StaffFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _polling_is_not_throttled(throttle_rates):
    throttle_rates(user="1000000/min")


ROWS = 6000


def _catalog_csv(rows: int) -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["name", "sku", "price", "quantity"])
    for number in range(rows):
        writer.writerow([f"Product {number}", f"SKU-{number:05}", "4.50", "7"])
    return SimpleUploadedFile("catalog.csv", text.getvalue().encode(), content_type="text/csv")


def _follow(client, job_id: int, worker, timeout: float = 120.0) -> list[dict]:
    """Every distinct state of the job, polled until it ends."""
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(f"/api/jobs/{job_id}")
        assert response.status_code == 200, response.json()
        job = response.json()
        if not seen or (job["status"], job["progress"]) != (seen[-1]["status"], seen[-1]["progress"]):
            seen.append(job)
        if job["status"] in ("succeeded", "failed"):
            return seen
        time.sleep(0.01)
    pytest.fail(f"job {job_id} did not end in {timeout}s: {seen[-1:]}\n{worker.log_text()}")


def test_an_async_import_of_thousands_of_rows_runs_on_the_worker_with_progress(celery_worker):
    staff = client_for(StaffFactory())

    response = staff.post("/api/products/import?async=true", {"file": _catalog_csv(ROWS)}, format="multipart")

    assert response.status_code == 202
    states = _follow(staff, response.json()["job_id"], celery_worker)
    final = states[-1]
    assert final["status"] == "succeeded", celery_worker.log_text()
    assert final["progress"] == {"done": ROWS, "total": ROWS}
    assert (final["result"]["created"], final["result"]["errors"]) == (ROWS, [])
    # Seen moving: part-way counts between the queued job and the finished one.
    partway = [state["progress"]["done"] for state in states if 0 < state["progress"]["done"] < ROWS]
    assert partway == sorted(partway)
    assert partway, states
    assert Product.objects.count() == ROWS
    assert "catalog.tasks.product_import_run" in celery_worker.log_text()


def test_an_async_export_written_by_the_worker_streams_to_its_starter(celery_worker):
    ProductFactory(name="Teapot", sku="TEA-1")
    staff = client_for(StaffFactory())

    response = staff.get("/api/products/export?async=true&format=xlsx")

    final = _follow(staff, response.json()["job_id"], celery_worker)[-1]
    assert final["status"] == "succeeded", celery_worker.log_text()
    download = staff.get(final["result"]["url"])
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("name", "slug", "sku")
    assert rows[1][0] == "Teapot"
