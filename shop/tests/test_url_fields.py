"""URL fields are stored and echoed, never fetched by the server (no SSRF through them)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Category, Product
from catalog.tests.factories import CategoryFactory
from content.models import BlogPost
from orders.models import ProductRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def watched_server():
    """A local HTTP server that records every request it receives; yields (base URL, hits)."""
    hits: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(f"GET {self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        do_HEAD = do_POST = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def test_the_watched_server_records_hits(watched_server):
    from urllib.request import urlopen

    base, hits = watched_server
    urlopen(f"{base}/probe.png", timeout=5).close()

    assert hits == ["GET /probe.png"]


def test_category_image_url_is_stored_never_fetched(watched_server, staff_client, api_client):
    base, hits = watched_server
    created = staff_client.post("/api/categories", {"name": "Lamps", "image_url": f"{base}/c1.png"}, format="json")
    category_id = created.json()["id"]
    updated = staff_client.patch(f"/api/categories/{category_id}", {"image_url": f"{base}/c2.png"}, format="json")
    listed = api_client.get("/api/categories")
    detail = api_client.get(f"/api/categories/{category_id}")

    assert (created.status_code, updated.status_code, listed.status_code, detail.status_code) == (201, 200, 200, 200)
    assert detail.json()["image_url"] == f"{base}/c2.png"
    assert Category.objects.get(pk=category_id).image_url == f"{base}/c2.png"
    assert hits == []


def test_product_image_urls_are_stored_never_fetched(watched_server, staff_client, api_client):
    base, hits = watched_server
    category = CategoryFactory()
    created = staff_client.post(
        "/api/products",
        {
            "name": "Desk lamp",
            "price": "19.99",
            "quantity": 3,
            "category_ids": [category.pk],
            "image_cover": f"{base}/cover.png",
            "images": [f"{base}/g1.png", f"{base}/g2.png"],
        },
        format="json",
    )
    product_id = created.json()["id"]
    updated = staff_client.patch(
        f"/api/products/{product_id}",
        {"image_cover": f"{base}/cover2.png", "images": [f"{base}/g3.png"]},
        format="json",
    )
    detail = api_client.get(f"/api/products/{product_id}")
    listed = api_client.get("/api/products")
    deleted = staff_client.delete(f"/api/products/{product_id}")

    assert [r.status_code for r in (created, updated, detail, listed)] == [201, 200, 200, 200]
    assert deleted.status_code in (200, 204)
    assert detail.json()["image_cover"] == f"{base}/cover2.png"
    assert detail.json()["images"] == [f"{base}/g3.png"]
    assert not Product.objects.filter(pk=product_id).exists()
    assert hits == []


def test_blog_image_url_is_stored_never_fetched(watched_server, staff_client, api_client):
    base, hits = watched_server
    created = staff_client.post(
        "/api/blogs", {"title": "Hello", "content": "Body", "image_url": f"{base}/b1.png"}, format="json"
    )
    blog_id = created.json()["id"]
    updated = staff_client.patch(f"/api/blogs/{blog_id}", {"image_url": f"{base}/b2.png"}, format="json")
    listed = api_client.get("/api/blogs")
    detail = api_client.get(f"/api/blogs/{blog_id}")

    assert [r.status_code for r in (created, updated, listed, detail)] == [201, 200, 200, 200]
    assert BlogPost.objects.get(pk=blog_id).image_url == f"{base}/b2.png"
    assert hits == []


def test_product_request_reference_url_is_stored_never_fetched(watched_server, api_client, staff_client):
    base, hits = watched_server
    data = {
        "full_name": "Jean Dupont",
        "email": "jean@example.com",
        "description": "A low oak table like the one in the link.",
        "reference_url": f"{base}/reference.html",
    }
    created = api_client.post("/api/product-requests", {"data": json.dumps(data)}, format="multipart")
    request_id = created.json()["id"]
    detail = staff_client.get(f"/api/product-requests/{request_id}")
    listed = staff_client.get("/api/product-requests")
    moved = staff_client.patch(f"/api/product-requests/{request_id}/status", {"status": "answered"}, format="json")

    assert [r.status_code for r in (created, detail, listed, moved)] == [201, 200, 200, 200]
    assert detail.json()["reference_url"] == f"{base}/reference.html"
    assert ProductRequest.objects.get(pk=request_id).reference_url == f"{base}/reference.html"
    assert hits == []


def test_imported_product_image_urls_are_stored_never_fetched(watched_server, staff_client):
    base, hits = watched_server
    csv = f"name,sku,price,quantity,image_cover,images\nLamp,L-1,12.50,2,{base}/cover.png,{base}/g1.png|{base}/g2.png\n"

    response = staff_client.post(
        "/api/products/import", {"file": SimpleUploadedFile("products.csv", csv.encode())}, format="multipart"
    )

    assert (response.status_code, response.json()["created"], response.json()["errors"]) == (200, 1, [])
    product = Product.objects.get(sku="L-1")
    assert product.image_cover == f"{base}/cover.png"
    assert [image.url for image in product.images.order_by("pk")] == [f"{base}/g1.png", f"{base}/g2.png"]
    exported = staff_client.get("/api/products/export?format=csv")
    assert exported.status_code == 200
    assert hits == []
