"""Artifact objects in the default storage (local files or S3-compatible, SPEC §8).

Writes stream in chunks and hash in the same pass; reads stream in chunks or hand a local
file to the server's sendfile. Keys are opaque: `artifacts/<model uuid>/<file uuid>`.

What differs between local files and S3 is behind one interface, Artifacts: `artifacts()`
returns the LocalArtifacts or S3Artifacts of the configured storage, and callers ask it what
it can do (`has_local_files`, `can_presign`) instead of looking at the storage.
"""

import hashlib
import io
import logging
import os
import posixpath
import shutil
import sys
import uuid
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages

logger = logging.getLogger("modelhub.versions")

CHUNK_SIZE = 1024 * 1024
PREFIX = "artifacts/"


class TooLarge(Exception):
    """The stream went past MAX_UPLOAD_BYTES."""


class Truncated(Exception):
    """The stream ended before the announced Content-Length (the client went away)."""


class ObjectMissing(Exception):
    """A row names an object that the storage does not hold (lost, or a restored database
    names an object purged since)."""


class StorageUnavailable(Exception):
    """The storage did not answer."""


class NoBucket(Exception):
    """There is no bucket to create: the storage is local files."""


def new_key(model) -> str:
    return f"{PREFIX}{model.uuid}/{uuid.uuid4()}"


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


class Artifacts:
    """The artifact objects of one storage. What local files and S3 do alike goes through
    Django's public Storage API here; LocalArtifacts and S3Artifacts do the rest."""

    # Whether an object is a file of this machine that the server may sendfile (open_local).
    has_local_files = False
    # Whether a download may be a redirect to a presigned URL (presigned_url).
    can_presign = False

    def __init__(self, storage):
        self.storage = storage

    def write_stream(self, key: str, reader: HashingReader) -> None:
        """Streams `reader` to storage under `key` (S3: multipart upload in parts)."""
        saved = self.storage.save(key, _StreamFile(reader, name=key))
        if reader.expected is not None and reader.size != reader.expected:
            self.storage.delete(saved)
            raise Truncated
        self._refuse_renamed(key, saved)

    def _refuse_renamed(self, key: str, saved: str) -> None:
        # The caller records `key`: an object saved under another name would be an orphan.
        if saved != key:
            self.storage.delete(saved)
            raise RuntimeError(f"storage renamed {key} to {saved}")

    def delete_quietly(self, key: str) -> None:
        """Removes an object; a failure is logged (check_storage finds what is left)."""
        try:
            self.storage.delete(key)
        except Exception:
            logger.exception("could not delete stored object %s", key)

    def modified_at(self, key: str) -> datetime:
        return self.storage.get_modified_time(key)

    def missing(self, keys) -> list[str]:
        """Those of `keys` that have no object, found by listing each folder once (a version's
        objects share their model's folder), not by asking for every object."""
        keys = list(keys)
        folders = {key.rpartition("/")[0] for key in keys}
        present: set[str] = set()
        try:
            for folder in folders:
                present.update(self._keys_under(folder))
        except Exception as exc:
            raise StorageUnavailable from exc
        return [key for key in keys if key not in present]

    def _keys_under(self, folder: str):
        raise NotImplementedError

    def check_exists(self, key: str) -> None:
        """Raises ObjectMissing or StorageUnavailable unless the object is there."""
        try:
            present = self.storage.exists(key)
        except Exception as exc:
            raise StorageUnavailable(key) from exc
        if not present:
            raise ObjectMissing(key)

    def open_chunks(self, key: str, start: int = 0, length: int | None = None):
        """Like `chunks`, but the object is opened now: ObjectMissing or StorageUnavailable
        are raised here, before a response has sent anything."""
        raise NotImplementedError

    def create_bucket(self) -> bool:
        raise NoBucket("The storage is local files (MODELHUB_S3_BUCKET is unset): no bucket.")

    def copy(self, source_key: str, key: str) -> None:
        """A new object `key` with the bytes of `source_key`, made inside the storage (no
        byte passes through this process): each file row owns its own object."""
        raise NotImplementedError

    def size_of(self, key: str) -> int:
        return self.storage.size(key)

    def all_keys(self) -> list[str]:
        """Every stored artifact key (the objects under `artifacts/`)."""
        raise NotImplementedError

    def chunks(self, key: str, start: int = 0, length: int | None = None):
        """The bytes of an object (or of [start, start+length)) in chunks, read lazily."""
        raise NotImplementedError

    def open_local(self, key: str):
        raise NotImplementedError

    def presigned_url(self, key: str, filename_header: str, expire: int) -> str:
        raise NotImplementedError


class LocalArtifacts(Artifacts):
    """Files below the media folder (FileSystemStorage)."""

    has_local_files = True

    def copy(self, source_key: str, key: str) -> None:
        target = Path(self.storage.path(key))
        target.parent.mkdir(
            mode=settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS or 0o777, parents=True, exist_ok=True
        )
        try:
            # Objects are never written in place, so two names of one inode are two objects:
            # deleting one leaves the other.
            os.link(self.storage.path(source_key), target)
        except OSError:
            shutil.copyfile(self.storage.path(source_key), target)

    def all_keys(self) -> list[str]:
        keys = []
        pending = [PREFIX.rstrip("/")]
        while pending:
            folder = pending.pop()
            if not self.storage.exists(folder):
                continue
            dirs, files = self.storage.listdir(folder)
            keys.extend(f"{folder}/{name}" for name in files)
            pending.extend(f"{folder}/{name}" for name in dirs)
        return sorted(keys)

    def _keys_under(self, folder: str):
        if not self.storage.exists(folder):
            return []
        return [f"{folder}/{name}" for name in self.storage.listdir(folder)[1]]

    def open_local(self, key: str):
        try:
            return self.storage.open(key, "rb")
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc

    def open_chunks(self, key: str, start: int = 0, length: int | None = None):
        return self._read(self.open_local(key), start, length)

    def chunks(self, key: str, start: int = 0, length: int | None = None):
        yield from self._read(self.open_local(key), start, length)

    def _read(self, handle, start, length):
        with handle:
            handle.seek(start)
            remaining = length
            while remaining is None or remaining > 0:
                data = handle.read(CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining))
                if not data:
                    break
                if remaining is not None:
                    remaining -= len(data)
                yield data


class S3Artifacts(Artifacts):
    """Objects in an S3-compatible bucket (django-storages' S3Storage), reached through its
    public `bucket`, `location` and `url`."""

    can_presign = True

    def _object_key(self, key: str) -> str:
        # The storage keeps its objects below `location` ("" for the bucket's root).
        return posixpath.join(self.storage.location, key)

    def all_keys(self) -> list[str]:
        root = self._object_key("")
        listing = self.storage.bucket.objects.filter(Prefix=self._object_key(PREFIX))
        return [summary.key[len(root) :] for summary in listing]

    @property
    def bucket_name(self) -> str:
        return self.storage.bucket_name

    def _keys_under(self, folder: str):
        root = self._object_key("")
        listing = self.storage.bucket.objects.filter(Prefix=self._object_key(folder) + "/")
        return [summary.key[len(root) :] for summary in listing]

    def open_chunks(self, key: str, start: int = 0, length: int | None = None):
        from botocore.exceptions import BotoCoreError, ClientError

        params = {}
        if start or length is not None:
            end = "" if length is None else str(start + length - 1)
            params["Range"] = f"bytes={start}-{end}"
        try:
            body = self.storage.bucket.Object(self._object_key(key)).get(**params)["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise ObjectMissing(key) from exc
            raise StorageUnavailable(key) from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(key) from exc
        return self._iterate(body)

    def _iterate(self, body):
        try:
            yield from body.iter_chunks(CHUNK_SIZE)
        finally:
            body.close()

    def chunks(self, key: str, start: int = 0, length: int | None = None):
        yield from self.open_chunks(key, start, length)

    def create_bucket(self) -> bool:
        """Creates the bucket unless it exists; True when it was created. AWS wants the region
        as a location constraint except for us-east-1; other S3 stores accept it too."""
        from botocore.exceptions import ClientError

        client = self.storage.connection.meta.client
        name = self.storage.bucket_name
        try:
            client.head_bucket(Bucket=name)
            return False
        except ClientError as exc:
            if exc.response["ResponseMetadata"]["HTTPStatusCode"] != 404:
                raise
        region = client.meta.region_name
        config = {}
        if region and region != "us-east-1":
            config["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            client.create_bucket(Bucket=name, **config)
        except ClientError as exc:
            # Created by someone else meanwhile (another server running the same command).
            if exc.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":
                raise
            return False
        return True

    @property
    def _client(self):
        return self.storage.bucket.meta.client

    def copy(self, source_key: str, key: str) -> None:
        # boto3's managed copy: CopyObject, or UploadPartCopy in parts above 5 GiB.
        self._client.copy(
            {"Bucket": self.storage.bucket_name, "Key": self._object_key(source_key)},
            self.storage.bucket_name,
            self._object_key(key),
            ExtraArgs={"ContentType": STORED_CONTENT_TYPE},
        )

    # Uploads straight from the client to the bucket through presigned URLs (the Hugging
    # Face client's LFS transfer): the hub starts and completes them, the bytes never pass
    # through it.

    def presigned_put_url(self, key: str, expire: int) -> str:
        return self._client.generate_presigned_url(
            "put_object",
            Params={"Bucket": self.storage.bucket_name, "Key": self._object_key(key)},
            ExpiresIn=expire,
        )

    def multipart_start(self, key: str) -> str:
        started = self._client.create_multipart_upload(
            Bucket=self.storage.bucket_name,
            Key=self._object_key(key),
            ContentType=STORED_CONTENT_TYPE,
        )
        return started["UploadId"]

    def presigned_part_urls(self, key: str, upload_id: str, parts: int, expire: int) -> list:
        return [
            self._client.generate_presigned_url(
                "upload_part",
                Params={
                    "Bucket": self.storage.bucket_name,
                    "Key": self._object_key(key),
                    "UploadId": upload_id,
                    "PartNumber": number,
                },
                ExpiresIn=expire,
            )
            for number in range(1, parts + 1)
        ]

    def multipart_complete(self, key: str, upload_id: str, parts: list[tuple[int, str]]) -> None:
        self._client.complete_multipart_upload(
            Bucket=self.storage.bucket_name,
            Key=self._object_key(key),
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etag} for n, etag in parts]},
        )

    def multipart_abort(self, key: str, upload_id: str) -> None:
        self._client.abort_multipart_upload(
            Bucket=self.storage.bucket_name, Key=self._object_key(key), UploadId=upload_id
        )

    def open_multipart_uploads(self) -> list[tuple[str, str, datetime]]:
        """(key, upload id, started at) of every multipart upload under `artifacts/` not
        completed nor aborted."""
        root = self._object_key("")
        found = []
        paginator = self._client.get_paginator("list_multipart_uploads")
        pages = paginator.paginate(Bucket=self.storage.bucket_name, Prefix=self._object_key(PREFIX))
        for page in pages:
            for upload in page.get("Uploads", []):
                found.append((upload["Key"][len(root) :], upload["UploadId"], upload["Initiated"]))
        return found

    def presigned_url(self, key: str, filename_header: str, expire: int) -> str:
        return self.storage.url(
            key,
            parameters={
                "ResponseContentDisposition": filename_header,
                "ResponseContentType": STORED_CONTENT_TYPE,
            },
            expire=expire,
        )


@lru_cache(maxsize=1)
def _artifacts_of(storage) -> Artifacts:
    return S3Artifacts(storage) if _is_s3(storage) else LocalArtifacts(storage)


def _is_s3(storage) -> bool:
    """Whether the storage is django-storages' S3 backend, asked without importing it: that
    import loads boto3 (about 16 MiB per worker) where only local files are used."""
    s3 = sys.modules.get("storages.backends.s3")
    return s3 is not None and isinstance(storage, s3.S3Storage)


def artifacts() -> Artifacts:
    """The artifacts of the default storage, chosen once per storage object (a change of
    STORAGES, as in tests, makes a new storage and so a new choice)."""
    return _artifacts_of(storages["default"])


# What the services call.


def write_stream(key: str, reader: HashingReader) -> None:
    artifacts().write_stream(key, reader)


def delete_quietly(key: str) -> None:
    artifacts().delete_quietly(key)


def read_range(key: str, start: int, length: int) -> bytes:
    """[start, start+length) of an object, in memory (a header, a preview's first MiB)."""
    return b"".join(artifacts().chunks(key, start, length))


def copy(source_key: str, key: str) -> None:
    artifacts().copy(source_key, key)


def delete_many(keys) -> None:
    store = artifacts()
    for key in keys:
        store.delete_quietly(key)


class RangeFile:
    """[start, start+length) of a local file, for FileResponse: the server may sendfile its
    descriptor; `on_complete` runs once when every byte was read or sent."""

    def __init__(self, handle, start: int, length: int, on_complete=None):
        self._handle = handle
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
