"""The gateway's requests to local runners (the llama.cpp and ONNX Runtime servers the
supervisor starts on 127.0.0.1): Python's http.client over connections kept alive between
requests, shared by a worker's threads.

httpx stays for OpenAI-compatible upstreams: its guarded transport checks every address it
connects to against MODELHUB_UPSTREAM_ALLOWED. A local runner needs none of what httpx adds
(proxies, TLS, redirects, that check: it listens on loopback, on a port the supervisor chose),
and on the gateway's hot path httpx cost 0.45 ms of CPU per request and 3.8 ms per streamed
chat of 73 events, against 0.12 ms and 1.9 ms here (bench/README.md, issue 13).

Failures are raised as httpx's exceptions, so the gateway handles both kinds of deployment
alike. An answer is read through `iter_raw()` as the runner sends it and handed back with
`close()`: a connection whose answer was read to the end goes back to the pool, any other is
closed."""

import http.client
import select
import threading
import time
from urllib.parse import urlsplit

import httpx

CONNECT_SECONDS = 5.0
# Reading waits for a slow model's next token.
READ_SECONDS = 600.0
# An idle connection is not reused after this long: uvicorn (llama.cpp's server) closes its
# idle connections after 5 s, and one it closed meanwhile would fail the next request.
IDLE_SECONDS = 4.0
# Idle connections kept per runner and worker; more are closed when handed back.
IDLE_MAX = 32
READ_SIZE = 64 * 1024
# What sending on a connection the runner had closed raises, before any answer.
CLOSED_MEANWHILE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class RunnerAnswer:
    """A runner's answer, as much of httpx.Response as the gateway reads."""

    def __init__(self, pool: "RunnerConnections", connection, response):
        self._pool = pool
        self._connection = connection
        self._response = response
        self.status_code = response.status
        self.headers = response.headers

    def iter_raw(self):
        """The body as it arrives. What the socket already holds when a piece is read comes
        with it (a streamed answer's events that piled up while the gateway was busy go on
        in one write instead of one each); nothing is waited for beyond the first byte."""
        response = self._response
        try:
            while piece := response.read1(READ_SIZE):
                pieces, size = [piece], len(piece)
                while size < READ_SIZE and _more_waiting(response):
                    more = response.read1(READ_SIZE - size)
                    if not more:
                        break
                    pieces.append(more)
                    size += len(more)
                yield piece if len(pieces) == 1 else b"".join(pieces)
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc)) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise httpx.ReadError(str(exc) or type(exc).__name__) from exc

    # http.client asks for no content coding (Accept-Encoding: identity): the raw bytes are
    # the body.
    iter_bytes = iter_raw

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        response = self._response
        # Read to its end: the last chunk of a chunked answer (http.client then marks it
        # closed) or all of its Content-Length.
        complete = response.isclosed() or response.length == 0
        response.close()
        if complete:
            self._pool.give_back(connection)
        else:
            connection.close()


class RunnerConnections:
    """The kept-alive connections of one worker to one runner."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host = parts.hostname
        self.port = parts.port or 80
        self._idle: list[tuple[http.client.HTTPConnection, float]] = []
        self._lock = threading.Lock()

    def _take(self) -> http.client.HTTPConnection:
        now = time.monotonic()
        while True:
            with self._lock:
                if not self._idle:
                    break
                connection, since = self._idle.pop()
            if now - since < IDLE_SECONDS and not _dropped(connection):
                return connection
            connection.close()
        return self._new()

    def give_back(self, connection) -> None:
        with self._lock:
            if len(self._idle) < IDLE_MAX:
                self._idle.append((connection, time.monotonic()))
                return
        connection.close()

    def close_expired(self) -> None:
        now = time.monotonic()
        with self._lock:
            expired = [c for c, since in self._idle if now - since >= IDLE_SECONDS]
            self._idle = [(c, since) for c, since in self._idle if now - since < IDLE_SECONDS]
        for connection in expired:
            connection.close()

    def _new(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=CONNECT_SECONDS)

    def post(self, path: str, body: bytes, headers: dict) -> RunnerAnswer:
        """Sends `body` (JSON) and returns the answer once its headers are in."""
        headers = {"Content-Type": "application/json", **headers}
        connection = self._take()
        reused = connection.sock is not None
        try:
            try:
                return self._send(connection, path, body, headers)
            except CLOSED_MEANWHILE:
                if not reused:
                    raise
            # The runner closed this kept-alive connection as the request went out (a server
            # may close an idle connection at any time). Sent again on a new connection: a
            # runner's routes only compute, so a request it might have seen is safe to repeat.
            connection = self._new()
            return self._send(connection, path, body, headers)
        except TimeoutError as exc:
            raise httpx.TimeoutException(str(exc)) from exc
        except OSError as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        except http.client.HTTPException as exc:
            raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from exc

    def _send(self, connection, path, body, headers) -> RunnerAnswer:
        try:
            connection.request("POST", path, body=body, headers=headers)
            if connection.sock is not None:
                connection.sock.settimeout(READ_SECONDS)
            response = connection.getresponse()
        except BaseException:
            connection.close()
            raise
        return RunnerAnswer(self, connection, response)


def _readable_now(socket_or_fd, *, if_unusable: bool) -> bool:
    """Whether a read would return at once (bytes, or the end of the connection)."""
    try:
        readable, _, _ = select.select([socket_or_fd], [], [], 0)
    except (OSError, ValueError):
        return if_unusable
    return bool(readable)


def _more_waiting(response: http.client.HTTPResponse) -> bool:
    """Whether more of an unfinished answer can be read at once (the socket holds some)."""
    if response.isclosed() or response.length == 0:
        return False
    return _readable_now(response.fileno(), if_unusable=False)


def _dropped(connection: http.client.HTTPConnection) -> bool:
    """Whether the runner closed this idle connection (it is readable: an end of file)."""
    if connection.sock is None:
        return False
    return _readable_now(connection.sock, if_unusable=True)


_pools: dict[str, RunnerConnections] = {}
_pools_lock = threading.Lock()


def runner_connections(base_url: str) -> RunnerConnections:
    """The worker's connections to the runner at `base_url` (made on first use)."""
    pool = _pools.get(base_url)
    if pool is None:
        with _pools_lock:
            pool = _pools.get(base_url)
            if pool is None:
                # A runner restarted on another port leaves its old pool behind: its idle
                # connections are closed here rather than kept open for good.
                for old in _pools.values():
                    old.close_expired()
                pool = _pools[base_url] = RunnerConnections(base_url)
    return pool
