"""The gateway's connections to local runners (runner_client.py): kept alive between
requests, never reused once the runner closed them, and a runner that is down is a 503."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from models_app.deployments.runner_client import runner_connections

from .calls import embeddings


class KeepAliveRunner:
    """An HTTP/1.1 server answering embeddings, counting the connections it accepts; with
    `drop_idle`, it closes each connection after its answer without saying so, as a server
    closing idle connections does."""

    def __init__(self, drop_idle=False):
        self.connections = 0
        runner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                runner.connections += 1
                super().setup()

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                answer = json.dumps(
                    {
                        "object": "list",
                        "model": body["model"],
                        "data": [{"object": "embedding", "index": 0, "embedding": [1.0]}],
                        "usage": {"prompt_tokens": 1, "total_tokens": 1},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                self.wfile.flush()
                if drop_idle:
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def runner_server():
    servers = []

    def make(**options):
        server = KeepAliveRunner(**options)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def test_requests_to_a_runner_share_one_kept_alive_connection(
    model, deploy_local, endpoint_key, runner_server
):
    runner = runner_server()
    deploy_local(model, base_url=runner.url)
    _key, secret = endpoint_key(model)
    for _ in range(3):
        assert embeddings(secret, model.repo_id).status_code == 200
    assert runner.connections == 1


def test_a_runner_that_closed_its_idle_connection_still_answers_every_request(
    model, deploy_local, endpoint_key, runner_server
):
    runner = runner_server(drop_idle=True)
    deploy_local(model, base_url=runner.url)
    _key, secret = endpoint_key(model)
    for _ in range(3):
        assert embeddings(secret, model.repo_id).status_code == 200
    assert runner.connections == 3


def test_an_answer_left_unread_does_not_leave_its_connection_for_the_next_request(
    runner_server,
):
    runner = runner_server()
    pool = runner_connections(runner.url)
    body = json.dumps({"model": "m", "input": "a"}).encode()
    left = pool.post("/v1/embeddings", body, {})
    left.close()
    read = pool.post("/v1/embeddings", body, {})
    assert json.loads(b"".join(read.iter_raw()))["model"] == "m"
    read.close()
    assert runner.connections == 2


def test_a_runner_that_is_down_is_a_503_naming_the_deployment(model, deploy_local, endpoint_key):
    deploy_local(model, base_url="http://127.0.0.1:9")
    _key, secret = endpoint_key(model)
    refused = embeddings(secret, model.repo_id)
    assert refused.status_code == 503
    error = refused.json()["error"]
    assert error["code"] == "upstream_unavailable"
    assert f"{model.repo_id}:v1" in error["message"]
