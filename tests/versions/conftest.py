"""Storage backends for version tests: local files, and S3 through moto's server on loopback."""

import hashlib
import socket
from urllib.parse import quote

import boto3
import pytest
from botocore.config import Config
from django.urls import reverse

from .factories import VersionFactory

BUCKET = "modelhub-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoS3:
    def __init__(self):
        from moto.server import ThreadedMotoServer

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.running = False

    def start(self):
        if not self.running:
            self.server.start()
            self.running = True

    def stop(self):
        if self.running:
            self.server.stop()
            self.running = False

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )

    def reset(self):
        import requests

        requests.post(f"{self.url}/moto-api/reset", timeout=10)
        self.client().create_bucket(Bucket=BUCKET)

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=BUCKET)
        return sorted(o["Key"] for o in listing.get("Contents", []))


@pytest.fixture(scope="session")
def moto_server():
    server = MotoS3()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3(moto_server, settings, monkeypatch):
    """The default storage is S3 (moto) for this test; the bucket starts empty."""
    moto_server.start()
    moto_server.reset()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": moto_server.url,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "file_overwrite": False,
                "default_acl": None,
                "querystring_expire": 300,
                "client_config": Config(
                    retries={"max_attempts": 1, "mode": "standard"},
                    connect_timeout=2,
                    read_timeout=10,
                ),
            },
        },
    }
    yield moto_server
    moto_server.start()


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def backend(request, settings):
    """Runs the test once on local files and once on S3 (moto); yields a way to list keys."""
    if request.param == "s3":
        server = request.getfixturevalue("s3")
        return StoredObjects("s3", server.keys)

    def local_keys():
        root = settings.MEDIA_ROOT / "artifacts"
        if not root.exists():
            return []
        return sorted(
            str(p.relative_to(settings.MEDIA_ROOT)).replace("\\", "/")
            for p in root.rglob("*")
            if p.is_file()
        )

    return StoredObjects("local", local_keys)


class StoredObjects:
    def __init__(self, name, keys):
        self.name = name
        self.keys = keys

    def __repr__(self):
        return self.name


@pytest.fixture
def version(model):
    return VersionFactory(model=model, number=1, name="v1")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_url(version) -> str:
    return reverse("versions:upload", kwargs={"ref": version.model.uuid, "name": version.name})


def file_url(version, path: str) -> str:
    return reverse(
        "versions:file", kwargs={"ref": version.model.uuid, "name": version.name, "path": path}
    )


def upload_multipart(client, version, files: dict[str, bytes], **extra):
    """POSTs `files` and `paths` as a script would."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploads = [SimpleUploadedFile("upload.bin", data) for data in files.values()]
    return client.post(upload_url(version), {"files": uploads, "paths": list(files)}, **extra)


def upload_raw(client, version, path: str, data: bytes, **extra):
    """POSTs one file as the browser's uploader does: raw body, path in a header."""
    return client.post(
        upload_url(version),
        data=data,
        content_type="application/octet-stream",
        headers={"X-Upload-Path": quote(path), "Accept": "application/json"},
        **extra,
    )
