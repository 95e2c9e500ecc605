from django.apps import AppConfig
from django.core.signals import request_started


class ShopConfig(AppConfig):
    name = "shop"

    def ready(self):
        from shop.celery import app
        from shop.periodic import periodic_jobs_start_due

        # Celery finds the `<app>/tasks.py` modules only when a worker starts; the web process
        # needs them registered too, to run CELERY_BEAT_SCHEDULE's tasks by name without a broker.
        app.autodiscover_tasks(force=True)
        request_started.connect(periodic_jobs_start_due, dispatch_uid="shop.periodic_jobs_start_due")
