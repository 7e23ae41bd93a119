import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from models_app.audit.models import AuditAction, AuditEvent
from models_app.catalog.models import AIModel
from models_app.catalog.services import model_delete
from models_app.sharing.models import Share
from models_app.versions.models import ModelVersion, VersionFile


def delete_url(model):
    return f"/models/{model.uuid}/delete/"


def stored(key: str) -> str:
    return default_storage.save(key, ContentFile(b"weights"))


def test_confirmed_delete_removes_the_model_and_returns_to_the_list(client_for, owner, model):
    response = client_for(owner).post(delete_url(model), {"confirm": "confirm"})
    assert response.status_code == 302
    assert response["Location"] == "/models/"
    assert not AIModel.objects.filter(pk=model.pk).exists()


def test_the_list_says_the_model_was_deleted(client_for, owner, model):
    response = client_for(owner).post(delete_url(model), {"confirm": "confirm"}, follow=True)
    assert "Model “pipeline-demo-0412” deleted." in response.content.decode()


def test_delete_returns_to_the_filtered_list_it_came_from(client_for, owner, model):
    next_url = "/models/?q=demo&page_size=4"
    response = client_for(owner).post(delete_url(model), {"confirm": "confirm", "next": next_url})
    assert response["Location"] == next_url


def test_delete_never_redirects_off_site(client_for, owner, model):
    response = client_for(owner).post(
        delete_url(model), {"confirm": "confirm", "next": "https://evil.test/"}
    )
    assert response["Location"] == "/models/"


@pytest.mark.parametrize("typed", [None, "", "Confirm", "confirm ", "conf", "yes"])
def test_delete_without_the_exact_word_deletes_nothing(client_for, owner, model, typed):
    data = {} if typed is None else {"confirm": typed}
    response = client_for(owner).post(delete_url(model), data)
    assert response.status_code == 400
    assert "Type “confirm” in the box to delete the model. Nothing was deleted." in (
        response.content.decode()
    )
    assert AIModel.objects.filter(pk=model.pk).exists()


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_viewers_and_editors_may_not_delete(client_for, model, who, request):
    response = client_for(request.getfixturevalue(who)).post(
        delete_url(model), {"confirm": "confirm"}
    )
    assert response.status_code == 403
    assert AIModel.objects.filter(pk=model.pk).exists()


@pytest.mark.parametrize("who", ["stranger", "outsider"])
def test_people_without_access_get_404_and_nothing_is_deleted(client_for, model, who, request):
    response = client_for(request.getfixturevalue(who)).post(
        delete_url(model), {"confirm": "confirm"}
    )
    assert response.status_code == 404
    assert AIModel.objects.filter(pk=model.pk).exists()


@pytest.mark.parametrize("who", ["admin_member", "superuser"])
def test_admins_may_delete(client_for, model, who, request):
    client_for(request.getfixturevalue(who)).post(delete_url(model), {"confirm": "confirm"})
    assert not AIModel.objects.filter(pk=model.pk).exists()


def test_anonymous_is_sent_to_sign_in_and_nothing_is_deleted(client, model):
    assert client.post(delete_url(model), {"confirm": "confirm"}).status_code == 302
    assert AIModel.objects.filter(pk=model.pk).exists()


def test_get_shows_a_confirmation_page_and_deletes_nothing(client_for, owner, model):
    response = client_for(owner).get(delete_url(model))
    assert response.status_code == 200
    assert 'data-testid="confirm-input"' in response.content.decode()
    assert AIModel.objects.filter(pk=model.pk).exists()


def test_wrong_method_is_refused(client_for, owner, model):
    assert client_for(owner).put(delete_url(model)).status_code == 405


def test_delete_takes_versions_files_and_shares_with_it(
    client_for, owner, model, viewer, add_version
):
    add_version(model, keys=["artifacts/a", "artifacts/b"])
    client_for(owner).post(delete_url(model), {"confirm": "confirm"})
    assert not ModelVersion.objects.filter(model_id=model.pk).exists()
    assert not VersionFile.objects.exists()
    assert not Share.objects.filter(model_id=model.pk).exists()


def test_delete_is_audited(client_for, owner, model):
    client_for(owner).post(delete_url(model), {"confirm": "confirm"})
    event = AuditEvent.objects.get(action=AuditAction.MODEL_DELETED)
    assert (event.model_ref, event.model_title, event.actor) == (model.uuid, model.title, owner)


@pytest.mark.usefixtures("delete_at_once")
def test_storage_objects_go_after_the_commit(
    model, add_version, django_capture_on_commit_callbacks
):
    first, second = stored("artifacts/one"), stored("artifacts/two")
    model.avatar.name = stored("avatars/face.webp")
    model.save()
    add_version(model, keys=[first])
    add_version(model, keys=[second])
    with django_capture_on_commit_callbacks() as callbacks:
        model_delete(model)
        assert default_storage.exists(first)
    assert len(callbacks) == 1
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(k) for k in (first, second, "avatars/face.webp"))


@pytest.mark.usefixtures("delete_at_once")
def test_a_storage_failure_is_logged_and_the_model_stays_deleted(
    model, add_version, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    add_version(model, keys=["artifacts/stuck", "artifacts/fine"])
    stored("artifacts/fine")

    real_delete = default_storage.delete

    def flaky_delete(name):
        if name == "artifacts/stuck":
            raise OSError("storage unavailable")
        real_delete(name)

    monkeypatch.setattr(default_storage, "delete", flaky_delete)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        model_delete(model)
    assert not AIModel.objects.filter(pk=model.pk).exists()
    assert "artifacts/stuck" in caplog.text
    assert not default_storage.exists("artifacts/fine")
