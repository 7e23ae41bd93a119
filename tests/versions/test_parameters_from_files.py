"""The model's parameter count read from its newest version's weight files (issue 11): filled
while the field is empty, shown as "read from files", never over a typed value."""

import pytest
from django.urls import reverse

from models_app.catalog.models import AIModel
from models_app.catalog.services import model_update
from models_app.versions.parameters import files_parameter_count
from models_app.versions.services import file_delete

from .conftest import upload_multipart, upload_raw
from .factories import VersionFactory
from .weights import gguf_bytes, safetensors_bytes


def weights(parameters: int) -> bytes:
    return safetensors_bytes({"w": ("F16", (parameters,))})


@pytest.fixture
def untyped(model):
    AIModel.objects.filter(pk=model.pk).update(parameter_count=None)
    model.refresh_from_db()
    return model


def counted(model) -> tuple[int | None, bool]:
    model.refresh_from_db()
    return model.parameter_count, model.parameter_count_from_files


def test_an_empty_size_is_filled_from_a_safetensors_upload(client_for, owner, untyped):
    version = VersionFactory(model=untyped, number=1, name="v1")
    upload_multipart(client_for(owner), version, {"model.safetensors": weights(1500)})
    assert counted(untyped) == (1500, True)
    assert version.files.get().parameter_count == 1500


def test_the_detail_page_says_the_size_was_read_from_files(client_for, owner, untyped):
    version = VersionFactory(model=untyped, number=1, name="v1")
    upload_multipart(client_for(owner), version, {"model.safetensors": weights(7_000_000)})
    html = client_for(owner).get(untyped.get_absolute_url()).content.decode()
    assert '<span class="param-size" title="Parameters, read from the weight files">7M</span>' in (
        html
    )
    assert 'data-testid="parameters-read-from-files">read from files</span>' in html


def test_a_typed_size_is_never_overwritten(client_for, owner, model):
    version = VersionFactory(model=model, number=1, name="v1")
    upload_multipart(client_for(owner), version, {"model.safetensors": weights(1500)})
    assert counted(model) == (7_000_000_000, False)
    html = client_for(owner).get(model.get_absolute_url()).content.decode()
    assert "read from files" not in html


def test_shards_uploaded_one_by_one_add_up(client_for, owner, untyped):
    version = VersionFactory(model=untyped, number=1, name="v1")
    client = client_for(owner)
    upload_raw(client, version, "model-00001-of-00002.safetensors", weights(1000))
    assert counted(untyped) == (1000, True)
    upload_raw(client, version, "model-00002-of-00002.safetensors", weights(500))
    assert counted(untyped) == (1500, True)


def test_a_gguf_upload_fills_the_size(client_for, owner, untyped):
    version = VersionFactory(model=untyped, number=1, name="v1")
    data = gguf_bytes({"general.name": "t"}, {"a": (12, (64, 32)), "b": (0, (64,))})
    upload_multipart(client_for(owner), version, {"t.Q4_K_M.gguf": data})
    assert counted(untyped) == (64 * 32 + 64, True)


def test_files_of_an_older_version_do_not_count(client_for, owner, untyped):
    older = VersionFactory(model=untyped, number=1, name="v1")
    VersionFactory(model=untyped, number=2, name="v2")
    upload_multipart(client_for(owner), older, {"model.safetensors": weights(1500)})
    assert counted(untyped) == (None, False)


def test_a_new_upload_to_the_newest_version_updates_a_count_read_from_files(
    client_for, owner, untyped
):
    version = VersionFactory(model=untyped, number=1, name="v1")
    client = client_for(owner)
    upload_multipart(client, version, {"model.safetensors": weights(1500)})
    upload_multipart(client, version, {"model.safetensors": weights(2500)})
    assert counted(untyped) == (2500, True)


def test_deleting_a_shard_updates_the_count(client_for, owner, untyped):
    version = VersionFactory(model=untyped, number=1, name="v1")
    upload_multipart(
        client_for(owner),
        version,
        {"m-00001-of-00002.safetensors": weights(10), "m-00002-of-00002.safetensors": weights(5)},
    )
    assert counted(untyped) == (15, True)
    file_delete(version.files.get(path="m-00002-of-00002.safetensors"), by=owner)
    assert counted(untyped) == (10, True)


def test_a_broken_header_fills_nothing_and_the_upload_stands(client_for, owner, untyped):
    version = VersionFactory(model=untyped, number=1, name="v1")
    response = upload_multipart(client_for(owner), version, {"x.safetensors": b"garbage!"})
    assert response.status_code == 302
    assert version.files.get().parameter_count is None
    assert counted(untyped) == (None, False)


def edit_values(model, parameter_size):
    return {
        "title": model.title,
        "description": model.description,
        "base_model": model.base_model,
        "parameter_size": parameter_size,
        "revision": model.revision,
    }


def test_typing_a_size_makes_it_the_users(client_for, owner, untyped):
    version = VersionFactory(model=untyped, number=1, name="v1")
    client = client_for(owner)
    upload_multipart(client, version, {"model.safetensors": weights(1500)})
    untyped.refresh_from_db()
    url = reverse("catalog:edit", kwargs={"ref": untyped.uuid})
    assert client.post(url, edit_values(untyped, "2K")).status_code == 302
    assert counted(untyped) == (2000, False)
    upload_multipart(client, version, {"more.safetensors": weights(700)})
    assert counted(untyped) == (2000, False)


def test_saving_the_form_untouched_keeps_the_size_read_from_files(client_for, owner, untyped):
    version = VersionFactory(model=untyped, number=1, name="v1")
    client = client_for(owner)
    upload_multipart(client, version, {"model.safetensors": weights(1500)})
    untyped.refresh_from_db()
    edit = client.get(reverse("catalog:edit", kwargs={"ref": untyped.uuid})).content.decode()
    assert 'name="parameter_size" value="1.5K"' in edit
    url = reverse("catalog:edit", kwargs={"ref": untyped.uuid})
    assert client.post(url, edit_values(untyped, "1.5K")).status_code == 302
    assert counted(untyped) == (1500, True)


def test_the_service_keeps_the_mark_only_for_the_same_value(owner, untyped):
    AIModel.objects.filter(pk=untyped.pk).update(
        parameter_count=1500, parameter_count_from_files=True
    )
    untyped.refresh_from_db()
    model_update(untyped, by=owner, expected_revision=untyped.revision, title="renamed")
    assert counted(untyped) == (1500, True)
    model_update(untyped, by=owner, expected_revision=untyped.revision, parameter_count=None)
    assert counted(untyped) == (None, False)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([], None),
        ([("config.json", None), ("pytorch_model.bin", None)], None),
        ([("model.safetensors", 100)], 100),
        # shards of one file add up
        ([("model-00001-of-00002.safetensors", 60), ("model-00002-of-00002.safetensors", 40)], 100),
        # alternatives side by side: the largest
        ([("model.safetensors", 100), ("model.fp16.safetensors", 100)], 100),
        (
            [
                ("consolidated.safetensors", 100),
                ("model-00001-of-00002.safetensors", 50),
                ("model-00002-of-00002.safetensors", 50),
            ],
            100,
        ),
        # the folders of a pipeline add up
        ([("unet/m.safetensors", 80), ("text_encoder/m.safetensors", 20)], 100),
        # safetensors win over a GGUF conversion
        ([("model.safetensors", 100), ("model.Q4_K_M.gguf", 99)], 100),
        # several quantisations of one model: one of them
        ([("m.Q4_K_M.gguf", 100), ("m.Q8_0.gguf", 100)], 100),
        ([("m-Q8_0-00001-of-00002.gguf", 70), ("m-Q8_0-00002-of-00002.gguf", 30)], 100),
    ],
)
def test_which_files_add_up(files, expected):
    assert files_parameter_count(files) == expected
