import factory

from shop.webhooks.models import WebhookEndpoint, WebhookEventType
from shop.webhooks.signing import webhook_secret_generate


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    """An active endpoint taking every event type; point `url` at a `webhook_receiver`."""

    class Meta:
        model = WebhookEndpoint

    url = "https://hooks.example.com/shop"
    events = factory.LazyFunction(lambda: list(WebhookEventType.values))
    secret = factory.LazyFunction(webhook_secret_generate)
