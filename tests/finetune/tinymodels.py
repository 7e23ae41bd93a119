"""Tiny models made in the test, never downloaded: an ONNX sentence encoder (a token
embedding table, `last_hidden_state` [batch, seq, dim]) with its `tokenizer.json`."""

import json
from pathlib import Path

import numpy as np

WORDS = [
    "good",
    "great",
    "fine",
    "lovely",
    "nice",
    "happy",
    "excellent",
    "superb",
    "bad",
    "awful",
    "poor",
    "terrible",
    "sad",
    "horrible",
    "ugly",
    "worse",
    "the",
    "a",
    "movie",
    "film",
    "was",
    "is",
    "very",
    "quite",
    "and",
    "it",
    "this",
]


def tokenizer_json(words=WORDS) -> str:
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {"[PAD]": 0, "[UNK]": 1, **{word: i + 2 for i, word in enumerate(words)}}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    return tokenizer.to_str()


def encoder_onnx(vocab_size: int, dim: int = 16, seed: int = 0, opset: int = 17) -> bytes:
    from onnx import TensorProto, helper, numpy_helper

    table = np.random.default_rng(seed).normal(size=(vocab_size, dim)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gather", ["embeddings", "input_ids"], ["last_hidden_state"])],
        "tiny-encoder",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        [
            helper.make_tensor_value_info(
                "last_hidden_state", TensorProto.FLOAT, ["batch", "seq", dim]
            )
        ],
        [numpy_helper.from_array(table, "embeddings")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model.SerializeToString()


def write_encoder(folder: Path) -> Path:
    """model.onnx and tokenizer.json in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = tokenizer_json()
    (folder / "tokenizer.json").write_text(tokenizer)
    vocab_size = len(json.loads(tokenizer)["model"]["vocab"])
    (folder / "model.onnx").write_bytes(encoder_onnx(vocab_size))
    return folder


def sentiment_rows(count: int = 40) -> list[tuple[str, str]]:
    good = ["good", "great", "lovely", "excellent", "superb", "happy", "nice", "fine"]
    bad = ["bad", "awful", "terrible", "horrible", "poor", "sad", "ugly", "worse"]
    rows = []
    for i in range(count):
        words = good if i % 2 == 0 else bad
        text = f"the movie was {words[i % 8]} and {words[(i * 3 + 1) % 8]}"
        rows.append((text, "pos" if i % 2 == 0 else "neg"))
    return rows


def sentiment_csv(count: int = 40) -> bytes:
    lines = ["text,label"] + [f"{text},{label}" for text, label in sentiment_rows(count)]
    return ("\n".join(lines) + "\n").encode()


def encoder_onnx_and_tokenizer() -> dict[str, bytes]:
    tokenizer = tokenizer_json()
    vocab_size = len(json.loads(tokenizer)["model"]["vocab"])
    return {"model.onnx": encoder_onnx(vocab_size), "tokenizer.json": tokenizer.encode()}
