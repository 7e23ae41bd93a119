"""A download runs the access module once: one visibility query, one client address."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from models_app.access import caller as caller_module
from tests.versions.conftest import upload_multipart
from tests.versions.factories import VersionFactory


@pytest.fixture
def stored(client_for, owner, model):
    version = VersionFactory(model=model, number=1, name="v1")
    upload_multipart(client_for(owner), version, {"weights/model.bin": b"secret weights"})
    model.ip_allowlist = "127.0.0.0/8"
    model.save()
    return version


def file_url(version):
    kwargs = {"ref": version.model.uuid, "name": version.name, "path": "weights/model.bin"}
    return reverse("versions:file", kwargs=kwargs)


def visibility_queries(queries) -> list[str]:
    """The queries that decide which models the caller may see: owned ∪ shared ids."""
    return [
        q["sql"] for q in queries if '"sharing_share"' in q["sql"] and "UNION" in q["sql"].upper()
    ]


def test_a_file_download_runs_the_visibility_query_once(stored, client_for, viewer):
    client = client_for(viewer)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(file_url(stored))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"secret weights"
    assert len(visibility_queries(captured.captured_queries)) == 1


def test_a_refused_download_runs_the_visibility_query_once(stored, client_for, viewer):
    stored.model.ip_allowlist = "10.0.0.0/8"
    stored.model.save()
    with CaptureQueriesContext(connection) as captured:
        response = client_for(viewer).get(file_url(stored))
    assert response.status_code == 403
    assert len(visibility_queries(captured.captured_queries)) == 1


def test_a_download_works_out_the_client_address_once(stored, client_for, viewer, monkeypatch):
    calls = []
    real = caller_module.request_client_address

    def counting(request):
        calls.append(request.path)
        return real(request)

    monkeypatch.setattr(caller_module, "request_client_address", counting)
    response = client_for(viewer).get(file_url(stored))
    assert response.status_code == 200
    list(response.streaming_content)
    assert calls == [file_url(stored)]
