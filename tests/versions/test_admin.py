import pytest

from .conftest import upload_multipart


@pytest.mark.parametrize(
    ("page", "expected"),
    [("/admin/versions/modelversion/", ">v1<"), ("/admin/versions/versionfile/", ">a.bin<")],
)
def test_admin_lists_versions_and_files(client_for, superuser, owner, version, page, expected):
    upload_multipart(client_for(owner), version, {"a.bin": b"1"})
    response = client_for(superuser).get(page)
    assert response.status_code == 200
    assert expected in response.content.decode()


@pytest.mark.usefixtures("delete_at_once")
def test_admin_version_delete_removes_its_objects_and_size(
    backend, client_for, superuser, owner, version, django_capture_on_commit_callbacks
):
    from models_app.audit.models import AuditEvent
    from models_app.catalog.models import AIModel
    from models_app.versions.models import ModelVersion

    upload_multipart(client_for(owner), version, {"a.bin": b"123"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(superuser).post(
            f"/admin/versions/modelversion/{version.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not ModelVersion.objects.exists()
    assert backend.keys() == []
    assert AIModel.objects.get().storage_bytes == 0
    assert AuditEvent.objects.filter(action="version_deleted").exists()


@pytest.mark.usefixtures("delete_at_once")
def test_admin_file_delete_removes_its_object_and_size(
    backend, client_for, superuser, owner, version, django_capture_on_commit_callbacks
):
    from models_app.versions.models import ModelVersion, VersionFile

    upload_multipart(client_for(owner), version, {"a.bin": b"123", "b.bin": b"4"})
    target = VersionFile.objects.get(path="a.bin")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(superuser).post(
            "/admin/versions/versionfile/",
            {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
        )
    assert list(VersionFile.objects.values_list("path", flat=True)) == ["b.bin"]
    assert backend.keys() == [VersionFile.objects.get().storage_key]
    assert ModelVersion.objects.get().size_bytes == 1
