"""A file whose stored object is missing (issue 15): its page says so and offers no download,
and its version's zip link answers with the same message instead of a broken zip."""

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from models_app.versions.models import VersionFile
from tests.versions.conftest import upload_multipart
from tests.versions.factories import VersionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MESSAGE = "The stored content of this file is missing from the storage"


@pytest.fixture
def lost_file(owner, model):
    version = VersionFactory(model=model, number=1, name="v1")
    client = Client()
    client.force_login(owner)
    upload_multipart(client, version, {"config.json": b"{}", "weights/model.bin": b"w" * 4096})
    lost = VersionFile.objects.get(path="weights/model.bin")
    default_storage.delete(lost.storage_key)
    return lost


def test_a_missing_file_says_so_on_its_page_and_offers_no_download(page, sign_in, owner, lost_file):
    version = lost_file.version
    sign_in(owner)
    page.goto(reverse("versions:detail", kwargs={"ref": version.model.uuid, "name": "v1"}))
    page.get_by_role("link", name="weights").click()
    page.get_by_test_id("file-preview-link").filter(has_text="model.bin").click()
    expect(page.get_by_test_id("content-missing")).to_contain_text(MESSAGE)
    expect(page.get_by_test_id("preview-download")).to_have_count(0)


def test_the_zip_of_a_version_with_a_missing_file_explains_instead_of_breaking(
    page, sign_in, owner, lost_file
):
    version = lost_file.version
    sign_in(owner)
    response = page.goto(
        reverse("versions:zip", kwargs={"ref": version.model.uuid, "name": version.name})
    )
    assert response.status == 410
    expect(page.get_by_test_id("content-unavailable-message")).to_contain_text(MESSAGE)
    page.get_by_role("link", name="Back to the versions").click()
    expect(page).to_have_url(
        reverse("versions:tab", kwargs={"ref": version.model.uuid}), ignore_case=False
    )
