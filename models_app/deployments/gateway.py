"""The gateway's work between a caller and a deployment (SPEC §7): who is calling (endpoint
key, personal token or the session), errors in OpenAI's shape, and forwarding a request to
the deployment's runner or upstream — streams passed on event by event, never buffered.

An OpenAI client reads `{"error": {"message", "type", "code"}}` and picks its exception from
the status (openai/_client.py `_make_status_error`), so every refusal here has both."""

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from models_app.access.caller import Caller, caller_of
from models_app.access.downloads import download_allowed
from models_app.accounts.limits import RateLimit
from models_app.allowlist.client import request_client_address
from models_app.api.auth import bearer_secret
from models_app.api.scopes import SCOPE_ACTIONS
from models_app.api.services import active_token, token_used

from .keyrequests import key_request
from .keys import KEY_START, key_caller
from .models import Runtime
from .runner_client import runner_connections
from .secrets import SecretUnreadable
from .upstream import UpstreamRefused, upstream_client, upstream_key
from .usage import record_call

# Connecting is quick or the runner is down; reading waits for a slow model's next token.
TIMEOUT = httpx.Timeout(connect=5.0, read=600.0, write=60.0, pool=10.0)
# The most a non-streamed answer of a runner may weigh (embeddings of a large batch).
ANSWER_MAX_BYTES = 256 * 1024 * 1024
KEY_RATE_PERIOD = 60


class GatewayError(Exception):
    """A refusal in OpenAI's error shape: status, message, type and code."""

    def __init__(self, status: int, message: str, type_: str, code: str | None = None, **headers):
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.code = code
        self.headers = headers

    def response(self) -> JsonResponse:
        body = {"error": {"message": self.message, "type": self.type, "code": self.code}}
        response = JsonResponse(body, status=self.status)
        for name, value in self.headers.items():
            response[name.replace("_", "-")] = value
        return response


def invalid_request(message: str, code: str | None = None) -> GatewayError:
    return GatewayError(400, message, "invalid_request_error", code)


def model_not_found(name: str) -> GatewayError:
    return GatewayError(
        404,
        _("The model “%(model)s” does not exist or you do not have access to it.")
        % {"model": name},
        "invalid_request_error",
        "model_not_found",
    )


def not_deployed(name: str) -> GatewayError:
    return GatewayError(
        503,
        _(
            "The model “%(model)s” has no ready deployment. Deploy it (or start its "
            "deployment) and try again."
        )
        % {"model": name},
        "service_unavailable",
        "model_not_deployed",
    )


@dataclass(frozen=True)
class GatewayCaller:
    """Who calls the gateway: the access Caller, and the endpoint key it came with (None for
    a personal token or a signed-in browser) with its model's ready deployments, newest
    first, read along with it."""

    caller: Caller
    key: object = None
    key_model_ready: tuple = ()

    def may_reach(self, model) -> bool:
        """An endpoint key reaches its own model only; anything else looks like no model."""
        return self.key is None or self.key.model_id == model.pk


def authenticate(request, *, session_ok: bool) -> GatewayCaller:
    """The caller of a gateway request, from `Authorization: Bearer` (an endpoint key or a
    personal token) or, when `session_ok`, the signed-in user (the playground; the view
    checks CSRF then). 401 when there is none that is valid."""
    secret = bearer_secret(request)
    address = request_client_address(request)
    if secret is None:
        if session_ok and request.user.is_authenticated and request.user.is_active:
            return GatewayCaller(caller=caller_of(request))
        raise GatewayError(
            401,
            _("Send an API endpoint key or an access token: Authorization: Bearer <key>."),
            "invalid_request_error",
            "missing_api_key",
        )
    if secret.startswith(KEY_START):
        found = key_request(secret)
        if found is not None:
            return GatewayCaller(
                caller=key_caller(found.key, address),
                key=found.key,
                key_model_ready=tuple(found.ready),
            )
    else:
        token = active_token(secret)
        if token is not None:
            token_used(token, address)
            scope = SCOPE_ACTIONS[token.scope]
            return GatewayCaller(
                caller=Caller(user=token.user, address=address, via="api", scope=scope)
            )
    raise GatewayError(
        401,
        _("The API key is not valid: it is unknown, revoked or expired."),
        "invalid_request_error",
        "invalid_api_key",
    )


def take_rate_limit(who: GatewayCaller) -> None:
    """An endpoint key's requests per minute; past them, 429 with Retry-After."""
    if who.key is None:
        return
    limit = RateLimit(name="endpoint-key", limit=who.key.rate_limit_rpm, period=KEY_RATE_PERIOD)
    wait = limit.take(who.key.pk)
    if wait:
        raise GatewayError(
            429,
            _("This key's rate limit (%(rpm)d requests per minute) is used up.")
            % {"rpm": who.key.rate_limit_rpm},
            "rate_limit_exceeded",
            "rate_limit_exceeded",
            Retry_After=str(wait),
        )


def check_allowlist(who: GatewayCaller, model) -> None:
    """The model's IP allowlist applies to inference as to downloads."""
    if model.ip_allowlist and not download_allowed(who.caller, model):
        raise GatewayError(
            403,
            _("Your address %(address)s is not in this model's IP allowlist.")
            % {"address": who.caller.address or "?"},
            "permission_denied",
            "ip_not_allowed",
        )


# One pooled client per upstream address, shared by the worker's threads, so a request
# reuses a kept-alive connection instead of opening one each time. Local runners have their
# own connections (`runner_client`).
_clients: dict[str, httpx.Client] = {}
_clients_lock = threading.Lock()


def upstream_client_for(deployment) -> httpx.Client:
    client = _clients.get(deployment.base_url)
    if client is None:
        with _clients_lock:
            client = _clients.get(deployment.base_url)
            if client is None:
                client = upstream_client(deployment.base_url, timeout=TIMEOUT)
                _clients[deployment.base_url] = client
    return client


def send_to(deployment, path: str, payload, headers: dict):
    """POSTs `payload` as JSON to the deployment's `path`; the answer (an httpx.Response or
    the same surface from `runner_client`) once its headers are in. Raises httpx's
    TransportError or UpstreamRefused when the deployment cannot be reached."""
    if deployment.is_local:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return runner_connections(deployment.base_url).post(path, body, headers)
    client = upstream_client_for(deployment)
    request = client.build_request("POST", path, json=payload, headers=headers)
    return client.send(request, stream=True)


def upstream_request(deployment, body: dict) -> tuple[dict, dict]:
    """The body and headers to send to the deployment: an upstream gets its own model name
    and key; a local llama.cpp runner answers to its alias, the gateway name."""
    headers = {"Accept-Encoding": "identity"}
    if deployment.runtime == Runtime.OPENAI:
        body = {**body, "model": deployment.upstream_model}
        try:
            key = upstream_key(deployment)
        except SecretUnreadable as exc:
            raise GatewayError(
                503,
                _("The upstream key of this deployment cannot be read: it must be entered again."),
                "service_unavailable",
                "upstream_key_unreadable",
            ) from exc
        if key:
            headers["Authorization"] = f"Bearer {key}"
    else:
        body = {**body, "model": deployment.gateway_name()}
    return body, headers


def _unreachable(deployment, exc: Exception) -> GatewayError:
    if isinstance(exc, UpstreamRefused):
        detail = str(exc)
    elif isinstance(exc, httpx.TimeoutException):
        detail = _("it did not answer in time")
    else:
        detail = _("it refused the connection or is down")
    return GatewayError(
        503,
        _("The deployment of “%(model)s” cannot be reached: %(detail)s.")
        % {"model": deployment.gateway_name(), "detail": str(detail).rstrip(".")},
        "service_unavailable",
        "upstream_unavailable",
    )


def _garbage(deployment) -> GatewayError:
    return GatewayError(
        502,
        _("The deployment of “%(model)s” answered something that is not a valid response.")
        % {"model": deployment.gateway_name()},
        "bad_gateway",
        "bad_upstream_response",
    )


# Refusals of an upstream that mean something to the caller (their request, their rate);
# any other error status (its key refused, its model unknown) is the hub's problem: 502.
PASSED_ON_ERRORS = {400, 413, 422, 429, 500, 503}


def _usage_of(answer: dict) -> tuple[int, int]:
    usage = answer.get("usage")
    if not isinstance(usage, dict):
        return 0, 0
    prompt = usage.get("prompt_tokens")
    completion = usage.get("completion_tokens")
    return (
        prompt if isinstance(prompt, int) else 0,
        completion if isinstance(completion, int) else 0,
    )


class Call:
    """One forwarded request, timed from its arrival; `finish` appends its usage row."""

    def __init__(self, deployment, who: GatewayCaller, requested_name: str):
        self.deployment = deployment
        self.who = who
        self.requested_name = requested_name
        self.started = time.monotonic()
        self.finished = False

    def finish(self, status: int, prompt_tokens: int = 0, completion_tokens: int = 0) -> None:
        if self.finished:
            return
        self.finished = True
        record_call(
            deployment=self.deployment,
            key=self.who.key,
            status=status,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_ms=(time.monotonic() - self.started) * 1000,
        )


def forward(call: Call, path: str, body: dict):
    """Sends `body` to the deployment's `path` ("/v1/chat/completions"…) and answers: the
    runner's JSON (its `model` named as the caller named it), or, for `stream: true`, its
    server-sent events passed on as they come."""
    deployment = call.deployment
    payload, headers = upstream_request(deployment, body)
    try:
        upstream = send_to(deployment, path, payload, headers)
    except (httpx.TransportError, UpstreamRefused) as exc:
        raise _unreachable(deployment, exc) from exc
    if body.get("stream") and upstream.status_code == 200:
        return _stream_answer(call, upstream)
    try:
        raw = _read_bounded(upstream)
    except httpx.TransportError as exc:
        raise _unreachable(deployment, exc) from exc
    finally:
        upstream.close()
    return _json_answer(call, upstream.status_code, raw)


def forward_plain(call: Call, path: str, body: dict):
    """Sends `body` unchanged (a task route of the ONNX runner) and answers its JSON."""
    try:
        upstream = send_to(call.deployment, path, body, {})
    except (httpx.TransportError, UpstreamRefused) as exc:
        raise _unreachable(call.deployment, exc) from exc
    try:
        raw = _read_bounded(upstream)
    except httpx.TransportError as exc:
        raise _unreachable(call.deployment, exc) from exc
    finally:
        upstream.close()
    prompt_tokens = upstream.headers.get("X-Prompt-Tokens", "")
    return _json_answer(
        call,
        upstream.status_code,
        raw,
        prompt_tokens=int(prompt_tokens) if prompt_tokens.isdigit() else 0,
        rename=False,
    )


def _read_bounded(upstream: httpx.Response) -> bytes:
    parts, size = [], 0
    for chunk in upstream.iter_bytes():
        size += len(chunk)
        if size > ANSWER_MAX_BYTES:
            raise httpx.ReadError("answer too large")
        parts.append(chunk)
    return b"".join(parts)


def _model_renames(call: Call) -> list[tuple[bytes, bytes]]:
    """Byte replacements that give the runner's `model` the name the caller used: cheaper
    than decoding and encoding every answer and chunk (`"model":"x"` as compact JSON or with
    a space, as runners write it)."""
    deployment = call.deployment
    if deployment.runtime == Runtime.OPENAI:
        runner_name = deployment.upstream_model
    else:
        runner_name = deployment.gateway_name()
    if runner_name == call.requested_name:
        return []
    old, new = json.dumps(runner_name).encode(), json.dumps(call.requested_name).encode()
    return [(b'"model":' + old, b'"model":' + new), (b'"model": ' + old, b'"model": ' + new)]


def _renamed(raw: bytes, renames) -> bytes:
    for old, new in renames:
        raw = raw.replace(old, new)
    return raw


def _json_answer(call: Call, status: int, raw: bytes, *, prompt_tokens=0, rename=True):
    """The runner's JSON as it sent it (the model renamed), once it is known to be JSON."""
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = None
    if status >= 400:
        if status in PASSED_ON_ERRORS and isinstance(answer, dict) and "error" in answer:
            call.finish(status)
            return JsonResponse(answer, status=status)
        call.finish(502)
        raise _garbage(call.deployment)
    if status != 200 or not isinstance(answer, dict | list):
        call.finish(502)
        raise _garbage(call.deployment)
    completion_tokens = 0
    if rename and isinstance(answer, dict):
        prompt_tokens, completion_tokens = _usage_of(answer)
        raw = _renamed(raw, _model_renames(call))
    call.finish(200, prompt_tokens, completion_tokens)
    return HttpResponse(raw, content_type="application/json")


# A chunk that carries text: a non-empty `content` (chat) or `text` (completions).
_TEXT_CHUNK = re.compile(rb'"(?:content|text)": ?"(?!")')
_NULL_USAGE = re.compile(rb'"usage": ?null')


class _EventRelay:
    """Passes a runner's server-sent events on one by one as they complete, renaming the
    model and counting tokens on the way: the final chunk's `usage` when the runner sends
    one, else one completion token per chunk that carries text. Events are handled as bytes;
    only a chunk with `usage` or `error` is decoded."""

    def __init__(self, call: Call, upstream: httpx.Response):
        self.call = call
        self.upstream = upstream
        self.renames = _model_renames(call)
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.counted_chunks = 0
        self.status = 200

    def _decoded(self, event: bytes):
        try:
            chunk = json.loads(event.partition(b":")[2])
        except ValueError:
            return None
        return chunk if isinstance(chunk, dict) else None

    def _event(self, event: bytes) -> bytes:
        if not event.startswith(b"data:"):
            return event + b"\n\n"
        if _TEXT_CHUNK.search(event):
            self.counted_chunks += 1
        if b'"usage"' in event and not _NULL_USAGE.search(event):
            chunk = self._decoded(event)
            if chunk is not None and isinstance(chunk.get("usage"), dict):
                self.prompt_tokens, self.completion_tokens = _usage_of(chunk)
        if b'"error"' in event:
            chunk = self._decoded(event)
            if chunk is not None and "error" in chunk:
                self.status = 502
        return _renamed(event, self.renames) + b"\n\n"

    def __iter__(self) -> Iterator[bytes]:
        pending = b""
        try:
            for piece in self.upstream.iter_raw():
                pending += piece.replace(b"\r\n", b"\n")
                out = []
                while b"\n\n" in pending:
                    event, pending = pending.split(b"\n\n", 1)
                    if event:
                        out.append(self._event(event))
                if out:
                    yield b"".join(out)
            if pending.strip():
                yield self._event(pending.strip(b"\n"))
        except httpx.TransportError:
            # The runner went away mid-answer: the caller sees the stream end early.
            self.status = 502
        finally:
            self.upstream.close()
            self.call.finish(
                self.status,
                self.prompt_tokens,
                self.completion_tokens or self.counted_chunks,
            )


def _stream_answer(call: Call, upstream: httpx.Response) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_EventRelay(call, upstream), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # nginx (and proxies that honour it) must pass each event on at once.
    response["X-Accel-Buffering"] = "no"
    return response


def method_not_allowed() -> HttpResponse:
    return GatewayError(
        405, _("This route takes POST."), "invalid_request_error", "method_not_allowed"
    ).response()
