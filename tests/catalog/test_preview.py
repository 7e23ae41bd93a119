from models_app.catalog.models import AIModel

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
