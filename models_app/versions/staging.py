"""Objects sent before the commit that names them (the Hugging Face client's LFS upload).

The client announces each object by SHA-256 and size, PUTs its bytes to a URL it was handed,
then commits paths naming the objects. An object is kept aside as a StagedObject until then:
it is no file of any version, `check_storage` leaves it alone during the grace period and
`--repair` removes it after (a client that never committed).
"""

import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from models_app.access.caller import as_caller

from . import blobs
from .models import StagedObject

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


class StagingRefused(ValueError):
    """The object cannot be staged or was not what was announced; the message says why."""


def check_announced(sha256: str, size) -> None:
    if not isinstance(sha256, str) or not SHA256_PATTERN.match(sha256):
        raise StagingRefused(_("An object id must be a SHA-256 in 64 lowercase hex digits."))
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise StagingRefused(_("An object size must be a whole number of bytes."))
    if size > settings.MAX_UPLOAD_BYTES:
        raise StagingRefused(_("The object is larger than the upload limit."))


def received_object(model, sha256: str, size: int) -> StagedObject | None:
    return StagedObject.objects.filter(
        model=model, sha256=sha256, size_bytes=size, received_at__isnull=False
    ).first()


def stage_expect(model, *, sha256: str, size: int, by) -> StagedObject:
    """The object awaited (or already received) for `sha256` in `model`."""
    check_announced(sha256, size)
    caller = as_caller(by)
    staged, _created = StagedObject.objects.get_or_create(
        model=model,
        sha256=sha256,
        defaults={
            "size_bytes": size,
            "storage_key": blobs.new_key(model),
            "created_by": caller.user if caller.is_signed_in else None,
        },
    )
    if staged.size_bytes != size and staged.received_at is None:
        StagedObject.objects.filter(pk=staged.pk).update(size_bytes=size)
        staged.size_bytes = size
    return staged


def stage_receive(staged: StagedObject, stream, length: int) -> StagedObject:
    """Streams the object's bytes to storage, hashing them on the way; an object whose size
    or SHA-256 is not the announced one is removed and refused."""
    if length != staged.size_bytes:
        raise StagingRefused(_("The upload's length is not the announced size."))
    reader = blobs.HashingReader(stream, expected=length)
    try:
        blobs.write_stream(staged.storage_key, reader)
    except blobs.Truncated as exc:
        raise StagingRefused(_("The upload ended before the announced size.")) from exc
    except blobs.TooLarge as exc:
        raise StagingRefused(_("The object is larger than the upload limit.")) from exc
    if reader.sha256.hexdigest() != staged.sha256:
        blobs.delete_quietly(staged.storage_key)
        raise StagingRefused(_("The uploaded bytes do not have the announced SHA-256."))
    staged.received_at = timezone.now()
    StagedObject.objects.filter(pk=staged.pk).update(received_at=staged.received_at)
    return staged


def staged_discard(staged_objects) -> None:
    """Forgets objects now copied into files; their bytes go once the transaction commits."""
    keys = [s.storage_key for s in staged_objects]
    StagedObject.objects.filter(pk__in=[s.pk for s in staged_objects]).delete()
    transaction.on_commit(lambda: blobs.delete_many(keys))


def staged_keys() -> set[str]:
    return set(StagedObject.objects.values_list("storage_key", flat=True))


def stale_staged(grace_hours: float):
    """Staged objects older than the grace period: their client never committed them."""
    cutoff = timezone.now() - timedelta(hours=grace_hours)
    return StagedObject.objects.filter(created_at__lt=cutoff)
