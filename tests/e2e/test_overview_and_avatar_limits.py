"""What the editor sends back is what it was given: code in the overview survives saves
through the rich-text editor; an avatar over the limits is refused next to its field."""

import pytest
from playwright.sync_api import expect

from models_app.catalog.models import AIModel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_code_in_the_overview_reads_the_same_after_saving_through_the_editor_three_times(
    page, sign_in, owner, model
):
    AIModel.objects.filter(pk=model.pk).update(
        overview="<p>See https://example.com</p><pre>if x &lt; y &amp;&amp; z:</pre>"
    )
    sign_in(owner)
    for _ in range(3):
        page.goto(f"/models/{model.uuid}/edit/")
        expect(page.locator("trix-editor pre")).to_have_text("if x < y && z:")
        page.click("#model-form button[type=submit]")
        expect(page.locator("h1.model-title")).to_have_text("pipeline-demo-0412")
    expect(page.locator(".overview pre")).to_have_text("if x < y && z:")
    expect(page.locator(".overview a[href='https://example.com']")).to_be_visible()


def test_an_avatar_over_the_size_limit_is_refused_next_to_its_field(
    page, sign_in, owner, settings, tmp_path
):
    settings.MAX_AVATAR_BYTES = 50_000
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200_000)
    sign_in(owner)
    page.goto("/models/new/")
    page.fill("input[name=title]", "kept-while-refused")
    page.set_input_files("input[name=avatar]", str(photo))
    page.click("#model-form button[type=submit]")
    error = page.locator("#field-avatar [data-testid=field-error]")
    expect(error).to_contain_text("the limit is 48.8")
    expect(page.locator("input[name=title]")).to_have_value("kept-while-refused")
    assert not AIModel.objects.exists()
