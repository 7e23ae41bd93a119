"""A version edited in the admin follows the version form's rules and its write path."""

import pytest
from django.urls import reverse

from models_app.audit.models import AuditAction, AuditEvent
from models_app.versions.models import ModelVersion

from .factories import VersionFactory


@pytest.fixture
def root(client_for, superuser):
    return client_for(superuser)


def change(root, version, **overrides):
    data = {
        "name": version.name,
        "status": version.status,
        "tags": '["fp16"]',
        "notes": "",
        "created_at_0": "2026-01-01",
        "created_at_1": "00:00:00",
        "updated_at_0": "2026-01-01",
        "updated_at_1": "00:00:00",
        "files-TOTAL_FORMS": 0,
        "files-INITIAL_FORMS": 0,
        "files-MIN_NUM_FORMS": 0,
        "files-MAX_NUM_FORMS": 1000,
    } | overrides
    url = reverse("admin:versions_modelversion_change", args=[version.pk])
    return root.post(url, data)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("a/b", "is not a valid identifier"),
        ("new", "is not a valid identifier"),
        ("v1\u202eexe", "(found U+202E)"),
    ],
)
def test_a_name_the_form_refuses_is_refused_and_the_pages_keep_working(
    root, client_for, owner, model, name, reason
):
    version = VersionFactory(model=model, number=1, name="v1")
    response = change(root, version, name=name)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert ModelVersion.objects.get().name == "v1"
    assert client_for(owner).get(model.get_absolute_url()).status_code == 200


def test_a_name_another_version_has_is_refused(root, model):
    VersionFactory(model=model, number=1, name="v1")
    second = VersionFactory(model=model, number=2, name="v2")
    response = change(root, second, name="v1")
    assert response.status_code == 200
    assert "already has a version with this name" in response.content.decode()


def test_a_tag_with_a_control_character_is_refused(root, model):
    version = VersionFactory(model=model, number=1, name="v1")
    response = change(root, version, tags='["ok", "bad\\u0007"]')
    assert response.status_code == 200
    assert "(found U+0007)" in response.content.decode()


def test_a_good_edit_is_saved_through_the_service_and_audited(root, superuser, model):
    version = VersionFactory(model=model, number=1, name="v1")
    response = change(root, version, name="release-1", tags='["FP16", "fp16", " gguf "]')
    assert response.status_code == 302, response.content.decode()[:3000]
    version.refresh_from_db()
    assert (version.name, version.tags) == ("release-1", ["FP16", "gguf"])
    event = AuditEvent.objects.get(action=AuditAction.VERSION_EDITED)
    assert (event.actor, event.details["via"]) == (superuser, "admin")


def test_versions_are_not_added_in_the_admin(root):
    assert root.get(reverse("admin:versions_modelversion_add")).status_code == 403
