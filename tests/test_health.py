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


def test_healthz_answers_head_like_get_for_load_balancers(client, db):
    response = client.head("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response.content == b""


def test_healthz_head_reports_a_broken_storage(client, db):
    with mock.patch("modelhub.health.default_storage.exists", side_effect=OSError):
        response = client.head("/healthz")
    assert response.status_code == 503
