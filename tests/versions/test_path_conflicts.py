"""One name is either a file or a folder of a version, never both (else the zip holds both
and the browser shows the name twice). A clash is a 400 naming the path; nothing is stored."""

import pytest

from models_app.versions import services
from models_app.versions.models import VersionFile

from .conftest import upload_multipart, upload_raw

DATA = b"\x00weights" * 100


def stored_paths():
    return list(VersionFile.objects.order_by("path").values_list("path", flat=True))


@pytest.fixture
def file_a(backend, client_for, owner, version):
    assert upload_raw(client_for(owner), version, "a", DATA).status_code == 201
    return VersionFile.objects.get()


@pytest.fixture
def folder_a(backend, client_for, owner, version):
    assert upload_raw(client_for(owner), version, "a/b", DATA).status_code == 201
    return VersionFile.objects.get()


def test_file_under_an_existing_file_is_refused_naming_both(file_a, client_for, owner, version):
    response = upload_raw(client_for(owner), version, "a/b", DATA)
    assert response.status_code == 400
    assert "“a/b”" in response.json()["error"]
    assert "“a” is already a file" in response.json()["error"]


def test_file_under_an_existing_file_stores_nothing(
    file_a, backend, client_for, owner, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload_raw(client_for(owner), version, "a/b", DATA)
    assert (stored_paths(), backend.keys()) == (["a"], [file_a.storage_key])


def test_file_under_an_existing_file_in_a_multipart_form_is_refused(
    file_a, backend, client_for, owner, version
):
    response = upload_multipart(
        client_for(owner),
        version,
        {"ok.bin": DATA, "a/b/c": DATA},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert (stored_paths(), backend.keys()) == (["a"], [file_a.storage_key])


def test_file_named_like_an_existing_folder_is_refused_naming_it(
    folder_a, client_for, owner, version
):
    response = upload_raw(client_for(owner), version, "a", DATA)
    assert response.status_code == 400
    assert "“a”" in response.json()["error"]
    assert "already has a folder with this name" in response.json()["error"]


def test_file_named_like_an_existing_folder_stores_nothing(
    folder_a, backend, client_for, owner, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload_raw(client_for(owner), version, "a", DATA)
    assert (stored_paths(), backend.keys()) == (["a/b"], [folder_a.storage_key])


@pytest.mark.parametrize("paths", [["a", "a/b"], ["a/b", "a"], ["x", "a/b/c", "a/b"]])
def test_file_and_folder_of_one_name_in_one_upload_are_refused(
    backend, client_for, owner, version, paths
):
    response = upload_multipart(
        client_for(owner),
        version,
        dict.fromkeys(paths, DATA),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "cannot be both a file and a folder" in response.json()["error"]
    assert (stored_paths(), backend.keys()) == ([], [])


def test_clash_recorded_while_the_upload_was_storing_is_refused(
    backend, client_for, owner, version, monkeypatch, django_capture_on_commit_callbacks
):
    """The check before storing passed; `a` was recorded meanwhile: the locked check refuses."""
    original = services._store
    client = client_for(owner)

    def store_then_other_upload(item, model):
        key = original(item, model)
        monkeypatch.setattr(services, "_store", original)
        assert upload_raw(client, version, "a", DATA).status_code == 201
        return key

    monkeypatch.setattr(services, "_store", store_then_other_upload)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_raw(client, version, "a/b", DATA)
    assert response.status_code == 400
    assert backend.keys() == [VersionFile.objects.get(path="a").storage_key]


def test_names_that_differ_only_in_case_do_not_clash(client_for, owner, version):
    client = client_for(owner)
    assert upload_raw(client, version, "A/b", DATA).status_code == 201
    assert upload_raw(client, version, "a", DATA).status_code == 201


def test_a_name_that_only_starts_like_a_file_does_not_clash(client_for, owner, version):
    client = client_for(owner)
    assert upload_raw(client, version, "a", DATA).status_code == 201
    assert upload_raw(client, version, "ab/c", DATA).status_code == 201


def test_replacing_a_file_is_no_clash(file_a, client_for, owner, version):
    assert upload_raw(client_for(owner), version, "a", b"new").status_code == 201
