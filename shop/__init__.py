# Loaded with Django, so `@shared_task` functions bind to the shop's Celery app and its settings.
from shop.celery import app as celery_app

__all__ = ("celery_app",)
