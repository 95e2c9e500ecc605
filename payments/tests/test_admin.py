import pytest

from accounts.tests.factories import StaffFactory, SuperuserFactory
from payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def test_payment_admin_lists_searches_and_filters(client):
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    wanted = PaymentFactory(reference="BANK-77", method="bank_transfer")
    PaymentFactory(reference="CARD-X", method="card")

    by_reference = client.get("/admin/payments/payment/?q=BANK-77")
    by_order = client.get(f"/admin/payments/payment/?q={wanted.order_id}")
    by_method = client.get("/admin/payments/payment/?method__exact=bank_transfer")
    by_text_as_order = client.get("/admin/payments/payment/?q=not-a-number")

    for response in (by_reference, by_order, by_method):
        assert response.status_code == 200
        assert [p.pk for p in response.context["cl"].result_list] == [wanted.pk]
    assert by_text_as_order.status_code == 200


def test_payment_admin_is_read_only(client):
    client.force_login(SuperuserFactory())
    payment = PaymentFactory()

    assert client.get("/admin/payments/payment/add/").status_code == 403
    assert client.get(f"/admin/payments/payment/{payment.pk}/change/").status_code == 200
    assert client.post(f"/admin/payments/payment/{payment.pk}/delete/").status_code == 403
