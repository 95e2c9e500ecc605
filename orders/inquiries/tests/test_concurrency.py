"""Staff racing on one request, on MariaDB/MySQL with real threads and connections."""

import threading

import pytest
from django.db import connection, connections

from accounts.tests.factories import StaffFactory
from conftest import client_for
from orders.inquiries.models import QuoteRequestNote
from orders.inquiries.tests.factories import QuoteRequestFactory

pytestmark = [
    pytest.mark.mysql_only,
    pytest.mark.skipif(connection.vendor != "mysql", reason="needs MySQL/MariaDB row locks"),
    pytest.mark.django_db(transaction=True),
]


def test_racing_notes_never_undo_a_move_to_quoted():
    # given a new request, eight staff adding notes and one moving it to quoted, all at once
    quote_request = QuoteRequestFactory()
    url = f"/api/quote-requests/{quote_request.pk}"
    clients = [client_for(StaffFactory()) for _ in range(9)]
    barrier = threading.Barrier(len(clients))
    statuses: list = [None] * len(clients)

    def run(index, client):
        try:
            barrier.wait(timeout=30)
            if index == 0:
                statuses[index] = client.patch(f"{url}/status", {"status": "quoted"}, format="json").status_code
            else:
                statuses[index] = client.post(f"{url}/notes", {"content": f"note {index}"}, format="json").status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then every write succeeded and the automatic new -> in_progress never overwrote quoted
    assert statuses == [200] + [201] * 8
    assert QuoteRequestNote.objects.filter(quote_request=quote_request).count() == 8
    quote_request.refresh_from_db()
    assert quote_request.status == "quoted"
    assert quote_request.quoted_at is not None
