"""The `text-classifier-head` recipe (run in the training child): embed each text with the
base version's frozen ONNX sentence encoder, train a logistic regression on the embeddings,
convert it with skl2onnx and merge it behind the encoder into ONE ONNX model that serves
`text-classification`: the encoder's inputs (`input_ids`, `attention_mask`, …), first
output `[batch, num_labels]` probabilities, metadata `id2label` and `scores` =
`probabilities`, and the base version's tokenizer files beside it."""

import json
import random
import shutil
import warnings
from pathlib import Path

import numpy as np

from .datasets import classification_rows
from .recipes import TOKENIZER_FILES

POOLED = "modelhub_pooled_embedding"
HEAD_PREFIX = "head_"


def encoder_path(base_dir: Path) -> Path:
    candidates = sorted(base_dir.rglob("*.onnx"), key=lambda p: (p.name != "model.onnx", str(p)))
    if not candidates:
        raise ValueError("the base version has no .onnx file")
    return candidates[0]


def _tokenizer(base_dir: Path, max_length: int):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(base_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length)
    if tokenizer.padding is None:
        pad_id = tokenizer.token_to_id("[PAD]") or tokenizer.token_to_id("<pad>") or 0
        tokenizer.enable_padding(pad_id=pad_id)
    return tokenizer


class Encoder:
    """The frozen encoder through ONNX Runtime: texts in, one vector per text out."""

    def __init__(self, path: Path, tokenizer):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = tokenizer
        self.inputs = [i.name for i in self.session.get_inputs()]
        outputs = self.session.get_outputs()
        by_name = {o.name: o for o in outputs}
        self.output = "sentence_embedding" if "sentence_embedding" in by_name else outputs[0].name
        self.pooled = len(by_name[self.output].shape) == 2

    def feed(self, texts: list[str]) -> dict:
        encodings = self.tokenizer.encode_batch(texts)
        arrays = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return {name: arrays[name] for name in self.inputs}

    def embed(self, texts: list[str]) -> np.ndarray:
        feed = self.feed(texts)
        (values,) = self.session.run([self.output], feed)
        if self.pooled:
            return values.astype(np.float32)
        mask = feed.get("attention_mask", np.ones(values.shape[:2], dtype=np.int64))
        mask = mask[..., None].astype(np.float32)
        return ((values * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)).astype(
            np.float32
        )


def _split(count: int, labels: np.ndarray, holdout: float, seed: int):
    order = list(range(count))
    random.Random(seed).shuffle(order)
    held = int(round(count * holdout))
    if holdout > 0 and held == 0 and count >= 4:
        held = 1
    test, train = order[:held], order[held:]
    if len(set(labels[train].tolist())) < 2:
        # Too few rows to hold any out and still see two labels: train on all of them.
        return list(range(count)), []
    return train, test


def _pooling_graph(encoder_model, output: str, pooled: bool):
    """The encoder with one output: the sentence embedding (mean over the attention mask
    when the encoder gives token vectors)."""
    from onnx import TensorProto, helper

    graph = encoder_model.graph
    inputs = {i.name for i in graph.input}
    if pooled:
        nodes = [helper.make_node("Identity", [output], [POOLED])]
    elif "attention_mask" in inputs:
        axis = helper.make_tensor("modelhub_axis1", TensorProto.INT64, [1], [1])
        last = helper.make_tensor("modelhub_axis_last", TensorProto.INT64, [1], [-1])
        eps = helper.make_tensor("modelhub_eps", TensorProto.FLOAT, [], [1e-9])
        graph.initializer.extend([axis, last, eps])
        nodes = [
            helper.make_node("Cast", ["attention_mask"], ["modelhub_mask_f"], to=1),
            helper.make_node(
                "Unsqueeze", ["modelhub_mask_f", "modelhub_axis_last"], ["modelhub_mask_u"]
            ),
            helper.make_node("Mul", [output, "modelhub_mask_u"], ["modelhub_masked"]),
            helper.make_node(
                "ReduceSum", ["modelhub_masked", "modelhub_axis1"], ["modelhub_sum"], keepdims=0
            ),
            helper.make_node(
                "ReduceSum", ["modelhub_mask_u", "modelhub_axis1"], ["modelhub_count"], keepdims=0
            ),
            helper.make_node("Max", ["modelhub_count", "modelhub_eps"], ["modelhub_count_c"]),
            helper.make_node("Div", ["modelhub_sum", "modelhub_count_c"], [POOLED]),
        ]
    else:
        axis = helper.make_tensor("modelhub_axis1", TensorProto.INT64, [1], [1])
        graph.initializer.append(axis)
        nodes = [helper.make_node("ReduceMean", [output, "modelhub_axis1"], [POOLED], keepdims=0)]
    graph.node.extend(nodes)
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info(POOLED, TensorProto.FLOAT, None))
    return encoder_model


def merged_classifier(encoder_file: Path, encoder: Encoder, head, dim: int, id2label: dict):
    import onnx
    from onnx import compose, helper
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    encoder_model = onnx.load(str(encoder_file))
    main_opset = next(o.version for o in encoder_model.opset_import if o.domain in ("", "ai.onnx"))
    # Unsqueeze/ReduceSum with axes as an input need opset 13 (18 for ReduceMean).
    if main_opset < 18:
        encoder_model = onnx.version_converter.convert_version(encoder_model, 18)
        main_opset = 18
    encoder_model = _pooling_graph(encoder_model, encoder.output, encoder.pooled)
    head_model = convert_sklearn(
        head,
        initial_types=[("embedding", FloatTensorType([None, dim]))],
        options={id(head): {"zipmap": False}},
        target_opset={"": min(main_opset, 18), "ai.onnx.ml": 3},
    )
    head_model = compose.add_prefix(head_model, HEAD_PREFIX)
    # merge_models wants the same IR version and one version per opset domain.
    head_model.ir_version = encoder_model.ir_version = max(
        head_model.ir_version, encoder_model.ir_version
    )
    for opset in head_model.opset_import:
        if opset.domain in ("", "ai.onnx"):
            opset.version = main_opset
    ml = [o for o in head_model.opset_import if o.domain == "ai.onnx.ml"]
    if ml:
        encoder_model.opset_import.append(helper.make_opsetid("ai.onnx.ml", ml[0].version))
    merged = compose.merge_models(
        encoder_model,
        head_model,
        io_map=[(POOLED, HEAD_PREFIX + "embedding")],
        outputs=[HEAD_PREFIX + "probabilities"],
    )
    merged.graph.node.append(
        helper.make_node("Identity", [HEAD_PREFIX + "probabilities"], ["probabilities"])
    )
    del merged.graph.output[:]
    merged.graph.output.append(
        helper.make_tensor_value_info(
            "probabilities", onnx.TensorProto.FLOAT, [None, len(id2label)]
        )
    )
    onnx.helper.set_model_props(
        merged, {"id2label": json.dumps(id2label), "scores": "probabilities"}
    )
    onnx.checker.check_model(merged)
    return merged


def train(ctx) -> None:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    params = ctx.params
    texts, label_names = classification_rows(ctx.dataset, ctx.dataset_name)
    classes = sorted(set(label_names))
    id2label = {str(i): name for i, name in enumerate(classes)}
    labels = np.array([classes.index(name) for name in label_names])
    ctx.log(f"{len(texts)} rows, {len(classes)} labels: {', '.join(classes)}")

    encoder_file = encoder_path(ctx.base_dir)
    encoder = Encoder(encoder_file, _tokenizer(ctx.base_dir, params["max_length"]))
    batch = params["batch_size"]
    batches = (len(texts) + batch - 1) // batch
    epochs = params["epochs"]
    total = batches + epochs
    ctx.log(f"embedding with {encoder_file.relative_to(ctx.base_dir)}")
    vectors = []
    for number in range(batches):
        vectors.append(encoder.embed(texts[number * batch : (number + 1) * batch]))
        ctx.progress(number + 1, total)
    embeddings = np.concatenate(vectors)
    dim = embeddings.shape[1]

    train_rows, test_rows = _split(len(texts), labels, params["holdout"], params["seed"])
    x_train, y_train = embeddings[train_rows], labels[train_rows]
    head = LogisticRegression(C=params["c"], max_iter=1, warm_start=True)
    ctx.log(f"training on {len(train_rows)} rows, holding out {len(test_rows)}")
    loss = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for epoch in range(epochs):
            head.fit(x_train, y_train)
            loss = float(
                log_loss(y_train, head.predict_proba(x_train), labels=list(range(len(classes))))
            )
            ctx.progress(batches + epoch + 1, total, loss)
    metrics = {"train_loss": round(loss, 6), "train_rows": len(train_rows)}
    if test_rows:
        accuracy = float((head.predict(embeddings[test_rows]) == labels[test_rows]).mean())
        metrics.update(accuracy=round(accuracy, 6), heldout_rows=len(test_rows))
    else:
        ctx.log("too few rows to hold any out: no held-out accuracy")
    ctx.report(**metrics)

    merged = merged_classifier(encoder_file, encoder, head, dim, id2label)
    ctx.output_dir.mkdir(parents=True, exist_ok=True)
    import onnx

    onnx.save(merged, str(ctx.output_dir / "model.onnx"))
    for name in TOKENIZER_FILES:
        if (ctx.base_dir / name).is_file():
            shutil.copyfile(ctx.base_dir / name, ctx.output_dir / name)
    label2id = {name: int(i) for i, name in id2label.items()}
    (ctx.output_dir / "config.json").write_text(
        json.dumps({"id2label": id2label, "label2id": label2id}, indent=2, ensure_ascii=False)
    )
    ctx.log("wrote model.onnx (encoder and head in one graph) and the tokenizer files")
