"""Objects sent before the commit that names them (the Hugging Face client's LFS upload).

The client announces each object by SHA-256 and size, PUTs its bytes to a URL it was handed,
then commits paths naming the objects. An object is kept aside as a StagedObject until then:
it is no file of any version, `check_storage` leaves it alone during the grace period and
`--repair` removes it after (a client that never committed).
"""

import hashlib
import logging
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
logger = logging.getLogger("modelhub.versions")


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


def stage_complete_parts(staged: StagedObject, upload_id: str, parts) -> StagedObject:
    """Completes the multipart upload the client sent straight to the bucket (`parts`: its
    (part number, ETag) pairs), then verifies the object as `stage_verify_stored`."""
    try:
        blobs.artifacts().multipart_complete(staged.storage_key, upload_id, parts)
    except Exception as exc:
        logger.warning("multipart upload of %s not completed: %s", staged.storage_key, exc)
        raise StagingRefused(
            _("The object's parts could not be put together: send the object again.")
        ) from exc
    return stage_verify_stored(staged)


def stage_verify_stored(staged: StagedObject) -> StagedObject:
    """Accepts an object the client sent straight to storage once its size and SHA-256 are
    the announced ones, read back from storage in chunks (the SHA-256 must be the client's
    own claim, which no storage checksum of a multipart object gives); else it is removed."""
    if staged.received_at is not None:
        return staged
    store = blobs.artifacts()
    try:
        size = store.size_of(staged.storage_key)
    except Exception as exc:
        raise StagingRefused(_("The object did not arrive in storage: send it again.")) from exc
    if size != staged.size_bytes:
        blobs.delete_quietly(staged.storage_key)
        raise StagingRefused(_("The uploaded object is not the announced size."))
    digest = hashlib.sha256()
    for chunk in store.chunks(staged.storage_key):
        digest.update(chunk)
    if digest.hexdigest() != staged.sha256:
        blobs.delete_quietly(staged.storage_key)
        raise StagingRefused(_("The uploaded bytes do not have the announced SHA-256."))
    staged.received_at = timezone.now()
    StagedObject.objects.filter(pk=staged.pk).update(received_at=staged.received_at)
    return staged


def stale_multipart_uploads(grace_hours: float) -> list[tuple[str, str]]:
    """(key, upload id) of multipart uploads to the bucket never completed (a client that
    went away) and older than the grace period, by the storage's start time and, for one of
    a staged object, by the object's too (some S3 servers report no true start time); none
    where storage takes no such uploads."""
    store = blobs.artifacts()
    if not store.can_presign:
        return []
    cutoff = timezone.now() - timedelta(hours=grace_hours)
    uploads = store.open_multipart_uploads()
    recent_staged = set(
        StagedObject.objects.filter(
            storage_key__in=[key for key, _upload, _at in uploads], created_at__gte=cutoff
        ).values_list("storage_key", flat=True)
    )
    return [
        (key, upload)
        for key, upload, started in uploads
        if started < cutoff and key not in recent_staged
    ]


def multipart_uploads_abort(uploads) -> None:
    store = blobs.artifacts()
    for key, upload_id in uploads:
        try:
            store.multipart_abort(key, upload_id)
        except Exception:
            logger.exception("could not abort the multipart upload %s of %s", upload_id, key)


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
