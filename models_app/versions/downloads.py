"""Responses that hand out file content (S-39): one file (with ranges), a version as a zip.

Counting: a download is counted once its last byte has been handed to the server, never for
HEAD, refused or broken-off requests.

Every object a response needs is opened (one file) or listed (a zip) before the response is
returned: a missing object (blobs.ObjectMissing) or a storage that does not answer
(blobs.StorageUnavailable) is raised to the view, which answers `unavailable_answer`, never a
500 or a 200 cut short.
"""

import logging
import re
from functools import partial

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from zipstream import ZIP_STORED, ZipStream

from models_app.hidden_characters import without_hidden_characters

from . import blobs
from .models import ModelVersion, VersionFile
from .paths import file_name
from .services import file_count_download, version_count_download

logger = logging.getLogger("modelhub.versions")

ContentUnavailable = (blobs.ObjectMissing, blobs.StorageUnavailable)

# 19 digits cover any file size; longer numbers are no valid range of a file we hold.
_RANGE = re.compile(r"^bytes=(\d{0,19})-(\d{0,19})$")


class RangeNotSatisfiable(Exception):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """`Range: bytes=a-b` → (start, length); None for no/unsupported range (whole file).
    Several ranges are answered with the whole file (RFC 9110 allows ignoring Range)."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if size == 0:
        raise RangeNotSatisfiable
    if not first:
        suffix = int(last)
        if suffix == 0:
            raise RangeNotSatisfiable
        start = max(size - suffix, 0)
        return start, size - start
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise RangeNotSatisfiable
    return start, end - start + 1


def _content(response):
    """Marks a response that hands out file content: the guard makes sure it passed the
    download check, and no shared cache (a proxy, a CDN) keeps a copy for other people."""
    response.hands_out_content = True
    patch_cache_control(response, private=True)
    return response


def _count_when_complete(iterator, on_complete):
    yield from iterator
    if on_complete is not None:
        on_complete()


def presigned_redirect(request, file: VersionFile, allowlist: str):
    """With S3 and MODELHUB_S3_PRESIGNED_SECONDS, a model without an allowlist may send the
    caller (already checked) to a short-lived presigned URL; None means stream instead.
    A model with an allowlist never does: a presigned URL works from any address."""
    seconds = settings.S3_PRESIGNED_SECONDS
    store = blobs.artifacts()
    if allowlist or not seconds or request.method != "GET" or not store.can_presign:
        return None
    store.check_exists(file.storage_key)
    disposition = content_disposition_header(True, file_name(file.path))
    response = HttpResponseRedirect(store.presigned_url(file.storage_key, disposition, seconds))
    file_count_download(file.pk)
    return _content(response)


def file_response(request, file: VersionFile):
    """The file's bytes, or the requested range (206); local files go out through the WSGI
    server's file wrapper so gunicorn can sendfile them."""
    size = file.size_bytes
    try:
        byte_range = parse_range(request.headers.get("Range"), size)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if byte_range and request.headers.get("If-Range", f'"{file.sha256}"') != f'"{file.sha256}"':
        # The client holds part of another content: it gets the whole file, not a mixture.
        byte_range = None
    start, length = byte_range if byte_range else (0, size)
    on_complete = partial(file_count_download, file.pk) if request.method == "GET" else None
    content_type = file.content_type or "application/octet-stream"
    store = blobs.artifacts()
    if request.method == "HEAD":
        store.check_exists(file.storage_key)
        response = HttpResponse(content_type=content_type)
    elif store.has_local_files:
        handle = store.open_local(file.storage_key)
        response = FileResponse(
            blobs.RangeFile(handle, start, length, on_complete), content_type=content_type
        )
        response.block_size = blobs.CHUNK_SIZE
    else:
        response = StreamingHttpResponse(
            _count_when_complete(
                store.open_chunks(file.storage_key, start, length if byte_range else None),
                on_complete,
            ),
            content_type=content_type,
        )
    response.status_code = 206 if byte_range else 200
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = content_disposition_header(True, file_name(file.path))
    response["ETag"] = f'"{file.sha256}"'
    if byte_range:
        response["Content-Range"] = f"bytes {start}-{start + length - 1}/{size}"
    return _content(response)


def zip_name(version: ModelVersion) -> str:
    return without_hidden_characters(f"{version.model.title}-{version.name}.zip")


def zip_stream(version: ModelVersion) -> ZipStream:
    """A zip of every file of the version, built as it is sent (stored, not compressed:
    weights do not compress, and a stored zip has a known length); zip64 when needed."""
    stream = ZipStream(compress_type=ZIP_STORED, sized=True)
    for file in version.files.order_by("path"):
        stream.add(
            _lazy(file.storage_key),
            file.path,
            size=file.size_bytes,
        )
    return stream


def _lazy(key: str):
    # A generator: the object is opened only when the zip reaches this file.
    yield from blobs.artifacts().chunks(key)


def zip_response(request, version: ModelVersion):
    keys = list(version.files.values_list("storage_key", flat=True))
    missing = blobs.artifacts().missing(keys)
    if missing:
        raise blobs.ObjectMissing(*missing)
    stream = zip_stream(version)
    if request.method == "HEAD":
        response = HttpResponse(content_type="application/zip")
    else:
        on_complete = partial(version_count_download, version.pk)
        response = StreamingHttpResponse(
            _count_when_complete(stream, on_complete), content_type="application/zip"
        )
    response["Content-Length"] = str(len(stream))
    response["Content-Disposition"] = content_disposition_header(True, zip_name(version))
    return _content(response)


def unavailable_answer(exc: Exception) -> tuple[int, str]:
    """The status and message for content that cannot be sent: 410 when an object is missing
    from the storage, 503 when the storage does not answer. Logged as an error: the first is
    for an administrator to restore (check_storage lists every such file)."""
    if isinstance(exc, blobs.ObjectMissing):
        logger.error("stored object missing: %s", ", ".join(map(str, exc.args)))
        return 410, _(
            "The stored content of this file is missing from the storage, so it cannot be "
            "downloaded. An administrator can restore it from a backup."
        )
    logger.error("storage did not answer a download: %s", exc.__cause__ or exc)
    return 503, _("The storage is not answering right now. Please try again in a few minutes.")


def unavailable_headers(response, status: int):
    # A 410 may be cached by default, but the content can come back with a restore.
    patch_cache_control(response, no_store=True)
    if status == 503:
        response["Retry-After"] = "60"
    return response
