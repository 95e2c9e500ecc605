"""Bench: staff list of 5,000 quote requests and the assistant's catalog facts over 20,000 products.

Run on an empty scratch database (it bulk-inserts rows):
    export DATABASE_URL=sqlite:////tmp/bench.sqlite3
    python manage.py migrate && python manage.py shell < bench/requests_and_assistant.py
The first request of a process includes warming up; the repeated one is the measure.
"""

import time
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from assistant.prompt import system_prompt_build
from assistant.selectors import catalog_facts
from catalog.models import Category, Product
from orders.models import QuoteRequest, QuoteRequestItem, QuoteRequestNote

with transaction.atomic():
    cats = Category.objects.bulk_create([Category(name=f"Cat {n}", slug=f"cat-{n}") for n in range(200)])
    Product.objects.bulk_create(
        [
            Product(
                name=f"Product {n} {'oak' if n % 7 == 0 else 'pine'}",
                slug=f"p-{n}",
                price=Decimal("10.00"),
                quantity=n % 50,
                description="A sturdy piece " * 20,
            )
            for n in range(20_000)
        ],
        batch_size=2000,
    )
    product = Product.objects.first()
    qrs = QuoteRequest.objects.bulk_create(
        [QuoteRequest(full_name=f"Buyer {n}", email=f"b{n}@example.com") for n in range(5000)], batch_size=1000
    )
    QuoteRequestItem.objects.bulk_create(
        [
            QuoteRequestItem(
                quote_request=q, product=product, product_name="P", product_slug="p", unit_price=1, quantity=1
            )
            for q in qrs
            for _ in range(3)
        ],
        batch_size=2000,
    )
    QuoteRequestNote.objects.bulk_create(
        [QuoteRequestNote(quote_request=q, content="note") for q in qrs for _ in range(2)], batch_size=2000
    )
staff = User.objects.create_user("bench-staff@example.com", "x", is_staff=True)
client = APIClient()
client.force_authenticate(staff)
for limit in (5, 5, 100, 100):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get("/api/quote-requests", {"limit": limit, "page": 10})
        elapsed = time.perf_counter() - start
    print(
        f"GET /api/quote-requests?limit={limit}&page=10: {response.status_code} "
        f"{elapsed * 1000:.0f} ms, {len(queries)} queries"
    )
with CaptureQueriesContext(connection) as queries:
    start = time.perf_counter()
    prompt = system_prompt_build(catalog_facts(question="Do you have an oak table for my kitchen?"))
    elapsed = time.perf_counter() - start
print(
    f"assistant catalog facts + prompt over 20,000 products: {elapsed * 1000:.0f} ms, "
    f"{len(queries)} queries, {len(prompt)} chars"
)
