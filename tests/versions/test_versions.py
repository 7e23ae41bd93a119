import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from models_app.audit.models import AuditAction, AuditEvent
from models_app.catalog.models import AIModel
from models_app.versions.models import ModelVersion, VersionFile, VersionStatus

from .conftest import upload_multipart
from .factories import VersionFactory


def create_url(model):
    return reverse("versions:create", kwargs={"ref": model.uuid})


def tab_url(model):
    return reverse("versions:tab", kwargs={"ref": model.uuid})


def edit_url(version):
    return reverse("versions:edit", kwargs={"ref": version.model.uuid, "name": version.name})


def delete_url(version):
    return reverse("versions:delete", kwargs={"ref": version.model.uuid, "name": version.name})


def new_version(client, model, **fields):
    data = {"name": "", "status": "created", "tags": "", "notes": ""} | fields
    return client.post(create_url(model), data)


def test_create_redirects_to_the_version_page(client_for, owner, model):
    response = new_version(client_for(owner), model, name="release-1")
    assert response.status_code == 302
    assert response["Location"] == f"/models/{model.uuid}/versions/release-1/"


def test_name_defaults_to_v_and_the_next_index(client_for, owner, model):
    client = client_for(owner)
    new_version(client, model)
    new_version(client, model)
    assert list(model.versions.values_list("number", "name")) == [(1, "v1"), (2, "v2")]


def test_create_stores_status_tags_and_notes(client_for, owner, model):
    new_version(
        client_for(owner), model, status="training", tags="fp16, gguf, , FP16", notes="first run"
    )
    version = model.versions.get()
    assert version.status == VersionStatus.TRAINING
    assert version.tags == ["fp16", "gguf"]
    assert version.notes == "first run"
    assert version.created_by == owner


def test_create_form_proposes_the_next_name(client_for, owner, model):
    VersionFactory(model=model, number=1, name="v1")
    html = client_for(owner).get(create_url(model)).content.decode()
    assert 'value="v2"' in html


def test_duplicate_name_is_a_field_error(client_for, owner, model):
    VersionFactory(model=model, number=1, name="v1")
    response = new_version(client_for(owner), model, name="v1")
    assert response.status_code == 400
    assert "already has a version with this name" in response.content.decode()
    assert model.versions.count() == 1


@pytest.mark.parametrize("name", ["a/b", "new", "..", "has space", "tab\tname"])
def test_bad_names_are_refused(client_for, owner, model, name):
    response = new_version(client_for(owner), model, name=name)
    assert response.status_code == 400
    assert 'data-testid="field-error"' in response.content.decode()
    assert not model.versions.exists()


def test_a_tag_longer_than_50_characters_is_an_error_next_to_the_tags(client_for, owner, model):
    response = new_version(client_for(owner), model, tags="fp16, " + "q" * 51)
    assert response.status_code == 400
    html = response.content.decode()
    tags_field = html[html.index('id="field-tags"') :].split("</div>", 1)[0]
    assert 'data-testid="field-error"' in tags_field
    assert "is longer than 50 characters" in tags_field
    assert not model.versions.exists()


def test_more_than_20_version_tags_are_refused_without_naming_a_category(client_for, owner, model):
    response = new_version(client_for(owner), model, tags=", ".join(f"t{i}" for i in range(21)))
    assert response.status_code == 400
    html = response.content.decode()
    assert "At most 20 tags." in html
    assert "per category" not in html


def test_unknown_status_is_refused(client_for, owner, model):
    assert new_version(client_for(owner), model, status="exploded").status_code == 400


def test_create_is_audited(client_for, owner, model):
    new_version(client_for(owner), model)
    event = AuditEvent.objects.get(action=AuditAction.VERSION_CREATED)
    assert event.details == {"version": "v1"}


def test_editor_may_create(client_for, editor, model):
    assert new_version(client_for(editor), model).status_code == 302


def test_viewer_may_not_create(client_for, viewer, model):
    assert new_version(client_for(viewer), model).status_code == 403
    assert not model.versions.exists()


@pytest.mark.parametrize("who", ["stranger", "outsider"])
def test_people_without_access_get_404_on_versions(client_for, model, who, request):
    client = client_for(request.getfixturevalue(who))
    assert new_version(client, model).status_code == 404
    assert client.get(tab_url(model)).status_code == 404


def test_edit_renames_and_changes_status(client_for, owner, model):
    version = VersionFactory(model=model, number=1, name="v1")
    response = client_for(owner).post(
        edit_url(version), {"name": "v1-final", "status": "deployed", "tags": "prod", "notes": ""}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.name, version.status, version.tags) == ("v1-final", "deployed", ["prod"])


def test_edit_needs_a_name(client_for, owner, model):
    version = VersionFactory(model=model, number=1, name="v1")
    response = client_for(owner).post(edit_url(version), {"name": "", "status": "created"})
    assert response.status_code == 400


def test_edit_to_a_taken_name_is_refused(client_for, owner, model):
    VersionFactory(model=model, number=1, name="v1")
    second = VersionFactory(model=model, number=2, name="v2")
    response = client_for(owner).post(edit_url(second), {"name": "v1", "status": "created"})
    assert response.status_code == 400
    second.refresh_from_db()
    assert second.name == "v2"


def test_viewer_may_not_edit(client_for, viewer, model):
    version = VersionFactory(model=model, number=1, name="v1")
    assert client_for(viewer).get(edit_url(version)).status_code == 403


def test_delete_removes_the_version_and_its_size(
    client_for, owner, model, django_capture_on_commit_callbacks
):
    version = VersionFactory(model=model, number=1, name="v1")
    client = client_for(owner)
    upload_multipart(client, version, {"a.bin": b"12345"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(delete_url(version))
    assert not ModelVersion.objects.exists()
    assert AIModel.objects.get(pk=model.pk).storage_bytes == 0
    assert AuditEvent.objects.filter(action=AuditAction.VERSION_DELETED).exists()


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_only_admins_may_delete(client_for, model, who, request):
    version = VersionFactory(model=model, number=1, name="v1")
    assert client_for(request.getfixturevalue(who)).post(delete_url(version)).status_code == 403
    assert ModelVersion.objects.exists()


def test_admin_member_may_delete(client_for, admin_member, model):
    version = VersionFactory(model=model, number=1, name="v1")
    assert client_for(admin_member).post(delete_url(version)).status_code == 302


def test_delete_needs_post(client_for, owner, model):
    version = VersionFactory(model=model, number=1, name="v1")
    assert client_for(owner).get(delete_url(version)).status_code == 405


def test_tab_lists_a_row_per_version_in_index_order(client_for, owner, model):
    VersionFactory(model=model, number=2, name="beta", status="failed", tags=["fp16"])
    VersionFactory(model=model, number=1, name="alpha", status="deployed")
    html = client_for(owner).get(tab_url(model)).content.decode()
    rows = re.findall(r'data-testid="version-row" data-version="([^"]+)"', html)
    assert rows == ["alpha", "beta"]
    assert "status-failed" in html
    assert "status-deployed" in html
    assert "fp16" in html


def test_tab_links_each_version(client_for, owner, model):
    VersionFactory(model=model, number=1, name="v1")
    html = client_for(owner).get(tab_url(model)).content.decode()
    assert f'href="/models/{model.uuid}/versions/v1/"' in html


def test_viewer_sees_no_edit_or_delete_in_the_tab(client_for, viewer, model):
    VersionFactory(model=model, number=1, name="v1")
    html = client_for(viewer).get(tab_url(model)).content.decode()
    assert "/edit/" not in html
    assert "/delete/" not in html


def test_header_shows_the_most_recently_created_version(client_for, owner, model):
    now = timezone.now()
    VersionFactory(model=model, number=1, name="old", created_at=now)
    VersionFactory(model=model, number=2, name="renumbered", created_at=now - timedelta(days=1))
    html = client_for(owner).get(model.get_absolute_url()).content.decode()
    latest = re.search(r"Latest version</dt><dd>([^<]*)</dd>", html).group(1)
    assert latest == "old"


def test_detail_offers_download_model_once_a_version_has_files(client_for, viewer, model):
    # Issue 11, point 8: a version alone is not enough any more; it must hold files.
    version = VersionFactory(model=model, number=1, name="v1")
    VersionFile.objects.create(
        version=version, path="a.bin", storage_key="k-a", size_bytes=1, sha256="0" * 64
    )
    html = client_for(viewer).get(model.get_absolute_url()).content.decode()
    assert f"/models/{model.uuid}/download/" in html


def test_upload_model_button_only_for_uploaders(client_for, viewer, editor, model):
    VersionFactory(model=model, number=1, name="v1")
    assert "Upload model" not in client_for(viewer).get(model.get_absolute_url()).content.decode()
    assert "Upload model" in client_for(editor).get(model.get_absolute_url()).content.decode()


def test_tab_needs_get(client_for, owner, model):
    assert client_for(owner).post(tab_url(model)).status_code == 405


def test_a_version_name_with_a_text_direction_override_is_refused_naming_it(
    client_for, owner, model
):
    response = new_version(client_for(owner), model, name="v1\u202eexe")
    assert response.status_code == 400
    assert "(found U+202E)" in response.content.decode()
    assert not model.versions.exists()


def test_a_zip_of_a_title_saved_before_the_rule_is_named_without_the_override(
    client_for, owner, model
):
    AIModel.objects.filter(pk=model.pk).update(title="weights\u202epiz.exe")
    VersionFactory(model=model, number=1, name="v1")
    url = reverse("versions:zip", kwargs={"ref": model.uuid, "name": "v1"})
    response = client_for(owner).get(url)
    assert "\u202e" not in response["Content-Disposition"]
    assert "%E2%80%AE" not in response["Content-Disposition"]
    assert "weightspiz.exe-v1.zip" in response["Content-Disposition"]
