import io

import pytest

from models_app.catalog.models import AIModel
from models_app.versions.models import ModelVersion, VersionFile

from .conftest import file_url, sha256, upload_multipart, upload_raw, upload_url

WEIGHTS = b"\x00\x01weights" * 5000
CONFIG = b'{"hidden_size": 4096}'


def test_multipart_upload_round_trip_keeps_bytes_and_hash(backend, client_for, owner, version):
    client = client_for(owner)
    response = upload_multipart(client, version, {"artifacts/model.bin": WEIGHTS})
    assert response.status_code == 302
    row = VersionFile.objects.get(version=version, path="artifacts/model.bin")
    assert row.sha256 == sha256(WEIGHTS)
    downloaded = b"".join(client.get(file_url(version, "artifacts/model.bin")).streaming_content)
    assert sha256(downloaded) == sha256(WEIGHTS)


def test_raw_upload_round_trip_keeps_bytes_and_hash(backend, client_for, owner, version):
    client = client_for(owner)
    response = upload_raw(client, version, "artifacts/model.bin", WEIGHTS)
    assert response.status_code == 201
    assert response.json()["files"][0]["sha256"] == sha256(WEIGHTS)
    downloaded = b"".join(client.get(file_url(version, "artifacts/model.bin")).streaming_content)
    assert downloaded == WEIGHTS


def test_upload_stores_one_object_per_file(backend, client_for, owner, version):
    upload_multipart(client_for(owner), version, {"a.bin": WEIGHTS, "b/c.json": CONFIG})
    keys = set(VersionFile.objects.values_list("storage_key", flat=True))
    assert set(backend.keys()) == keys
    assert all(k.startswith(f"artifacts/{version.model.uuid}/") for k in keys)


def test_paths_default_to_the_file_names(client_for, owner, version):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client_for(owner).post(
        f"/models/{version.model.uuid}/versions/v1/upload/",
        {"files": [SimpleUploadedFile("config.json", CONFIG)]},
    )
    assert VersionFile.objects.get().path == "config.json"


def test_upload_counts_sizes_of_version_and_model(backend, client_for, owner, version):
    upload_multipart(client_for(owner), version, {"a.bin": WEIGHTS, "b.json": CONFIG})
    version.refresh_from_db()
    assert version.size_bytes == len(WEIGHTS) + len(CONFIG)
    assert AIModel.objects.get(pk=version.model_id).storage_bytes == len(WEIGHTS) + len(CONFIG)


@pytest.mark.usefixtures("delete_at_once")
def test_reupload_replaces_the_file_and_removes_the_old_object(
    backend, client_for, owner, version, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        upload_raw(client, version, "model.bin", WEIGHTS)
    old_key = VersionFile.objects.get().storage_key
    with django_capture_on_commit_callbacks(execute=True):
        upload_raw(client, version, "model.bin", CONFIG)
    row = VersionFile.objects.get()
    assert row.sha256 == sha256(CONFIG)
    assert backend.keys() == [row.storage_key]
    assert old_key != row.storage_key


def test_reupload_keeps_sizes_right(backend, client_for, owner, version):
    client = client_for(owner)
    upload_raw(client, version, "model.bin", WEIGHTS)
    upload_raw(client, version, "model.bin", CONFIG)
    version.refresh_from_db()
    assert version.size_bytes == len(CONFIG)
    assert AIModel.objects.get(pk=version.model_id).storage_bytes == len(CONFIG)


def shown(path: str) -> str:
    """How a message names a path: control characters escaped."""
    return path if path.isprintable() else path.encode("unicode_escape").decode("ascii")


REFUSED = [
    ("../escape.bin", "“..” is not allowed"),
    ("artifacts/../../x", "“..” is not allowed"),
    ("/etc/passwd", "absolute"),
    ("C:/weights.bin", "absolute"),
    ("artifacts\\model.bin", "backslash"),
    ("", "empty"),
    ("artifacts/", "empty"),
    ("bad\x07name.bin", "control characters"),
    ("new\nline.bin", "control characters"),
]


@pytest.mark.parametrize(("path", "reason"), REFUSED)
def test_refused_path_in_multipart_is_named_and_nothing_is_stored(
    backend, client_for, owner, version, path, reason
):
    response = upload_multipart(
        client_for(owner),
        version,
        {"fine.bin": CONFIG, path: WEIGHTS},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    message = response.json()["error"]
    assert reason in message
    assert shown(path) in message
    assert not VersionFile.objects.exists()
    assert backend.keys() == []


@pytest.mark.parametrize(("path", "reason"), REFUSED)
def test_refused_path_in_raw_upload_is_named_and_nothing_is_stored(
    backend, client_for, owner, version, path, reason
):
    response = upload_raw(client_for(owner), version, path, WEIGHTS)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert shown(path) in response.json()["error"]
    assert not VersionFile.objects.exists()
    assert backend.keys() == []


def test_the_same_path_twice_in_one_upload_is_refused(backend, client_for, owner, version):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(owner).post(
        f"/models/{version.model.uuid}/versions/v1/upload/",
        {
            "files": [SimpleUploadedFile("a", WEIGHTS), SimpleUploadedFile("b", CONFIG)],
            "paths": ["dir/model.bin", "dir//./model.bin"],
        },
    )
    assert response.status_code == 400
    assert "dir//./model.bin" in response.content.decode()
    assert "twice" in response.content.decode()
    assert backend.keys() == []


def test_refusal_on_the_form_page_names_the_path(client_for, owner, version):
    response = upload_multipart(client_for(owner), version, {"../up.bin": CONFIG})
    assert response.status_code == 400
    assert "../up.bin" in response.content.decode()


def test_paths_and_files_must_pair_up(client_for, owner, version):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(owner).post(
        f"/models/{version.model.uuid}/versions/v1/upload/",
        {"files": [SimpleUploadedFile("a", WEIGHTS)], "paths": ["a", "b"]},
    )
    assert response.status_code == 400


def test_file_over_the_limit_is_refused_with_413(backend, client_for, owner, version, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    response = upload_raw(client_for(owner), version, "big.bin", WEIGHTS)
    assert response.status_code == 413
    assert "big.bin" in response.json()["error"]
    assert backend.keys() == []


def test_multipart_file_over_the_limit_is_refused_with_413(
    backend, client_for, owner, version, settings
):
    settings.MAX_UPLOAD_BYTES = 1000
    response = upload_multipart(client_for(owner), version, {"big.bin": WEIGHTS})
    assert response.status_code == 413
    assert not VersionFile.objects.exists()
    assert backend.keys() == []


def test_japanese_path_is_kept(backend, client_for, owner, version):
    upload_raw(client_for(owner), version, "重み/モデル.bin", CONFIG)
    assert VersionFile.objects.get().path == "重み/モデル.bin"


@pytest.mark.parametrize("who", ["editor", "admin_member", "superuser"])
def test_people_who_may_upload_can(client_for, version, who, request):
    response = upload_raw(client_for(request.getfixturevalue(who)), version, "a.bin", CONFIG)
    assert response.status_code == 201


def test_viewer_may_not_upload(client_for, viewer, version):
    assert upload_raw(client_for(viewer), version, "a.bin", CONFIG).status_code == 403
    assert not VersionFile.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "outsider"])
def test_people_without_access_get_404_on_upload(client_for, version, who, request):
    response = upload_raw(client_for(request.getfixturevalue(who)), version, "a.bin", CONFIG)
    assert response.status_code == 404


def test_upload_needs_post(client_for, owner, version):
    assert (
        client_for(owner).get(f"/models/{version.model.uuid}/versions/v1/upload/").status_code
        == 405
    )


def test_upload_without_csrf_token_is_refused(owner, version):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert upload_raw(client, version, "a.bin", CONFIG).status_code == 403
    assert not VersionFile.objects.exists()


def test_upload_into_unknown_version_is_404(client_for, owner, model):
    version = ModelVersion(model=model, name="nope")
    assert upload_raw(client_for(owner), version, "a.bin", CONFIG).status_code == 404


def test_an_empty_file_round_trips(backend, client_for, owner, version):
    client = client_for(owner)
    # Browsers send "Content-Length: 0"; the test client leaves it out for an empty body.
    assert upload_raw(client, version, "empty.txt", b"", CONTENT_LENGTH="0").status_code == 201
    response = client.get(file_url(version, "empty.txt"))
    assert response["Content-Length"] == "0"
    assert b"".join(response.streaming_content) == b""
    assert VersionFile.objects.get().sha256 == sha256(b"")


def test_raw_upload_needs_a_path_header(client_for, owner, version):
    response = client_for(owner).post(
        f"/models/{version.model.uuid}/versions/v1/upload/",
        data=b"x",
        content_type="application/octet-stream",
    )
    assert response.status_code == 400
    assert "X-Upload-Path" in response.json()["error"]


def test_upload_is_audited_with_its_hash(client_for, owner, version):
    from models_app.audit.models import AuditAction, AuditEvent

    upload_raw(client_for(owner), version, "a.bin", CONFIG)
    event = AuditEvent.objects.get(action=AuditAction.FILE_UPLOADED)
    assert event.details["path"] == "a.bin"
    assert event.details["sha256"] == sha256(CONFIG)


def test_raw_upload_without_content_length_is_411(client_for, owner, version):
    response = upload_raw(client_for(owner), version, "a.bin", b"")
    assert response.status_code == 411
    assert not VersionFile.objects.exists()


def delete_file(client, version, path):
    return client.post(f"/models/{version.model.uuid}/versions/v1/delete-file/", {"path": path})


@pytest.mark.usefixtures("delete_at_once")
def test_admin_deletes_a_file_and_its_object(
    backend, client_for, owner, version, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    upload_multipart(client, version, {"dir/a.bin": WEIGHTS, "b.json": CONFIG})
    with django_capture_on_commit_callbacks(execute=True):
        response = delete_file(client, version, "dir/a.bin")
    assert response.status_code == 302
    # dir/ held only that file: back to the root, not to a folder that is gone (a 404).
    assert response["Location"].endswith("/versions/v1/")
    remaining = VersionFile.objects.get()
    assert backend.keys() == [remaining.storage_key]
    version.refresh_from_db()
    assert version.size_bytes == len(CONFIG)
    assert AIModel.objects.get(pk=version.model_id).storage_bytes == len(CONFIG)


def test_deleting_a_file_returns_to_the_nearest_folder_that_still_has_files(
    client_for, owner, version
):
    client = client_for(owner)
    upload_multipart(client, version, {"a/b/c.bin": b"1", "a/b/d.bin": b"2", "a/e.bin": b"3"})
    assert delete_file(client, version, "a/b/c.bin")["Location"].endswith("?path=a/b/")
    assert delete_file(client, version, "a/b/d.bin")["Location"].endswith("?path=a/")
    response = delete_file(client, version, "a/e.bin")
    assert response["Location"].endswith("/versions/v1/")
    assert client.get(response["Location"]).status_code == 200


def test_file_delete_is_audited(client_for, owner, version):
    from models_app.audit.models import AuditAction, AuditEvent

    client = client_for(owner)
    upload_raw(client, version, "a.bin", CONFIG)
    delete_file(client, version, "a.bin")
    assert AuditEvent.objects.get(action=AuditAction.FILE_DELETED).details["path"] == "a.bin"


def test_editor_may_not_delete_files(client_for, owner, editor, version):
    upload_raw(client_for(owner), version, "a.bin", CONFIG)
    assert delete_file(client_for(editor), version, "a.bin").status_code == 403
    assert VersionFile.objects.exists()


def test_deleting_an_unknown_file_is_404(client_for, owner, version):
    assert delete_file(client_for(owner), version, "nope.bin").status_code == 404


LONG_EXTENSION = "weights." + "x" * 300


def test_a_file_name_with_a_very_long_extension_is_stored_under_its_path(
    backend, client_for, owner, version
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(owner).post(
        upload_url(version),
        {"files": [SimpleUploadedFile(LONG_EXTENSION, WEIGHTS)], "paths": ["weights.bin"]},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    assert VersionFile.objects.get().sha256 == sha256(WEIGHTS)


def test_a_file_name_too_long_to_store_is_refused_with_the_reason(
    backend, client_for, owner, version
):
    sent = io.BytesIO(WEIGHTS)
    sent.name = LONG_EXTENSION  # a SimpleUploadedFile would cut its name to 255 characters
    response = client_for(owner).post(
        upload_url(version), {"files": [sent]}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert LONG_EXTENSION in error
    assert "longer than 255 bytes" in error
    assert backend.keys() == []


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        (LONG_EXTENSION, "longer than 255 bytes"),
        ("重み/" * 10 + "名" * 85 + "/" + "前" * 85 + ".bin", "longer than 255 bytes"),
        ("/".join(["重みのファイル" * 12] * 9), "longer than 2048 bytes"),
    ],
)
def test_raw_upload_of_a_path_the_server_cannot_store_is_refused(
    backend, client_for, owner, version, path, reason
):
    response = upload_raw(client_for(owner), version, path, CONFIG)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not VersionFile.objects.exists()


def test_the_longest_path_the_rules_accept_is_stored(client_for, owner, version):
    # Shuffled CJK does not compress: on PostgreSQL this is the index entry at its largest.
    import random

    letters = [chr(0x4E00 + i) for i in random.Random(11).sample(range(20000), 672)]
    path = "/".join(["".join(letters[i : i + 84]) for i in range(0, 672, 84)] + ["b" * 24])
    assert len(path.encode()) == 2048
    response = upload_raw(client_for(owner), version, path, CONFIG)
    assert response.status_code == 201
    assert VersionFile.objects.get().path == path
