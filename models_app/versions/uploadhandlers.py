"""Multipart uploads (scripts, curl, the no-JS form) streamed to storage as they arrive.

Django's parser pushes each part's bytes to the handler; storage pulls from a stream
(`blobs.write_stream`, an S3 multipart upload in parts or a local file). A writer thread per
file joins the two through a short queue, so a part is hashed, counted against
MAX_UPLOAD_BYTES and stored exactly as the raw upload's body is — nothing of it is written to
a temporary file, and the memory held is the queue plus what storage buffers.

Each file gets its object key here; `files_store` records it, or removes it when the write
fails. Whatever the request did not hand over (a refused form, a client gone mid-upload) is
removed by `discard_unclaimed`, which the view calls once it is done.
"""

import io
import logging
import queue
from concurrent.futures import ThreadPoolExecutor

from django.core.files.uploadhandler import FileUploadHandler

from . import blobs

logger = logging.getLogger("modelhub.versions")

_END = None
_ABORT = object()
# Chunks waiting for the writer: the request thread stops reading the body beyond this.
QUEUE_DEPTH = 4


class _Aborted(Exception):
    """The request stopped sending this part (it failed, or its client went away)."""


class _Pipe(io.RawIOBase):
    """The bytes the parser receives, read by the writer thread in order."""

    def __init__(self):
        self._queue = queue.Queue(maxsize=QUEUE_DEPTH)
        self._pending = b""
        self._ended = False

    def readable(self):
        return True

    def put(self, item):
        self._queue.put(item)

    def read(self, size=-1):
        """Up to `size` bytes, fewer only at the end, as a file answers: S3's transfer takes
        a short read of a stream it cannot seek for its end. The bytes are copied once."""
        if size is None or size < 0:
            size = max(len(self._pending), 1)
        parts, have = [], 0
        if self._pending:
            parts, have, self._pending = [self._pending], len(self._pending), b""
        while have < size and not self._ended:
            item = self._queue.get()
            if item is _ABORT:
                self._ended = True
                raise _Aborted
            if item is _END:
                self._ended = True
            else:
                parts.append(item)
                have += len(item)
        if have > size:
            last = parts[-1]
            cut = len(last) - (have - size)
            parts[-1], self._pending = last[:cut], last[cut:]
        return b"".join(parts)

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def drain(self):
        """Takes what is still sent after the write stopped, so the parser never waits."""
        while not self._ended:
            item = self._queue.get()
            if item is _END or item is _ABORT:
                self._ended = True


class StoredUpload:
    """One part of the form, already in storage under `key` (what request.FILES holds)."""

    def __init__(self, key: str, client_name: str):
        self.key = key
        self.client_name = client_name
        self.name = client_name
        self.size = 0
        self.sha256 = ""
        self.too_large = False
        self.failed = False

    def close(self):
        """Called by Django when the request is done: the object outlives the request."""


# Writer threads are kept and reused: each holds its own storage connection (S3: a boto3
# session per thread, some MiB to build), made once per thread rather than once per file. A
# request feeds one writer at a time, so this many serve as many uploads at once.
_writers = ThreadPoolExecutor(max_workers=16, thread_name_prefix="upload")


class _Writer:
    def __init__(self, key: str):
        self.key = key
        self.pipe = _Pipe()
        self.reader = blobs.HashingReader(self.pipe)
        self.error: BaseException | None = None
        self._done = _writers.submit(self._run)

    def _run(self):
        try:
            blobs.write_stream(self.key, self.reader)
        except BaseException as exc:  # handed to the request thread, which decides
            self.error = exc
        finally:
            self.pipe.drain()

    def join(self):
        self._done.result()


class StreamingUploadHandler(FileUploadHandler):
    chunk_size = blobs.CHUNK_SIZE

    def __init__(self, request, model):
        super().__init__(request)
        self.model = model
        self.uploads: list[StoredUpload] = []
        self.writer: _Writer | None = None
        self.claimed = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        key = blobs.new_key(self.model)
        # Django cuts `file_name` to 255 characters; the path rules refuse a longer one.
        self.upload = StoredUpload(key, self.file_name)
        self.uploads.append(self.upload)
        self.writer = _Writer(key)

    def receive_data_chunk(self, raw_data, start):
        if self.writer.error is None:
            self.writer.pipe.put(raw_data)
        return None

    def file_complete(self, file_size):
        writer, self.writer = self.writer, None
        writer.pipe.put(_END)
        writer.join()
        upload = self.upload
        if writer.error is None:
            upload.size = writer.reader.size
            upload.sha256 = writer.reader.sha256.hexdigest()
        else:
            upload.too_large = isinstance(writer.error, blobs.TooLarge)
            upload.failed = not upload.too_large
            if upload.failed:
                logger.error("storing a multipart upload failed", exc_info=writer.error)
            blobs.delete_quietly(upload.key)
        return upload

    def upload_interrupted(self):
        self._abort_current()

    def _abort_current(self):
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.pipe.put(_ABORT)
            writer.join()

    def discard_unclaimed(self):
        """Removes the objects of this request that no file row took over."""
        self._abort_current()
        if not self.claimed:
            blobs.delete_many(upload.key for upload in self.uploads)
