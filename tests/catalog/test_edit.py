import html
import re

import pytest

from models_app.catalog.models import AIModel

from .images import image_upload
from .test_create import form_data

OVERVIEW_INPUT = re.compile(r'name="overview" id="overview-input" value="([^"]*)"')


def edit_url(model):
    return f"/models/{model.uuid}/edit/"


def test_edit_form_is_filled_in(client_for, owner, model):
    html = client_for(owner).get(edit_url(model)).content.decode()
    assert 'value="pipeline-demo-0412"' in html
    assert 'value="7B"' in html
    assert 'name="revision"' in html


def test_edit_saves_and_redirects(client_for, owner, model):
    response = client_for(owner).post(edit_url(model), form_data(title="renamed", revision=1))
    model.refresh_from_db()
    assert response.status_code == 302
    assert model.title == "renamed"
    assert model.revision == 2


def test_reference_survives_a_rename(client_for, owner, model):
    old_url = model.get_absolute_url()
    client_for(owner).post(edit_url(model), form_data(title="renamed", revision=1))
    assert client_for(owner).get(old_url).status_code == 200


def test_stale_edit_is_refused_and_overwrites_nothing(client_for, owner, editor, model):
    client_for(editor).post(edit_url(model), form_data(title="first save", revision=1))
    response = client_for(owner).post(edit_url(model), form_data(title="second save", revision=1))
    model.refresh_from_db()
    assert response.status_code == 409
    assert "Someone saved this model" in response.content.decode()
    assert model.title == "first save"


def test_a_stale_edit_says_so_once_next_to_the_form(client_for, owner, editor, model):
    client_for(editor).post(edit_url(model), form_data(title="first save", revision=1))
    response = client_for(owner).post(edit_url(model), form_data(title="second save", revision=1))
    html = response.content.decode()
    assert html.count("Someone saved this model") == 1
    assert 'class="messages"' not in html
    assert 'data-testid="stale-edit"' in html
    assert f'href="/models/{model.uuid}/edit/">Reload the current version</a>' in html


def test_editor_may_edit(client_for, editor, model):
    response = client_for(editor).post(edit_url(model), form_data(title="by editor", revision=1))
    assert response.status_code == 302


def test_viewer_gets_403_and_nothing_changes(client_for, viewer, model):
    response = client_for(viewer).post(edit_url(model), form_data(title="hacked", revision=1))
    model.refresh_from_db()
    assert response.status_code == 403
    assert model.title == "pipeline-demo-0412"


@pytest.mark.parametrize("who", ["stranger", "outsider"])
def test_users_without_a_share_get_404(client_for, model, who, request):
    client = client_for(request.getfixturevalue(who))
    assert client.get(edit_url(model)).status_code == 404
    assert client.post(edit_url(model), form_data(title="x", revision=1)).status_code == 404
    assert AIModel.objects.get(pk=model.pk).title == "pipeline-demo-0412"


def test_replacing_the_avatar_removes_the_old_file(
    client_for, owner, model, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(model), form_data(avatar=image_upload(colour=(1, 2, 3)), revision=1))
    model.refresh_from_db()
    first = model.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(model), form_data(avatar=image_upload(colour=(9, 9, 9)), revision=2))
    model.refresh_from_db()
    assert model.avatar.name != first
    assert not model.avatar.storage.exists(first)


def test_removing_the_avatar(client_for, owner, model, django_capture_on_commit_callbacks):
    client = client_for(owner)
    client.post(edit_url(model), form_data(avatar=image_upload(), revision=1))
    model.refresh_from_db()
    name = model.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(model), form_data(remove_avatar="on", revision=2))
    model.refresh_from_db()
    assert not model.avatar
    assert not model.avatar.storage.exists(name)


def test_edit_preview_shows_the_model_without_a_duplicate_title_error(client_for, editor, model):
    response = client_for(editor).post(
        f"/models/{model.uuid}/edit/preview/", form_data(title=model.title, revision=1)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "pipeline-demo-0412" in html
    assert "already have a model" not in html


def test_edit_preview_shows_the_current_avatar(client_for, owner, model):
    client = client_for(owner)
    client.post(edit_url(model), form_data(avatar=image_upload(), revision=1))
    html = client.post(f"/models/{model.uuid}/edit/preview/", form_data(revision=2)).content
    assert f"/models/{model.uuid}/avatar/?v=".encode() in html


def test_edit_preview_needs_the_edit_role(client_for, viewer, model):
    response = client_for(viewer).post(f"/models/{model.uuid}/edit/preview/", form_data())
    assert response.status_code == 403


def test_untouched_edit_keeps_an_odd_parameter_count(client_for, owner, model):
    model.parameter_count = 1_234_567_891
    model.save()
    client = client_for(owner)
    shown = client.get(edit_url(model)).context["form"].initial["parameter_size"]
    client.post(edit_url(model), form_data(parameter_size=shown, revision=1))
    model.refresh_from_db()
    assert model.parameter_count == 1_234_567_891


def test_counters_written_meanwhile_survive_an_edit(client_for, owner, model):
    AIModel.objects.filter(pk=model.pk).update(storage_bytes=10**9, view_count=5)
    client_for(owner).post(edit_url(model), form_data(revision=1))
    model.refresh_from_db()
    assert (model.storage_bytes, model.view_count) == (10**9, 5)


@pytest.mark.parametrize("revision", ["", "abc"])
def test_missing_or_garbage_revision_saves_nothing(client_for, owner, model, revision):
    response = client_for(owner).post(edit_url(model), form_data(title="x", revision=revision))
    model.refresh_from_db()
    assert response.status_code in (400, 409)
    assert model.title == "pipeline-demo-0412"


def test_stale_edit_removes_the_avatar_it_stored(client_for, owner, model, settings):
    AIModel.objects.filter(pk=model.pk).update(revision=5)
    client_for(owner).post(edit_url(model), form_data(avatar=image_upload(), revision=1))
    assert not list(settings.MEDIA_ROOT.rglob("*.webp"))


def test_anonymous_edit_post_changes_nothing(client, model):
    response = client.post(edit_url(model), form_data(title="anon", revision=1))
    model.refresh_from_db()
    assert response.status_code == 302
    assert model.title == "pipeline-demo-0412"


def test_editor_cannot_change_the_allowlist(client_for, editor, model):
    model.ip_allowlist = "10.0.0.0/8"
    model.save()
    client_for(editor).post(edit_url(model), form_data(ip_whitelist="", revision=1))
    model.refresh_from_db()
    assert model.ip_allowlist == "10.0.0.0/8"


def test_editor_sees_the_allowlist_read_only(client_for, editor, model):
    html = client_for(editor).get(edit_url(model)).content.decode()
    assert "Only the model&#x27;s admins can change who may download it." in html


def test_admin_member_can_change_the_allowlist(client_for, admin_member, model):
    client_for(admin_member).post(edit_url(model), form_data(ip_whitelist="10.0.0.0/8", revision=1))
    model.refresh_from_db()
    assert model.ip_allowlist == "10.0.0.0/8"


def test_overview_code_reads_the_same_after_saving_three_times(client_for, owner, model):
    client = client_for(owner)
    overview = "<p>See https://example.com</p><pre><code>x &lt; y &amp;&amp; z</code></pre>"
    for revision in (1, 2, 3):
        client.post(edit_url(model), form_data(overview=overview, revision=revision))
        form_html = client.get(edit_url(model)).content.decode()
        overview = html.unescape(OVERVIEW_INPUT.search(form_html).group(1))
    page = client.get(model.get_absolute_url()).content.decode()
    assert "<code>x &lt; y &amp;&amp; z</code>" in page
    assert "&amp;lt;" not in page
