"""Issue 11: "Download model" takes the newest version that has files and says before the
click why it cannot (point 8); a model counts its downloads, for the list's "most downloaded
first" and its cards (point 7)."""

import importlib
import io
import zipfile

import pytest
from django.apps import apps
from django.urls import reverse

from models_app.catalog.models import AIModel
from models_app.versions.models import ModelVersion, VersionFile
from models_app.versions.services import downloadable_version

from .conftest import file_url, upload_multipart
from .factories import VersionFactory


def model_download_url(model) -> str:
    return reverse("versions:model_download", kwargs={"ref": model.uuid})


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def download_count(model) -> int:
    return AIModel.objects.get(pk=model.pk).download_count


def detail(client, model, **extra) -> str:
    return client.get(model.get_absolute_url(), **extra).content.decode()


@pytest.fixture
def with_files(backend, client_for, owner, version):
    upload_multipart(client_for(owner), version, {"weights.bin": b"w" * 100, "config.json": b"{}"})
    return version


def test_the_newest_version_with_files_is_downloaded_not_a_newer_empty_one(
    with_files, client_for, owner, model
):
    VersionFactory(model=model, number=2, name="v2")
    assert downloadable_version(model).name == "v1"
    response = client_for(owner).get(model_download_url(model))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pipeline-demo-0412-v1.zip"'
    assert sorted(zipfile.ZipFile(io.BytesIO(body(response))).namelist()) == [
        "config.json",
        "weights.bin",
    ]


def test_model_download_with_only_empty_versions_is_404(client_for, owner, model):
    VersionFactory(model=model, number=1, name="v1")
    response = client_for(owner).get(model_download_url(model))
    assert response.status_code == 404


def test_the_button_names_the_version_it_downloads(with_files, client_for, owner, model):
    VersionFactory(model=model, number=2, name="v2")
    html = detail(client_for(owner), model)
    assert f'href="{model_download_url(model)}" download' in html
    assert 'title="The newest version with files, v1, as a zip"' in html
    assert 'data-testid="operation-reason"' not in html


def test_the_button_is_disabled_with_the_reason_while_no_version_has_files(
    client_for, viewer, model
):
    VersionFactory(model=model, number=1, name="v1")
    html = detail(client_for(viewer), model)
    assert model_download_url(model) not in html
    assert 'disabled title="No version of this model has files to download yet." ' in html
    assert (
        '<p class="operation-reason muted" id="operation-reason-download" '
        'data-testid="operation-reason">No version of this model has files to download yet.</p>'
    ) in html


def test_the_button_says_the_address_is_outside_the_allowlist(
    with_files, client_for, viewer, model
):
    AIModel.objects.filter(pk=model.pk).update(ip_allowlist="10.0.0.0/8")
    client = client_for(viewer)
    refused = detail(client, model, REMOTE_ADDR="203.0.113.9")
    assert model_download_url(model) not in refused
    assert "Your address, 203.0.113.9, is outside this model&#x27;s download allowlist." in refused
    allowed = detail(client, model, REMOTE_ADDR="10.1.2.3")
    assert f'href="{model_download_url(model)}" download' in allowed


def test_completed_file_and_zip_downloads_count_on_the_model(with_files, client_for, owner, model):
    client = client_for(owner)
    body(client.get(file_url(with_files, "config.json")))
    body(client.get(model_download_url(model)))
    assert download_count(model) == 2
    client.head(model_download_url(model))
    client.get(file_url(with_files, "config.json"), REMOTE_ADDR="203.0.113.9")
    assert download_count(model) == 2


def test_a_refused_download_counts_nothing(with_files, client_for, owner, model):
    AIModel.objects.filter(pk=model.pk).update(ip_allowlist="10.0.0.0/8")
    client_for(owner).get(model_download_url(model), REMOTE_ADDR="203.0.113.9")
    assert download_count(model) == 0


def test_the_migration_adds_up_what_versions_counted(owner, model, version):
    other = VersionFactory(model=model, number=2, name="v2", download_count=3)
    ModelVersion.objects.filter(pk=version.pk).update(download_count=2)
    VersionFile.objects.create(
        version=other, path="a", storage_key="k-a", size_bytes=1, sha256="0", download_count=4
    )
    untouched = VersionFactory(number=1, name="v1").model
    AIModel.objects.update(download_count=0)
    migration = importlib.import_module("models_app.versions.migrations.0002_model_download_counts")
    migration.fill_model_download_counts(apps, None)
    assert download_count(model) == 2 + 3 + 4
    assert download_count(untouched) == 0
