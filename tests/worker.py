"""A real Celery worker for the tests, in a thread, consuming every queue of the test Redis broker."""

from contextlib import contextmanager

from celery.contrib.testing.worker import start_worker

from config.celery import QUEUES, app


@contextmanager
def worker_on_every_queue():
    app.loader.import_default_modules()
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=",".join(QUEUES)
    ) as worker:
        yield worker
