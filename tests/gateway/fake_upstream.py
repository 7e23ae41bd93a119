"""A tiny OpenAI-compatible server for gateway tests: chat (streamed or not), completions,
embeddings and the ONNX runner's /infer, in a thread. What it answers is set per test:
`mode` "ok" or "garbage"; a stream sends its first chunk, then waits for `release` before
the rest, so a test can see the first chunk arrive before the last is sent."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STREAMED_WORDS = ["Hello", " from", " the", " fake", " upstream"]


class FakeUpstream:
    def __init__(self):
        self.mode = "ok"
        self.requests: list[tuple[str, dict, dict]] = []
        self.release = threading.Event()
        self.last_chunk_sent = threading.Event()
        self.infer_answer: object = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, answer, **headers):
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                if self.path == "/signature":
                    return self._json(
                        200,
                        {
                            "task": "raw",
                            "inputs": [{"name": "x", "type": "tensor(float)", "shape": [1, 2]}],
                            "outputs": [{"name": "y", "type": "tensor(float)", "shape": [1, 2]}],
                            "labels": None,
                        },
                    )
                return self._json(404, {"error": {"message": "no such route", "type": "x"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append((self.path, body, dict(self.headers)))
                if fake.mode == "garbage":
                    raw = b"<html>this is not an API</html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                    return
                if self.path == "/v1/chat/completions" and body.get("stream"):
                    return self._stream(body)
                if self.path == "/v1/chat/completions":
                    return self._json(200, chat_answer(body))
                if self.path == "/v1/completions":
                    return self._json(200, completion_answer(body))
                if self.path == "/v1/embeddings":
                    return self._json(200, embeddings_answer(body))
                if self.path == "/infer":
                    return self._json(200, fake.infer_answer, **{"X-Prompt-Tokens": "7"})
                return self._json(404, {"error": {"message": "no such route", "type": "x"}})

            def _stream(self, body):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                for index, word in enumerate(STREAMED_WORDS):
                    chunk = {
                        "id": "chatcmpl-1",
                        "object": "chat.completion.chunk",
                        "created": 1,
                        "model": body["model"],
                        "choices": [
                            {"index": 0, "delta": {"content": word}, "finish_reason": None}
                        ],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    if index == 0:
                        fake.release.wait(timeout=10)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                fake.last_chunk_sent.set()

        return Handler


def chat_answer(body):
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hi there."},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14},
    }


def completion_answer(body):
    return {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 1,
        "model": body["model"],
        "choices": [{"index": 0, "text": " once upon a time", "finish_reason": "length"}],
        "usage": {"prompt_tokens": 4, "completion_tokens": 5, "total_tokens": 9},
    }


def embeddings_answer(body):
    inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
    return {
        "object": "list",
        "model": body["model"],
        "data": [
            {"object": "embedding", "index": i, "embedding": [float(len(text)), 1.0, 0.5]}
            for i, text in enumerate(inputs)
        ],
        "usage": {"prompt_tokens": len(inputs) * 2, "total_tokens": len(inputs) * 2},
    }
