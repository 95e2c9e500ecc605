"""Real-thread races for the concurrency tests: every job in its own thread and connection, released at once."""

import threading

from django.db import connections


def race(jobs) -> list:
    """Run each job in its own thread, all released together by a barrier; return their results in order.

    A job that raises returns its exception, for the test to report: a thread must not die silently.
    Each thread closes its database connections, which Django opened for it and would otherwise leak.
    """
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racing job never finished"
    return results
