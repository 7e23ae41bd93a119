"""A malformed dataset fails fast, with a message naming the line."""

import io

import pytest

from models_app.finetune.datasets import (
    DatasetError,
    classification_rows,
    conversation_rows,
)
from models_app.finetune.models import FineTuneJob
from models_app.versions.models import ModelVersion


def refusal(tmp_path, content: bytes, name: str, reader=classification_rows) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DatasetError) as refused:
        reader(path, name)
    return str(refused.value)


def test_a_missing_column_is_named_with_its_line(tmp_path):
    assert refusal(tmp_path, b'{"text": "a", "label": "x"}\n{"text": "b"}\n', "d.jsonl") == (
        'line 2: no "label" column'
    )
    assert refusal(tmp_path, b"sentence,label\nhello,x\n", "d.csv") == 'line 2: no "text" column'


def test_an_unknown_label_type_is_named_with_its_line(tmp_path):
    content = b'{"text": "a", "label": "x"}\n{"text": "b", "label": [1]}\n'
    assert refusal(tmp_path, content, "d.jsonl") == (
        'line 2: "label" must be a string or an integer, not list'
    )
    content = b'{"text": "a", "label": 1.5}\n'
    assert "not float" in refusal(tmp_path, content, "d.jsonl")


def test_an_empty_dataset_is_refused(tmp_path):
    assert refusal(tmp_path, b"", "d.csv") == "the dataset is empty"
    assert refusal(tmp_path, b"text,label\n", "d.csv") == "the dataset has no rows"
    assert refusal(tmp_path, b"\n\n", "d.jsonl") == "the dataset has no rows"


def test_a_100_mb_line_is_refused_after_reading_a_megabyte_of_it(tmp_path):
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as out:
        out.write(b'{"text": "a", "label": "x"}\n')
        out.write(b'{"text": "')
        chunk = b"a" * (1024 * 1024)
        for _ in range(100):
            out.write(chunk)
        out.write(b'", "label": "y"}\n')
    with pytest.raises(DatasetError, match=r"^line 2: longer than 1 MB"):
        classification_rows(path, "huge.jsonl")


def test_broken_json_and_short_csv_rows_name_their_line(tmp_path):
    assert refusal(tmp_path, b'{"text": "a", "label": "x"}\n{oops\n', "d.jsonl").startswith(
        "line 2: not valid JSON"
    )
    assert refusal(tmp_path, b"text,label\na,x\nb\n", "d.csv") == (
        "line 3: 1 fields where the header has 2"
    )


def test_a_chat_dataset_needs_the_assistants_last_turn(tmp_path):
    content = b'{"messages": [{"role": "user", "content": "hi"}]}\n'
    assert refusal(tmp_path, content, "c.jsonl", conversation_rows) == (
        "line 1: the last message must be the assistant's"
    )


@pytest.mark.django_db(transaction=True)
def test_a_job_on_a_malformed_dataset_fails_fast_naming_the_line(
    client_for, owner, model, encoder_version, run_db_worker
):
    dataset = io.BytesIO(b"text,label\ngood film,pos\nbad film\n")
    dataset.name = "broken.csv"
    client = client_for(owner)
    response = client.post(
        f"/models/{model.uuid}/finetune/new/",
        {"base_version": "v1", "recipe": "text-classifier-head", "dataset": dataset},
    )
    assert response.status_code == 302
    run_db_worker()
    job = FineTuneJob.objects.get()
    assert job.state == "failed"
    assert job.error == "dataset broken.csv: line 3: 1 fields where the header has 2"
    assert not ModelVersion.objects.filter(pk=job.output_version_id or 0).exists()
    assert list(model.versions.values_list("name", flat=True)) == ["v1"]
