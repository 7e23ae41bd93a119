"""Deleted storage objects: kept for `DELETED_RETENTION_DAYS`, then purged (`purge_deleted`).

A delete calls `purge_later(keys)` inside its transaction. With a retention period the keys
are recorded as PendingPurge rows in that transaction; with 0 days the objects are removed
once it commits, as before. `purge_due` removes the objects whose period is over, unless a
row names them again (a restored backup): then only the pending row goes.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .models import PendingPurge
from .references import referenced

logger = logging.getLogger("modelhub.retention")

BATCH = 500


def retention() -> timedelta:
    return timedelta(days=settings.DELETED_RETENTION_DAYS)


def delete_objects(keys) -> list[str]:
    """Removes objects now; returns the keys that could not be removed (logged)."""
    failed = []
    for key in keys:
        try:
            default_storage.delete(key)
        except Exception:
            logger.exception(
                "could not delete stored object %s; `purge_deleted` or "
                "`check_storage --repair` will try again",
                key,
            )
            failed.append(key)
    return failed


def purge_later(keys) -> None:
    """Called inside the transaction that deletes the rows naming `keys`."""
    keys = sorted({key for key in keys if key})
    if not keys:
        return
    if not settings.DELETED_RETENTION_DAYS:
        transaction.on_commit(lambda: delete_objects(keys))
        return
    now = timezone.now()
    # A key deleted again (after a restore named it once more) starts a new period.
    PendingPurge.objects.bulk_create(
        [PendingPurge(storage_key=key, deleted_at=now) for key in keys],
        update_conflicts=True,
        unique_fields=["storage_key"],
        update_fields=["deleted_at"],
    )


def pending_keys() -> set[str]:
    return set(PendingPurge.objects.values_list("storage_key", flat=True))


@dataclass
class PurgeSummary:
    purged: list[str] = field(default_factory=list)
    # Named again by a row (a restore brought it back): the object stays, the pending row goes.
    kept: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    waiting: int = 0


def purge_due(*, now=None, dry_run: bool = False) -> PurgeSummary:
    """Removes the objects deleted more than the retention period before `now`."""
    now = now or timezone.now()
    due = PendingPurge.objects.filter(deleted_at__lte=now - retention()).order_by("pk")
    summary = PurgeSummary(
        waiting=PendingPurge.objects.filter(deleted_at__gt=now - retention()).count()
    )
    last_pk = 0
    while True:
        batch = list(due.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            break
        last_pk = batch[-1].pk
        keys = [row.storage_key for row in batch]
        named = referenced(keys)
        kept = [key for key in keys if key in named]
        to_purge = [key for key in keys if key not in named]
        summary.kept.extend(kept)
        if dry_run:
            summary.purged.extend(to_purge)
            continue
        PendingPurge.objects.filter(storage_key__in=kept).delete()
        failed = set(delete_objects(to_purge))
        summary.failed.extend(key for key in to_purge if key in failed)
        done = [key for key in to_purge if key not in failed]
        summary.purged.extend(done)
        PendingPurge.objects.filter(storage_key__in=done).delete()
    return summary
