"""The Celery app behind every background task (README, "Background work").

Tasks are `@shared_task` functions in `<app>/tasks.py` that take ids; services enqueue
them with `task.delay_on_commit(...)`, so a rolled-back change sends nothing.

With a broker (`CELERY_BROKER_URL`, by default `REDIS_URL`) the tasks go to the
workers (`make worker`) and `make beat` runs `CELERY_BEAT_SCHEDULE`. With none,
`.delay()` and `.apply_async()` hand the task to a small thread pool inside this
process (shop/task_pool.py), so no response waits for it and `make run` needs nothing
more; shop/periodic.py runs the schedule there. `CELERY_TASK_ALWAYS_EAGER` (Celery's
own switch, which the test suite turns on) runs tasks in the caller's thread instead.
"""

import logging
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

logger = logging.getLogger(__name__)


def runs_in_process(app: Celery) -> bool:
    """True when tasks run on this process's thread pool: no broker, and not Celery's eager mode."""
    return not app.conf.broker_url and not app.conf.task_always_eager


class ShopTask(DjangoTask):
    """Every task's base: routes to the in-process pool without a broker, survives a broker outage."""

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, **options):
        if runs_in_process(self.app):
            from shop import task_pool

            return task_pool.submit(self, args=args, kwargs=kwargs, task_id=task_id, options=options)
        return super().apply_async(args, kwargs, task_id, producer, **options)

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(lambda: self._send_or_log(args, kwargs, {}))

    def apply_async_on_commit(self, args=None, kwargs=None, **options) -> None:
        transaction.on_commit(lambda: self._send_or_log(args, kwargs, options))

    def _send_or_log(self, args, kwargs, options) -> None:
        # The change is committed by now: a broker outage must not turn its answer into a 500.
        # What the task would have done is not lost where it matters: the outbox and the
        # periodic jobs pick up the rows left behind.
        try:
            self.apply_async(args, kwargs, **options)
        except OperationalError:
            logger.exception("Task %s was not queued: the broker cannot be reached", self.name)

    def retry(self, args=None, kwargs=None, exc=None, throw=True, eta=None, countdown=None, **options):
        if not (self.request.is_eager and runs_in_process(self.app)):
            return super().retry(args, kwargs, exc, throw, eta, countdown, **options)
        # Celery runs an eager task's retry at once, in the same call; on the pool it
        # waits its countdown like a worker's would (shop/task_pool.py schedules it).
        retry = super().retry(args, kwargs, exc, False, eta, countdown, **options)
        retry.sig.apply_async()
        retry.sig = None
        if throw:
            raise retry
        return retry


app = Celery("shop", task_cls=ShopTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
