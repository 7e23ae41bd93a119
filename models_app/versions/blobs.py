"""Artifact objects in the default storage (local files or S3-compatible, SPEC §8).

Writes stream in chunks and hash in the same pass; reads stream in chunks or hand a local
file to the server's sendfile. Keys are opaque: `artifacts/<model uuid>/<file uuid>`.
"""

import hashlib
import io
import logging
import uuid

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

logger = logging.getLogger("modelhub.versions")

CHUNK_SIZE = 1024 * 1024
PREFIX = "artifacts/"


class TooLarge(Exception):
    """The stream went past MAX_UPLOAD_BYTES."""


class Truncated(Exception):
    """The stream ended before the announced Content-Length (the client went away)."""


def new_key(model) -> str:
    return f"{PREFIX}{model.uuid}/{uuid.uuid4()}"


def is_remote(storage=None) -> bool:
    """S3-compatible storage (the objects are reached through boto3, not the file system)."""
    return hasattr(storage or default_storage, "bucket")


class HashingReader(io.RawIOBase):
    """Reads a stream once, hashing and counting what passes; refuses more than `limit` bytes."""

    def __init__(self, stream, limit: int | None = None, expected: int | None = None):
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.limit = settings.MAX_UPLOAD_BYTES if limit is None else limit
        self.expected = expected

    def readable(self):
        return True

    def seekable(self):
        return False

    def read(self, size=-1):
        if size is None or size < 0:
            size = CHUNK_SIZE
        if self.expected is not None:
            size = min(size, self.expected - self.size)
            if size <= 0:
                return b""
        data = self.stream.read(size)
        if data:
            self.size += len(data)
            if self.size > self.limit:
                raise TooLarge
            self.sha256.update(data)
        return data

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


STORED_CONTENT_TYPE = "application/octet-stream"


class _StreamFile(File):
    DEFAULT_CHUNK_SIZE = CHUNK_SIZE
    content_type = STORED_CONTENT_TYPE


def write_stream(key: str, reader: HashingReader) -> None:
    """Streams `reader` to storage under `key` (S3: multipart upload in parts)."""
    saved = default_storage.save(key, _StreamFile(reader, name=key))
    if reader.expected is not None and reader.size != reader.expected:
        default_storage.delete(saved)
        raise Truncated
    if saved != key:
        default_storage.delete(saved)
        raise RuntimeError(f"storage renamed {key} to {saved}")


def move_local_file(key: str, uploaded) -> None:
    """Stores an upload that already sits in a temporary file (moved when storage allows)."""
    # The client's Content-Type would become the S3 object's; artifacts are opaque bytes.
    uploaded.content_type = STORED_CONTENT_TYPE
    saved = default_storage.save(key, uploaded)
    if saved != key:
        default_storage.delete(saved)
        raise RuntimeError(f"storage renamed {key} to {saved}")


def delete_quietly(key: str) -> None:
    """Removes an object; a failure is logged (check_storage finds what is left)."""
    try:
        default_storage.delete(key)
    except Exception:
        logger.exception("could not delete stored object %s", key)


def delete_many(keys) -> None:
    for key in keys:
        delete_quietly(key)


def exists(key: str) -> bool:
    return default_storage.exists(key)


def object_size(key: str) -> int:
    return default_storage.size(key)


def all_keys() -> list[str]:
    """Every stored artifact key (local files or S3 objects under `artifacts/`)."""
    if is_remote():
        bucket = default_storage.bucket
        location = default_storage.location.strip("/")
        prefix = f"{location}/{PREFIX}" if location else PREFIX
        return [
            o.key[len(location) + 1 :] if location else o.key
            for o in bucket.objects.filter(Prefix=prefix)
        ]
    keys = []
    pending = [PREFIX.rstrip("/")]
    while pending:
        folder = pending.pop()
        if not default_storage.exists(folder):
            continue
        dirs, files = default_storage.listdir(folder)
        keys.extend(f"{folder}/{name}" for name in files)
        pending.extend(f"{folder}/{name}" for name in dirs)
    return sorted(keys)


def iter_object(key: str, start: int = 0, length: int | None = None, chunk_size=CHUNK_SIZE):
    """The bytes of an object (or of [start, start+length)) in chunks, read lazily."""
    if is_remote():
        params = {}
        if start or length is not None:
            end = "" if length is None else str(start + length - 1)
            params["Range"] = f"bytes={start}-{end}"
        body = default_storage.bucket.Object(default_storage._normalize_name(key)).get(**params)[
            "Body"
        ]
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()
        return
    with default_storage.open(key, "rb") as handle:
        handle.seek(start)
        remaining = length
        while remaining is None or remaining > 0:
            data = handle.read(chunk_size if remaining is None else min(chunk_size, remaining))
            if not data:
                break
            if remaining is not None:
                remaining -= len(data)
            yield data


def presigned_url(key: str, filename_header: str, expire: int = 300) -> str:
    return default_storage.url(
        key,
        parameters={
            "ResponseContentDisposition": filename_header,
            "ResponseContentType": STORED_CONTENT_TYPE,
        },
        expire=expire,
    )


class RangeFile:
    """[start, start+length) of a local file, for FileResponse: the server may sendfile its
    descriptor; `on_complete` runs once when every byte was read or sent."""

    def __init__(self, handle, start: int, length: int, on_complete=None):
        self._handle = handle
        self._start = start
        self._end = start + length
        self._position = start
        self._on_complete = on_complete
        handle.seek(start)

    def fileno(self):
        return self._handle.fileno()

    def read(self, size=-1):
        remaining = self._end - self._position
        if size is None or size < 0 or size > remaining:
            size = remaining
        data = self._handle.read(size) if size > 0 else b""
        self._position += len(data)
        return data

    def seekable(self):
        return False

    def seek(self, offset, whence=io.SEEK_SET):
        # socket.sendfile() seeks to where it stopped: that is how a sendfile reports progress.
        if whence == io.SEEK_SET:
            self._position = max(self._position, offset)
        return self._handle.seek(offset, whence)

    def close(self):
        try:
            if self._position >= self._end and self._on_complete is not None:
                callback, self._on_complete = self._on_complete, None
                callback()
        finally:
            self._handle.close()


def open_local(key: str):
    return default_storage.open(key, "rb")
