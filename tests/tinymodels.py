"""Tiny models the tests make themselves (nothing is downloaded): an ONNX embedding model
with its tokenizer.json, an ONNX text classifier following the deployments' contract, and a
GGUF llama model with random weights that llama.cpp loads.

Each builder returns the files as {path in a version: bytes}, ready for a version.
"""

import json

import numpy as np

WORDS = ["hello", "world", "great", "awful", "good", "bad", "movie", "the", "is", "a"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]


def tokenizer_json(words=WORDS) -> bytes:
    """A WordLevel tokenizer (lower-cased, split on whitespace and punctuation) that wraps
    every text in [CLS] … [SEP], as BERT's does."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordLevel

    vocab = {token: i for i, token in enumerate(SPECIAL + list(words))}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    return tokenizer.to_str().encode()


def _token_inputs(helper, onnx):
    return [
        helper.make_tensor_value_info(name, onnx.TensorProto.INT64, ["batch", "sequence"])
        for name in ("input_ids", "attention_mask", "token_type_ids")
    ]


def _model_bytes(graph, metadata=None) -> bytes:
    import onnx
    from onnx import helper

    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    for key, value in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    return model.SerializeToString()


def embedding_table(dim: int = 8, words=WORDS, seed: int = 7) -> np.ndarray:
    """The token vectors of the embedding model: a sentence's embedding is the mean of its
    tokens' rows (padding left out)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((len(SPECIAL) + len(words), dim)).astype(np.float32)


def onnx_embedding_model(dim: int = 8) -> bytes:
    """input_ids, attention_mask, token_type_ids → last_hidden_state [batch, seq, dim]: each
    token's row of `embedding_table(dim)` (the runner mean-pools it)."""
    import onnx
    from onnx import helper, numpy_helper

    table = numpy_helper.from_array(embedding_table(dim), name="embeddings")
    output = helper.make_tensor_value_info(
        "last_hidden_state", onnx.TensorProto.FLOAT, ["batch", "sequence", dim]
    )
    gather = helper.make_node("Gather", ["embeddings", "input_ids"], ["last_hidden_state"])
    graph = helper.make_graph(
        [gather], "tiny-embedding", _token_inputs(helper, onnx), [output], [table]
    )
    return _model_bytes(graph)


def onnx_classifier(labels=("negative", "positive"), probabilities: bool = False) -> bytes:
    """The text-classification contract: tokenizer inputs → logits [batch, num_labels], with
    `id2label` in the metadata. "great"/"good" score for the last label, "awful"/"bad" for the
    first; other words for none."""
    import onnx
    from onnx import helper, numpy_helper

    count = len(labels)
    table = np.zeros((len(SPECIAL) + len(WORDS), count), dtype=np.float32)
    for word, label in (("great", -1), ("good", -1), ("awful", 0), ("bad", 0)):
        table[len(SPECIAL) + WORDS.index(word), label] = 4.0
    nodes = [
        helper.make_node("Gather", ["scores_by_token", "input_ids"], ["token_scores"]),
        helper.make_node("ReduceMean", ["token_scores"], ["pooled"], axes=[1], keepdims=0),
    ]
    last = "pooled"
    if probabilities:
        nodes.append(helper.make_node("Softmax", ["pooled"], ["probs"], axis=-1))
        last = "probs"
    nodes.append(helper.make_node("Identity", [last], ["logits"]))
    output = helper.make_tensor_value_info("logits", onnx.TensorProto.FLOAT, ["batch", count])
    graph = helper.make_graph(
        nodes,
        "tiny-classifier",
        _token_inputs(helper, onnx),
        [output],
        [numpy_helper.from_array(table, name="scores_by_token")],
    )
    metadata = {"id2label": json.dumps({str(i): label for i, label in enumerate(labels)})}
    if probabilities:
        metadata["scores"] = "probabilities"
    return _model_bytes(graph, metadata)


def onnx_raw_adder() -> bytes:
    """Two float inputs `a`, `b` [n] → `sum` = a + b and `product` = a * b."""
    import onnx
    from onnx import helper

    inputs = [helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, ["n"]) for n in "ab"]
    outputs = [
        helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, ["n"]) for n in ("sum", "product")
    ]
    nodes = [
        helper.make_node("Add", ["a", "b"], ["sum"]),
        helper.make_node("Mul", ["a", "b"], ["product"]),
    ]
    return _model_bytes(helper.make_graph(nodes, "tiny-raw", inputs, outputs))


def embedding_files() -> dict[str, bytes]:
    return {"model.onnx": onnx_embedding_model(), "tokenizer.json": tokenizer_json()}


def classifier_files(**kwargs) -> dict[str, bytes]:
    return {"model.onnx": onnx_classifier(**kwargs), "tokenizer.json": tokenizer_json()}


def gguf_chat_model(**kwargs) -> bytes:
    """A tiny llama with random weights (2 layers, ~270 tokens) that llama.cpp loads; the
    demo makes the same (`models_app.deployments.tinygguf`)."""
    from models_app.deployments.tinygguf import gguf_chat_model as build

    return build(**kwargs)
