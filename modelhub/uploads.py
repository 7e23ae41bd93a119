"""Upload handlers for every request (FILE_UPLOAD_HANDLERS): Django's, except that a file
spilled to disk gets a temporary name of the server's own."""

import tempfile

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.files.uploadhandler import (
    TemporaryFileUploadHandler as DjangoTemporaryFileUploadHandler,
)


class ServerNamedTemporaryUploadedFile(TemporaryUploadedFile):
    """Django's TemporaryUploadedFile borrows the client's extension for its temporary name;
    an extension of 250 characters made creating it fail (OSError: File name too long, a 500
    on any page a multipart body was posted to)."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (lives as long as the upload)
            suffix=".upload", dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class TemporaryFileUploadHandler(DjangoTemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = ServerNamedTemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )
