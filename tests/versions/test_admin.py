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
