"""Tasks without a broker: queued on commit, run on the web process's thread pool (shop/task_pool.py)."""

import socket
import threading

import pytest
from celery import shared_task
from django.db import transaction
from kombu.exceptions import EncodeError

from shop.tests.celery_worker import broker_for_this_process

# Label -> the threads a run of `record_run` happened on, for the test that queued it.
_runs: dict[str, list[str]] = {}
_ran = threading.Condition()


def _record(label: str) -> None:
    with _ran:
        _runs.setdefault(label, []).append(threading.current_thread().name)
        _ran.notify_all()


@shared_task
def record_run(label: str) -> None:
    _record(label)


@shared_task(bind=True, max_retries=1)
def fail_once_then_record(self, label: str) -> None:
    if self.request.retries == 0:
        _record(f"{label}:failed")
        raise self.retry(countdown=0.3)
    _record(label)


def _wait_for_runs(label: str, count: int = 1, timeout: float = 10.0) -> list[str]:
    with _ran:
        _ran.wait_for(lambda: len(_runs.get(label, [])) >= count, timeout=timeout)
        return list(_runs.get(label, []))


@pytest.fixture
def no_broker():
    """The embedded default: no broker, not Celery's eager test mode."""
    with broker_for_this_process(""):
        yield


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_transaction_that_rolls_back_never_runs(no_broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_run.delay_on_commit("rolled-back")
        raise RuntimeError("the change fails")
    record_run.delay_on_commit("committed-after")

    # The later task ran, so the pool is idle by now: the first one was never queued.
    assert _wait_for_runs("committed-after")
    assert "rolled-back" not in _runs


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_on_commit_runs_on_the_pool_not_the_callers_thread(no_broker):
    with transaction.atomic():
        record_run.delay_on_commit("committed")
        assert "committed" not in _runs

    threads = _wait_for_runs("committed")
    assert len(threads) == 1
    assert threads[0].startswith("task")
    assert threads[0] != threading.current_thread().name


@pytest.mark.django_db(transaction=True)
def test_a_retry_on_the_pool_waits_its_countdown_and_runs_again(no_broker):
    fail_once_then_record.delay("retried")

    assert _wait_for_runs("retried:failed")
    # Celery's eager mode would have run the retry inside the first call, before it returned.
    assert "retried" not in _runs
    assert len(_wait_for_runs("retried")) == 1


def test_arguments_that_a_broker_could_not_carry_are_refused_when_queued(no_broker):
    with pytest.raises(EncodeError):
        record_run.delay(object())


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_broker_leaves_the_committed_change_answering(caplog):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    with broker_for_this_process(f"redis://127.0.0.1:{closed_port}/0"), transaction.atomic():
        record_run.delay_on_commit("unreachable")

    assert "record_run was not queued: the broker cannot be reached" in caplog.text
