import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from models_app.catalog.models import AIModel

from .images import huge_png_header, image_upload

CREATE = "/models/new/"


def form_data(**overrides):
    data = {
        "title": "pipeline-demo-0412",
        "description": "Classifies tickets.",
        "base_model": "Qwen2-72B-Instruct",
        "parameter_size": "7B",
        "ip_whitelist": "10.0.0.0/8, 192.168.1.5/24",
        "overview": "<p><strong>Bold</strong> claim</p>",
        "tags_framework": "PyTorch, pytorch",
        "tags_architecture": "Transformer",
        "tags_domain": "finance",
        "tags_task": "text classification",
        "tags_other": "",
    }
    data.update(overrides)
    return data


def errors(response):
    return response.context["form"].errors


def test_anonymous_request_is_sent_to_sign_in(client):
    response = client.get(CREATE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/models/new/")


def test_form_page_shows_every_field(client_for, owner):
    html = client_for(owner).get(CREATE).content.decode()
    for name in (
        "title",
        "description",
        "base_model",
        "parameter_size",
        "ip_whitelist",
        "avatar",
        "overview",
        "tags_framework",
        "tags_architecture",
        "tags_domain",
        "tags_task",
        "tags_other",
    ):
        assert f'name="{name}"' in html
    assert 'data-testid="preview"' in html


def test_create_redirects_to_the_detail_page_showing_the_model(client_for, owner):
    client = client_for(owner)
    response = client.post(CREATE, form_data())
    model = AIModel.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:detail", kwargs={"ref": model.uuid})
    page = client.get(response["Location"]).content.decode()
    assert "pipeline-demo-0412" in page
    assert "7B" in page
    assert "<strong>Bold</strong>" in page
    assert "Transformer" in page


def test_create_stores_normalised_values(client_for, owner):
    client_for(owner).post(CREATE, form_data())
    model = AIModel.objects.get()
    assert model.owner == owner
    assert model.parameter_count == 7_000_000_000
    assert model.ip_allowlist == "10.0.0.0/8, 192.168.1.0/24"
    assert sorted(t.name for t in model.tags.all()) == [
        "PyTorch",
        "Transformer",
        "finance",
        "text classification",
    ]


def test_japanese_title_works(client_for, owner):
    response = client_for(owner).post(CREATE, form_data(title="医療画像分類モデル"))
    assert response.status_code == 302
    assert AIModel.objects.get().title == "医療画像分類モデル"


def test_duplicate_title_of_the_same_owner_is_a_field_error(client_for, owner):
    client = client_for(owner)
    client.post(CREATE, form_data(title="My Model"))
    response = client.post(CREATE, form_data(title="  my   MODEL "))
    assert response.status_code == 400
    assert "already have a model" in errors(response)["title"][0]
    assert AIModel.objects.count() == 1


def test_another_owner_may_use_the_same_title(client_for, owner, stranger):
    client_for(owner).post(CREATE, form_data())
    assert client_for(stranger).post(CREATE, form_data()).status_code == 302


def test_title_is_required(client_for, owner):
    response = client_for(owner).post(CREATE, form_data(title="   "))
    assert response.status_code == 400
    assert "title" in errors(response)


def test_invalid_allowlist_names_the_entry_next_to_the_field_and_keeps_input(client_for, owner):
    response = client_for(owner).post(
        CREATE, form_data(ip_whitelist="192.168.300.1, 10.0.0.0/8", description="keep me")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "192.168.300.1" in errors(response)["ip_whitelist"][0]
    assert 'id="field-ip_whitelist"' in html and 'data-testid="field-error"' in html
    assert "keep me" in html
    assert "192.168.300.1, 10.0.0.0/8" in html
    assert not AIModel.objects.exists()


@pytest.mark.parametrize("count, ok", [(10, True), (11, False)])
def test_allowlist_entry_limit(client_for, owner, count, ok):
    allowlist = ", ".join(f"10.0.0.{i}" for i in range(count))
    response = client_for(owner).post(CREATE, form_data(ip_whitelist=allowlist))
    assert (response.status_code == 302) is ok


def test_garbage_parameter_size_is_a_field_error(client_for, owner):
    response = client_for(owner).post(CREATE, form_data(parameter_size="lots"))
    assert response.status_code == 400
    assert "parameter_size" in errors(response)


def test_description_over_500_characters_is_refused(client_for, owner):
    response = client_for(owner).post(CREATE, form_data(description="x" * 501))
    assert "description" in errors(response)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="data:text/html,boom">x</a>',
        '<iframe src="https://evil.test"></iframe>',
        "<style>*{display:none}</style>",
    ],
)
def test_hostile_overview_never_reaches_database_or_page(client_for, owner, hostile):
    client = client_for(owner)
    response = client.post(CREATE, form_data(overview=f"<p>safe</p>{hostile}"))
    model = AIModel.objects.get()
    page = client.get(response["Location"]).content.decode()
    for marker in ("<script>alert", "onerror", "javascript:", "data:text", "<iframe", "<style>"):
        assert marker not in model.overview
        assert marker not in page
    assert "<p>safe</p>" in model.overview


def test_avatar_is_stored_as_thumbnail(client_for, owner):
    client_for(owner).post(CREATE, form_data(avatar=image_upload()))
    model = AIModel.objects.get()
    assert model.avatar.name.endswith(".webp")
    assert default_storage.exists(model.avatar.name)


def test_text_file_named_png_is_an_avatar_error(client_for, owner):
    fake = SimpleUploadedFile("fake.png", b"hello, I am text", "image/png")
    response = client_for(owner).post(CREATE, form_data(avatar=fake))
    assert response.status_code == 400
    assert "not a PNG" in errors(response)["avatar"][0]
    assert not AIModel.objects.exists()


def test_huge_png_is_an_avatar_error(client_for, owner):
    response = client_for(owner).post(CREATE, form_data(avatar=huge_png_header()))
    assert response.status_code == 400
    assert "megapixels" in errors(response)["avatar"][0]


def test_failed_create_leaves_no_avatar_file(client_for, owner, settings):
    client_for(owner).post(CREATE, form_data(avatar=image_upload(), ip_whitelist="1.2.3"))
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_tags_are_matched_case_insensitively_across_models(client_for, owner):
    client = client_for(owner)
    client.post(CREATE, form_data(title="a", tags_framework="PyTorch"))
    client.post(CREATE, form_data(title="b", tags_framework="pytorch"))
    a, b = AIModel.objects.order_by("title")
    assert list(a.tags.filter(category="framework")) == list(b.tags.filter(category="framework"))


def test_get_and_post_only(client_for, owner):
    assert client_for(owner).put(CREATE).status_code == 405


def test_failed_submit_keeps_the_chosen_avatar_for_the_next_try(client_for, owner):
    client = client_for(owner)
    failed = client.post(CREATE, form_data(avatar=image_upload(), ip_whitelist="1.2.3"))
    token = failed.context["form"].kept_avatar()["token"]
    assert 'name="avatar_kept"' in failed.content.decode()
    assert client.post(CREATE, form_data(avatar_kept=token)).status_code == 302
    assert AIModel.objects.get().avatar.name.endswith(".webp")


def test_forged_kept_avatar_is_ignored(client_for, owner):
    response = client_for(owner).post(CREATE, form_data(avatar_kept="forged:token"))
    assert response.status_code == 302
    assert not AIModel.objects.get().avatar


def test_kept_avatar_signed_with_another_salt_is_ignored(client_for, owner):
    from django.core import signing

    token = signing.dumps({"name": "x.html", "data": "PGgxPmhpPC9oMT4="}, salt="other")
    client_for(owner).post(CREATE, form_data(avatar_kept=token))
    assert not AIModel.objects.get().avatar


def test_kept_avatar_with_a_tampered_payload_is_ignored(client_for, owner):
    client = client_for(owner)
    failed = client.post(CREATE, form_data(avatar=image_upload(), ip_whitelist="1.2.3"))
    token = failed.context["form"].kept_avatar()["token"]
    tampered = ("A" if token[0] != "A" else "B") + token[1:]
    client.post(CREATE, form_data(avatar_kept=tampered))
    assert not AIModel.objects.get().avatar


def test_full_width_title_is_a_duplicate_of_its_ascii_form(client_for, owner):
    client = client_for(owner)
    client.post(CREATE, form_data(title="ABC"))
    assert client.post(CREATE, form_data(title="ＡＢＣ")).status_code == 400


def test_title_whose_folded_form_is_too_long_is_a_field_error(client_for, owner):
    response = client_for(owner).post(CREATE, form_data(title="ß" * 200 + "ﷺ" * 40))
    assert response.status_code == 400
    assert "title" in errors(response)


def test_tag_suggestions_come_only_from_visible_models(client_for, owner, outsider):
    from tests.factories import AIModelFactory, TagFactory

    secret = TagFactory(name="project-falcon-acquisition", category="other")
    AIModelFactory(owner=outsider, tags=[secret])
    mine = TagFactory(name="my-visible-tag", category="other")
    AIModelFactory(owner=owner, tags=[mine])
    html = client_for(owner).get(CREATE).content.decode()
    assert "my-visible-tag" in html
    assert "project-falcon-acquisition" not in html


def test_an_avatar_over_the_byte_limit_is_an_error_and_never_reaches_a_temporary_file(
    client_for, owner, settings, monkeypatch
):
    import tempfile

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("the avatar was written to a temporary file")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_temporary_file)
    settings.MAX_AVATAR_BYTES = 1024**2
    photo = SimpleUploadedFile("photo.png", b"\x89PNG" + b"\0" * (3 * 1024**2), "image/png")
    # The avatar comes first in the body: the fields after it must still arrive.
    response = client_for(owner).post(CREATE, {"avatar": photo, **form_data(title="kept title")})
    assert response.status_code == 400
    assert errors(response)["avatar"] == ["The image is 3.0\xa0MB; the limit is 1.0\xa0MB."]
    assert set(errors(response)) == {"avatar"}
    assert 'value="kept title"' in response.content.decode()
    assert not AIModel.objects.exists()


def test_a_title_with_a_text_direction_override_is_an_error_next_to_the_title(client_for, owner):
    response = client_for(owner).post(CREATE, form_data(title="weights\u202efdp.exe"))
    assert response.status_code == 400
    assert errors(response)["title"] == [
        "Control characters and characters that change the text direction are not allowed "
        "(found U+202E)."
    ]
    assert not AIModel.objects.exists()


def test_a_tag_with_a_control_character_is_an_error_next_to_its_field(client_for, owner):
    response = client_for(owner).post(CREATE, form_data(tags_task="chat\x1b[31m"))
    assert response.status_code == 400
    assert "U+001B" in errors(response)["tags_task"][0]


def test_the_create_service_applies_the_tag_rules(owner):
    from django.core.exceptions import ValidationError

    from models_app.catalog.services import model_create

    with pytest.raises(ValidationError) as caught:
        model_create(by=owner, owner=owner, title="tagged", tags={"other": ["x" * 51]})
    assert "tags" in caught.value.message_dict
    assert not AIModel.objects.filter(title="tagged").exists()
