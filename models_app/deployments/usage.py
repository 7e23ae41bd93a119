"""Usage of the gateway, per endpoint key and per deployment: requests, errors, prompt and
completion tokens, latency p50/p95. Each request appends one `GatewayCall` row (the only
write on the hot path); figures are read from those rows when a page shows them."""

import logging
import math
from dataclasses import dataclass

from django.db import DatabaseError
from django.db.models import Count, Q, Sum

from .models import GatewayCall

logger = logging.getLogger("modelhub.gateway")

# The latency percentiles are read over this many most recent requests.
LATENCY_WINDOW = 1000


def record_call(
    *, deployment, key, status: int, prompt_tokens=0, completion_tokens=0, latency_ms=0
):
    """Appends the usage row of one request. A failure to count never fails the answer."""
    try:
        GatewayCall.objects.create(
            deployment=deployment,
            key=key,
            status=status,
            prompt_tokens=max(0, int(prompt_tokens or 0)),
            completion_tokens=max(0, int(completion_tokens or 0)),
            latency_ms=max(0, int(latency_ms)),
        )
    except DatabaseError:
        logger.exception("gateway usage not recorded")


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
    """The figures of a queryset of GatewayCall rows (one deployment's, one key's)."""
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
