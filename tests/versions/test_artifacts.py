"""The one storage interface: chosen once per storage, the same operations on both backends."""

import io

import pytest

from models_app.versions import blobs

from .conftest import BUCKET

DATA = bytes(range(256)) * 5


def store(key: str, data: bytes = DATA) -> None:
    blobs.artifacts().write_stream(key, blobs.HashingReader(io.BytesIO(data), expected=len(data)))


def read(key: str, *args) -> bytes:
    return b"".join(blobs.artifacts().chunks(key, *args))


def test_each_storage_gets_its_own_artifacts_once(backend):
    expected = blobs.S3Artifacts if backend.name == "s3" else blobs.LocalArtifacts
    assert type(blobs.artifacts()) is expected
    assert blobs.artifacts() is blobs.artifacts()


def test_changing_the_storage_changes_the_artifacts(s3, settings):
    remote = blobs.artifacts()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    assert isinstance(remote, blobs.S3Artifacts)
    assert isinstance(blobs.artifacts(), blobs.LocalArtifacts)


@pytest.mark.parametrize(
    ("start", "length", "expected"),
    [(0, None, DATA), (10, None, DATA[10:]), (10, 5, DATA[10:15]), (0, 1, DATA[:1])],
)
def test_an_object_reads_whole_or_as_a_range(backend, start, length, expected):
    store("artifacts/m/one")
    assert read("artifacts/m/one", start, length) == expected
    assert blobs.artifacts().all_keys() == ["artifacts/m/one"]


def test_only_s3_presigns_and_only_local_files_are_sent_by_the_server(backend):
    artifacts = blobs.artifacts()
    assert artifacts.can_presign is (backend.name == "s3")
    assert artifacts.has_local_files is (backend.name == "local")


def test_s3_keys_are_relative_to_the_storage_location(s3, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "location": "hub/"},
        },
    }
    store("artifacts/m/one")
    s3.client().put_object(Bucket=BUCKET, Key="artifacts/m/outside", Body=b"x")
    assert s3.keys() == ["artifacts/m/outside", "hub/artifacts/m/one"]
    assert blobs.artifacts().all_keys() == ["artifacts/m/one"]
    assert read("artifacts/m/one", 3, 4) == DATA[3:7]
    blobs.artifacts().delete_quietly("artifacts/m/one")
    assert s3.keys() == ["artifacts/m/outside"]


def test_local_storage_does_not_load_boto3(tmp_path):
    """boto3 costs each worker about 16 MiB: only a hub on S3 should pay for it."""
    import os
    import subprocess
    import sys

    script = (
        "import django, sys; django.setup()\n"
        "from models_app.versions.blobs import artifacts\n"
        "print(type(artifacts()).__name__, 'boto3' in sys.modules)\n"
    )
    env = {"DJANGO_SETTINGS_MODULE": "modelhub.settings", "MODELHUB_DATA_DIR": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 — this interpreter, a fixed script
        [sys.executable, "-c", script],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["LocalArtifacts", "False"]


def test_a_copy_is_an_object_of_its_own(backend):
    store("artifacts/m/source")
    blobs.artifacts().copy("artifacts/m/source", "artifacts/m/copy")
    assert read("artifacts/m/copy") == DATA
    blobs.artifacts().delete_quietly("artifacts/m/source")
    assert read("artifacts/m/copy") == DATA
    assert backend.keys() == ["artifacts/m/copy"]
    assert blobs.artifacts().size_of("artifacts/m/copy") == len(DATA)
