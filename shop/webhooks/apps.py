from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "shop.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
