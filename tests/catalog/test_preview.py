import re

from models_app.catalog.models import AIModel
from tests.factories import AIModelFactory, ShareFactory

from .images import huge_png_header, image_upload
from .test_create import form_data

PREVIEW = "/models/preview/"


def test_preview_renders_the_card_as_typed_and_saves_nothing(client_for, owner):
    response = client_for(owner).post(PREVIEW, form_data(title="draft", parameter_size="13b"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "draft" in html and "13B" in html and "<strong>Bold</strong>" in html
    assert "PyTorch" in html
    assert not AIModel.objects.exists()


def test_preview_sanitises_the_overview(client_for, owner):
    html = (
        client_for(owner)
        .post(PREVIEW, form_data(overview="<script>x()</script><p>ok</p>"))
        .content.decode()
    )
    assert "<script>x()" not in html


def test_preview_shows_the_chosen_avatar_inline(client_for, owner, settings):
    html = client_for(owner).post(PREVIEW, form_data(avatar=image_upload())).content.decode()
    assert 'src="data:image/webp;base64,' in html
    assert not (settings.MEDIA_ROOT.exists() and any(settings.MEDIA_ROOT.rglob("*.webp")))


def test_preview_with_invalid_fields_still_renders(client_for, owner):
    response = client_for(owner).post(PREVIEW, form_data(parameter_size="lots", ip_whitelist="x"))
    assert response.status_code == 200
    assert "pipeline-demo-0412" in response.content.decode()


def test_preview_is_post_only(client_for, owner):
    assert client_for(owner).get(PREVIEW).status_code == 405


def test_preview_needs_sign_in(client):
    assert client.post(PREVIEW, form_data()).status_code == 302


def test_preview_lists_what_must_be_fixed(client_for, owner):
    html = client_for(owner).post(PREVIEW, form_data(ip_whitelist="192.168.300.1")).content.decode()
    assert "To fix before submitting" in html
    assert "192.168.300.1" in html


def test_preview_of_an_empty_form_does_not_nag(client_for, owner):
    html = client_for(owner).post(PREVIEW, {}).content.decode()
    assert "To fix before submitting" not in html


def test_preview_refuses_a_huge_avatar_from_its_header(client_for, owner):
    avatar = huge_png_header(width=5000, height=8000, bit_depth=16)
    html = client_for(owner).post(PREVIEW, form_data(avatar=avatar)).content.decode()
    assert "5000 × 8000 pixels" in html
    assert "at most 4096 × 4096 pixels" in html


def test_preview_refuses_an_avatar_over_the_byte_limit(client_for, owner, settings):
    settings.MAX_AVATAR_BYTES = 1000
    html = client_for(owner).post(PREVIEW, form_data(avatar=image_upload(size=(400, 400))))
    assert "the limit is 1000" in html.content.decode()


# Issue 11, points 9 and 20.


def edit_preview(client, model, **fields):
    return client.post(f"/models/{model.uuid}/edit/preview/", form_data(revision=1, **fields))


def preview_title(html: str) -> str:
    return re.search(r'<h1 class="model-title">([^<]*)</h1>', html).group(1)


def test_the_edit_preview_shows_the_models_real_latest_version(
    client_for, owner, model, add_version
):
    add_version(model, name="v1")
    add_version(model, name="release-2")
    client = client_for(owner)
    for html in (
        edit_preview(client, model).content.decode(),
        client.get(f"/models/{model.uuid}/edit/").content.decode(),
    ):
        assert re.search(r"Latest version</dt><dd>release-2</dd>", html)


def test_a_clashing_title_keeps_the_preview_title_next_to_the_error(client_for, owner):
    AIModelFactory(owner=owner, title="Taken Title")
    html = client_for(owner).post(PREVIEW, form_data(title="taken  title")).content.decode()
    assert preview_title(html) == "taken title"
    assert "You already have a model named “taken title”." in html


def test_the_edit_preview_reveals_no_title_the_owner_keeps_from_the_editor(
    client_for, owner, editor, model
):
    AIModelFactory(owner=owner, title="secret-plans")  # not shared with the editor
    client = client_for(editor)
    hidden = edit_preview(client, model, title="secret-plans").content.decode()
    assert preview_title(hidden) == "secret-plans"
    assert "To fix before submitting" not in hidden


def test_the_edit_preview_names_a_clash_with_a_model_the_editor_can_see(
    client_for, owner, editor, model
):
    ShareFactory(model=AIModelFactory(owner=owner, title="shared-too"), user=editor)
    html = edit_preview(client_for(editor), model, title="shared-too").content.decode()
    assert preview_title(html) == "shared-too"
    assert "This owner already has a model named “shared-too”." in html


def test_saving_a_title_the_owner_already_uses_is_refused_with_the_same_message(
    client_for, owner, editor, model
):
    AIModelFactory(owner=owner, title="secret-plans")
    data = form_data(title="secret-plans", revision=1, ip_whitelist="")
    response = client_for(editor).post(f"/models/{model.uuid}/edit/", data)
    assert response.status_code == 400
    assert "This owner already has a model named “secret-plans”." in response.content.decode()
    model.refresh_from_db()
    assert model.title == "pipeline-demo-0412"
