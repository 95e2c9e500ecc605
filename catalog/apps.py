from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"

    def ready(self):
        from catalog.signals import signals_connect

        signals_connect()
