"""Multipart uploads (scripts, no-JS form): each part is hashed while Django writes it to
its temporary file, so storing it afterwards is one rename (local storage: the temporary
file is made beside the media folder) or one streamed read (S3)."""

import hashlib
import tempfile

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from . import blobs


class _IncomingFile(TemporaryUploadedFile):
    def __init__(self, name, content_type, charset, content_type_extra, folder):
        # The temporary name owes nothing to the client's: Django's own borrows its extension,
        # and a long one made creating the file fail (OSError: File name too long, a 500).
        file = tempfile.NamedTemporaryFile(suffix=".upload", dir=folder)  # noqa: SIM115
        UploadedFile.__init__(self, file, name, content_type, 0, charset, content_type_extra)
        # `name` is cut to 255 characters by Django; the default path is the name as sent, so
        # a name too long to store is refused by the path rules instead of silently shortened.
        self.client_name = name


class HashingUploadHandler(FileUploadHandler):
    chunk_size = 1024 * 1024

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = _IncomingFile(
            self.file_name, self.content_type, self.charset, self.content_type_extra,
            blobs.artifacts().upload_temp_dir(),
        )  # fmt: skip
        self.sha256 = hashlib.sha256()
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.too_large or self.received > settings.MAX_UPLOAD_BYTES:
            self.too_large = True
            return None
        self.sha256.update(raw_data)
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = file_size
        self.file.sha256 = self.sha256.hexdigest()
        self.file.too_large = self.too_large
        return self.file

    def upload_interrupted(self):
        if hasattr(self, "file"):
            self.file.close()
