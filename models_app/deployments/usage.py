"""Usage of the gateway, per endpoint key and per deployment: requests, errors, prompt and
completion tokens, latency p50/p95. Each request makes one `GatewayCall` row; figures are
read from those rows when a page shows them.

In a web worker the rows are not inserted one by one on the request's path: `record_call`
queues them in memory and a writer thread of the worker inserts what is queued in one
`bulk_create`, every `GATEWAY_USAGE_FLUSH_SECONDS` or as soon as `FLUSH_ROWS` are waiting
(gunicorn's `post_worker_init` hook starts it). `flush_usage()` writes the queue at once: the
usage figures call it before reading, gunicorn's `worker_exit` hook and `atexit` call it at
the end, so a worker that exits (recycled, reloaded, stopped) loses nothing. Only a killed
worker (SIGKILL) loses what it queued in its last second. A process without the writer
(runserver, commands, tests) inserts each row at once, as before."""

import atexit
import logging
import math
import os
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import (
    DatabaseError,
    IntegrityError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import Deployment, EndpointKey, GatewayCall

logger = logging.getLogger("modelhub.gateway")

# The latency percentiles are read over this many most recent requests.
LATENCY_WINDOW = 1000
# A batch is written early once this many rows wait.
FLUSH_ROWS = 500
# While the database refuses the inserts, at most this many rows wait for it (the oldest are
# dropped past it, and said so in the log): memory stays bounded in an outage.
QUEUE_MAX = 100_000


def _usage_row(*, deployment, key, status, prompt_tokens, completion_tokens, latency_ms):
    return GatewayCall(
        deployment=deployment,
        key=key,
        at=timezone.now(),
        status=status,
        prompt_tokens=max(0, int(prompt_tokens or 0)),
        completion_tokens=max(0, int(completion_tokens or 0)),
        latency_ms=max(0, int(latency_ms)),
    )


class UsageWriter:
    """The queue of usage rows of one process and the thread that writes it."""

    def __init__(self):
        self._reset()

    def _reset(self):
        self._rows: list[GatewayCall] = []
        self._lock = threading.Lock()
        # One flush at a time: the writer thread's and an explicit one must not interleave.
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def after_fork(self):
        """A forked child inherits the queue but not the thread: the parent writes those
        rows; the child starts empty, with locks no other thread may be holding."""
        self._reset()

    @property
    def running(self) -> bool:
        """Whether this process queues its rows (a writer thread of its own runs)."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, interval: float) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(interval,), name="gateway-usage-writer", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stops the thread and writes what is queued; later rows are inserted at once."""
        thread = self._thread
        self._thread = None
        self._stop.set()
        self._wake.set()
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout=30)
        self.flush()

    def record(self, row: GatewayCall) -> None:
        if not self.running:
            self._insert([row])
            return
        with self._lock:
            self._rows.append(row)
            waiting = len(self._rows)
            if waiting > QUEUE_MAX:
                del self._rows[: waiting - QUEUE_MAX]
        if waiting > QUEUE_MAX:
            logger.error("gateway usage: the oldest queued row dropped, the database refuses them")
        if waiting >= FLUSH_ROWS:
            self._wake.set()

    def flush(self) -> int:
        """Writes the queued rows now, in the calling thread; returns how many were written.
        Rows the database refused go back to the queue for the next flush."""
        with self._flushing:
            with self._lock:
                rows, self._rows = self._rows, []
            if not rows:
                return 0
            written = self._insert(rows)
            if written is None:
                with self._lock:
                    self._rows[:0] = rows[-QUEUE_MAX:]
                return 0
            return written

    def _insert(self, rows: list[GatewayCall]) -> int | None:
        """Inserts `rows`; None when the database refused them (and the refusal is logged).
        A row of a deployment or key deleted meanwhile is dropped, as deleting it would
        have removed the row."""
        try:
            try:
                with transaction.atomic():
                    GatewayCall.objects.bulk_create(rows)
            except IntegrityError:
                rows = _still_referenced(rows)
                with transaction.atomic():
                    GatewayCall.objects.bulk_create(rows)
        except DatabaseError:
            logger.exception("gateway usage not recorded yet (%d rows)", len(rows))
            return None
        return len(rows)

    def _run(self, interval: float) -> None:
        try:
            while True:
                self._wake.wait(interval)
                self._wake.clear()
                if self._stop.is_set():
                    break  # `stop` writes the rest, in its own thread
                # The thread lives as long as the worker: its connection is renewed as a
                # request's would be (CONN_MAX_AGE, after an error).
                close_old_connections()
                self.flush()
        finally:
            connection.close()


def _still_referenced(rows: list[GatewayCall]) -> list[GatewayCall]:
    deployments = {row.deployment_id for row in rows} - {None}
    keys = {row.key_id for row in rows} - {None}
    deployments &= set(Deployment.objects.filter(pk__in=deployments).values_list("pk", flat=True))
    keys &= set(EndpointKey.objects.filter(pk__in=keys).values_list("pk", flat=True))
    return [
        row
        for row in rows
        if (row.deployment_id is None or row.deployment_id in deployments)
        and (row.key_id is None or row.key_id in keys)
    ]


_writer = UsageWriter()
_exit_flush_registered = False
os.register_at_fork(after_in_child=_writer.after_fork)


def record_call(
    *, deployment, key, status: int, prompt_tokens=0, completion_tokens=0, latency_ms=0
):
    """Counts one request: queued when this process runs the writer, else inserted at once.
    A failure to count never fails the answer."""
    _writer.record(
        _usage_row(
            deployment=deployment,
            key=key,
            status=status,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_ms=latency_ms,
        )
    )


def start_usage_writer(interval: float | None = None) -> None:
    """Queues this process's usage rows from now on and writes them every `interval`
    seconds (GATEWAY_USAGE_FLUSH_SECONDS); what is queued at exit is written then."""
    global _exit_flush_registered
    _writer.start(settings.GATEWAY_USAGE_FLUSH_SECONDS if interval is None else interval)
    if not _exit_flush_registered:
        atexit.register(flush_usage)
        _exit_flush_registered = True


def stop_usage_writer() -> None:
    """Writes what is queued and goes back to inserting each row at once (gunicorn's
    worker_exit hook)."""
    _writer.stop()


def flush_usage() -> int:
    """Writes this process's queued usage rows now; returns how many."""
    return _writer.flush()


@dataclass(frozen=True)
class Usage:
    requests: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    latency_p50_ms: int | None
    latency_p95_ms: int | None


def percentile(sorted_values: list[int], fraction: float) -> int | None:
    """The nearest-rank percentile of an ascending list (None for an empty one)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def usage_of(calls) -> Usage:
    """The figures of a queryset of GatewayCall rows (one deployment's, one key's), with
    this process's queued rows written first."""
    flush_usage()
    totals = calls.aggregate(
        requests=Count("id"),
        errors=Count("id", filter=Q(status__gte=400)),
        prompt_tokens=Sum("prompt_tokens"),
        completion_tokens=Sum("completion_tokens"),
    )
    recent = sorted(calls.order_by("-id").values_list("latency_ms", flat=True)[:LATENCY_WINDOW])
    return Usage(
        requests=totals["requests"],
        errors=totals["errors"],
        prompt_tokens=totals["prompt_tokens"] or 0,
        completion_tokens=totals["completion_tokens"] or 0,
        latency_p50_ms=percentile(recent, 0.50),
        latency_p95_ms=percentile(recent, 0.95),
    )


def deployment_usage(deployment) -> Usage:
    return usage_of(GatewayCall.objects.filter(deployment=deployment))


def key_usage(key) -> Usage:
    return usage_of(GatewayCall.objects.filter(key=key))
