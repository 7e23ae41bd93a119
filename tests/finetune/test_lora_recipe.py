"""The lora-causal-lm recipe on a tiny random causal LM made from a config in the test:
a few steps through the form and the worker, an adapter `from_pretrained` loads."""

import io
import json
from importlib.util import find_spec

import pytest

from models_app.access.caller import Caller
from models_app.finetune.models import FineTuneJob
from models_app.versions import blobs
from models_app.versions.services import version_create

from .conftest import store_files

MISSING = [name for name in ("torch", "transformers", "peft") if find_spec(name) is None]
pytestmark = [
    pytest.mark.skipif(
        bool(MISSING),
        reason="needs the optional extra `train` (pip install -e '.[train]'); missing: "
        + ", ".join(MISSING),
    ),
    pytest.mark.django_db(transaction=True),
]

WORDS = [
    "hello",
    "world",
    "the",
    "cat",
    "sat",
    "on",
    "a",
    "mat",
    "dog",
    "ran",
    "fast",
    "user",
    "assistant",
    ":",
    "yes",
    "no",
]


def tiny_causal_lm(folder):
    """A two-layer Llama with random weights, and a word-level tokenizer, saved as a
    Hugging Face model folder (config.json, model.safetensors, tokenizer files)."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "<unk>": 1, "<s>": 2, "</s>": 3}
    vocab.update({word: i + 4 for i, word in enumerate(WORDS)})
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        unk_token="<unk>",
        pad_token="<pad>",
        bos_token="<s>",
        eos_token="</s>",
    )
    config = LlamaConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=64,
        pad_token_id=0,
        bos_token_id=2,
        eos_token_id=3,
    )
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_lora_on_a_tiny_random_causal_lm_writes_an_adapter_from_pretrained_loads(
    client_for, owner, model, run_db_worker, tmp_path
):
    base_files = tiny_causal_lm(tmp_path / "base")
    version = version_create(model, by=Caller(user=owner), name="v1")
    store_files(version, base_files, owner)
    lines = [
        {"prompt": "user : hello", "completion": "world"},
        {
            "messages": [
                {"role": "user", "content": "the cat"},
                {"role": "assistant", "content": "sat on a mat"},
            ]
        },
    ] * 4
    dataset = io.BytesIO("".join(json.dumps(line) + "\n" for line in lines).encode())
    dataset.name = "chat.jsonl"
    response = client_for(owner).post(
        f"/models/{model.uuid}/finetune/new/",
        {
            "base_version": "v1",
            "recipe": "lora-causal-lm",
            "dataset": dataset,
            "param_steps": "3",
            "param_batch_size": "2",
            "param_merge": "true",
            "output_version": "lora-1",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]

    run_db_worker()

    job = FineTuneJob.objects.get()
    assert job.state == "succeeded", job.error + job.log
    assert [step for step, _ in job.losses] == [1, 2, 3]
    assert job.metrics["examples"] == 8
    files = {f.path: f for f in model.versions.get(name="lora-1").files.all()}
    assert {"adapter_config.json", "adapter_model.safetensors", "merged/config.json"} <= set(files)

    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    adapter_dir = tmp_path / "adapter"
    adapter_dir.mkdir()
    for name in ("adapter_config.json", "adapter_model.safetensors"):
        content = b"".join(blobs.artifacts().chunks(files[name].storage_key))
        (adapter_dir / name).write_bytes(content)
    base = AutoModelForCausalLM.from_pretrained(tmp_path / "base")
    tuned = PeftModel.from_pretrained(base, adapter_dir)
    assert tuned.peft_config["default"].r == 8
