from unittest import mock


def test_healthz_answers_ok_without_sign_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_reports_a_broken_storage(client, db):
    with mock.patch("modelhub.health.default_storage.exists", side_effect=OSError):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert b"storage" in response.content
