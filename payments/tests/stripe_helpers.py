"""What the money tests share: paying an order through the API and delivering Stripe's signed events."""

from rest_framework.test import APIClient

WEBHOOK_URL = "/api/payments/stripe/webhook"


def pay(client, order) -> dict:
    response = client.post(f"/api/orders/{order.pk}/pay", format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def deliver(fake_stripe, event: dict, **signing):
    """POST `event` to the webhook signed as Stripe signs it (`signing`: secret=, timestamp=)."""
    payload, signature = fake_stripe.signed_event(event, **signing)
    return APIClient().generic(
        "POST", WEBHOOK_URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
