"""The ONNX Runtime runner: one InferenceSession behind a small HTTP server on a loopback
port, serving the task the deployment declares (routes: README-gateway.md).

Started by the supervisor as `python -m models_app.deployments.runners.onnx --model … --task
… --port …`; it imports nothing of Django, so it starts in a fraction of a second and its
memory is the session's.
"""

import argparse
import json
import logging
import os
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Read by onnxruntime when it loads: the runner must never phone home.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402

logger = logging.getLogger("modelhub.runner.onnx")

MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_BATCH = 256
DEFAULT_MAX_TOKENS = 512

NUMPY_TYPES = {
    "tensor(float)": np.float32,
    "tensor(float16)": np.float16,
    "tensor(double)": np.float64,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(int16)": np.int16,
    "tensor(int8)": np.int8,
    "tensor(uint8)": np.uint8,
    "tensor(bool)": np.bool_,
    "tensor(string)": np.object_,
}


class BadRequest(Exception):
    pass


def labels_of(session, config_path: str | None) -> list[str] | None:
    """Class names by index: the model's `id2label` metadata, else the version's
    config.json `id2label`, else None."""
    raw = session.get_modelmeta().custom_metadata_map.get("id2label")
    if raw is None and config_path:
        with open(config_path, encoding="utf-8") as handle:
            raw = json.load(handle).get("id2label")
    if raw is None:
        return None
    mapping = json.loads(raw) if isinstance(raw, str) else raw
    return [str(mapping[k]) for k in sorted(mapping, key=int)]


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def texts_of(inputs) -> tuple[list[str], bool]:
    """The texts of `inputs` and whether one string (not a list) was sent."""
    if isinstance(inputs, str):
        return [inputs], True
    if isinstance(inputs, list) and inputs and all(isinstance(t, str) for t in inputs):
        if len(inputs) > MAX_BATCH:
            raise BadRequest(f"At most {MAX_BATCH} inputs per request.")
        return inputs, False
    raise BadRequest("`inputs` must be a string or a non-empty list of strings.")


class Runner:
    def __init__(self, args):
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
        self.task = args.task
        self.name = args.name
        self.inputs = self.session.get_inputs()
        self.outputs = self.session.get_outputs()
        meta = self.session.get_modelmeta().custom_metadata_map
        self.probabilities = meta.get("scores", "").lower() == "probabilities"
        self.labels = labels_of(self.session, args.config) if self.task != "raw" else None
        self.tokenizer = None
        if self.task in ("feature-extraction", "text-classification"):
            if not args.tokenizer:
                raise SystemExit(f"The task {self.task} needs the version's tokenizer.json.")
            from tokenizers import Tokenizer

            self.tokenizer = Tokenizer.from_file(args.tokenizer)
            self.tokenizer.enable_truncation(max_length=args.max_tokens)
            pad_id = self.tokenizer.token_to_id("[PAD]") or self.tokenizer.token_to_id("<pad>")
            self.tokenizer.enable_padding(pad_id=pad_id or 0)
        if self.task == "text-classification" and not self.labels:
            width = self.outputs[0].shape[-1]
            count = width if isinstance(width, int) else 0
            self.labels = [f"LABEL_{i}" for i in range(count)] or None
        self.slots = threading.BoundedSemaphore(args.max_concurrency)

    def signature(self) -> dict:
        def describe(args):
            return [{"name": a.name, "type": a.type, "shape": list(a.shape)} for a in args]

        return {
            "task": self.task,
            "inputs": describe(self.inputs),
            "outputs": describe(self.outputs),
            "labels": self.labels,
        }

    def _encode(self, texts: list[str]) -> tuple[dict, np.ndarray, int]:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        by_name = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        feeds = {}
        for arg in self.inputs:
            if arg.name not in by_name:
                raise BadRequest(f"The model's input {arg.name!r} is not a tokenizer output.")
            feeds[arg.name] = by_name[arg.name].astype(NUMPY_TYPES.get(arg.type, np.int64))
        return feeds, mask, int(mask.sum())

    def _run(self, feeds):
        with self.slots:
            return self.session.run(None, feeds)

    def embed(self, texts: list[str]) -> tuple[list[list[float]], int]:
        feeds, mask, tokens = self._encode(texts)
        first = self._run(feeds)[0]
        if first.ndim == 3:
            # Mean of the token vectors, padding left out: sentence-transformers' pooling.
            weights = mask[:, :, None].astype(first.dtype)
            pooled = (first * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        elif first.ndim == 2:
            pooled = first
        else:
            raise BadRequest(
                "The model's first output is neither [batch, seq, dim] nor [batch, dim]."
            )
        return pooled.astype(np.float32).tolist(), tokens

    def classify(self, texts: list[str]) -> tuple[list[list[dict]], int]:
        feeds, _mask, tokens = self._encode(texts)
        scores = np.asarray(self._run(feeds)[0], dtype=np.float64)
        if not self.probabilities:
            scores = softmax(scores)
        labels = self.labels or [f"LABEL_{i}" for i in range(scores.shape[-1])]
        answers = []
        for row in scores:
            ranked = sorted(zip(labels, row.tolist(), strict=False), key=lambda p: -p[1])
            answers.append([{"label": label, "score": score} for label, score in ranked])
        return answers, tokens

    def raw(self, inputs) -> dict:
        if not isinstance(inputs, dict):
            raise BadRequest("`inputs` must be an object: {input name: nested list}.")
        feeds = {}
        for arg in self.inputs:
            if arg.name not in inputs:
                raise BadRequest(f"Missing input {arg.name!r}.")
            try:
                feeds[arg.name] = np.asarray(inputs[arg.name], dtype=NUMPY_TYPES.get(arg.type))
            except (TypeError, ValueError) as exc:
                raise BadRequest(f"Input {arg.name!r} is not a {arg.type} tensor.") from exc
        unknown = set(inputs) - {arg.name for arg in self.inputs}
        if unknown:
            raise BadRequest(f"Unknown inputs: {', '.join(sorted(unknown))}.")
        try:
            values = self._run(feeds)
        except (ort.capi.onnxruntime_pybind11_state.Fail, ValueError) as exc:  # bad shapes
            raise BadRequest(str(exc)) from exc
        return {
            "outputs": {
                out.name: np.asarray(v).tolist()
                for out, v in zip(self.outputs, values, strict=False)
            }
        }


def error_body(message: str, kind: str = "invalid_request_error") -> dict:
    return {"error": {"message": message, "type": kind, "code": None}}


def make_handler(runner: Runner):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "modelhub-onnx-runner"
        # The headers and the body go out as two writes: with Nagle's algorithm the body
        # waits for the client's delayed ACK of the headers, 40 ms on Linux, every answer.
        disable_nagle_algorithm = True

        def log_message(self, format, *args):  # noqa: A002 -- the base class's name
            logger.info("%s %s", self.address_string(), format % args)

        def _answer(self, status: int, body, tokens: int | None = None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if tokens is not None:
                self.send_header("X-Prompt-Tokens", str(tokens))
            self.end_headers()
            self.wfile.write(data)

        def _not_found(self):
            self._answer(
                HTTPStatus.NOT_FOUND,
                error_body(f"{self.path} is not served for the task {runner.task}."),
            )

        def do_GET(self):
            if self.path == "/health":
                self._answer(HTTPStatus.OK, {"status": "ok"})
            elif self.path == "/v1/models":
                model = {"id": runner.name, "object": "model", "owned_by": "modelhub"}
                self._answer(HTTPStatus.OK, {"object": "list", "data": [model]})
            elif self.path == "/signature":
                self._answer(HTTPStatus.OK, runner.signature())
            else:
                self._not_found()

        def _body(self):
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError as exc:
                raise BadRequest("A JSON body with a Content-Length is needed.") from exc
            if length > MAX_BODY_BYTES:
                raise BadRequest(f"The body is larger than {MAX_BODY_BYTES} bytes.")
            try:
                return json.loads(self.rfile.read(length))
            except (ValueError, UnicodeDecodeError) as exc:
                raise BadRequest("The body is not valid JSON.") from exc

        def do_POST(self):
            try:
                if self.path == "/v1/embeddings" and runner.task == "feature-extraction":
                    self._embeddings(self._body())
                elif self.path == "/infer":
                    self._infer(self._body())
                else:
                    self._not_found()
            except BadRequest as exc:
                self._answer(HTTPStatus.BAD_REQUEST, error_body(str(exc)))
            except Exception:
                logger.exception("inference failed")
                self._answer(
                    HTTPStatus.INTERNAL_SERVER_ERROR,
                    error_body("The runner failed on this input.", "server_error"),
                )

        def _embeddings(self, body):
            if not isinstance(body, dict):
                raise BadRequest("The body must be a JSON object.")
            texts, _single = texts_of(body.get("input"))
            vectors, tokens = runner.embed(texts)
            data = [
                {"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)
            ]
            usage = {"prompt_tokens": tokens, "total_tokens": tokens}
            answer = {"object": "list", "data": data, "model": runner.name, "usage": usage}
            self._answer(HTTPStatus.OK, answer, tokens)

        def _infer(self, body):
            if not isinstance(body, dict) or "inputs" not in body:
                raise BadRequest('The body must be {"inputs": …}.')
            if runner.task == "raw":
                self._answer(HTTPStatus.OK, runner.raw(body["inputs"]), 0)
                return
            texts, single = texts_of(body["inputs"])
            if runner.task == "feature-extraction":
                answers, tokens = runner.embed(texts)
            else:
                answers, tokens = runner.classify(texts)
            self._answer(HTTPStatus.OK, answers[0] if single else answers, tokens)

    return Handler


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="the .onnx file")
    parser.add_argument(
        "--task", required=True, choices=["feature-extraction", "text-classification", "raw"]
    )
    parser.add_argument("--tokenizer", help="the version's tokenizer.json")
    parser.add_argument("--config", help="the version's config.json (for id2label)")
    parser.add_argument("--name", default="model", help="the id /v1/models answers")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-concurrency", type=int, default=1)
    parser.add_argument("--max-tokens", type=int, default=DEFAULT_MAX_TOKENS)
    return parser.parse_args(argv)


def main(argv=None):
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr
    )
    args = parse_args(argv)
    runner = Runner(args)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(runner))
    server.daemon_threads = True
    logger.info("serving %s (%s) on http://%s:%d", args.model, args.task, args.host, args.port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
