"""Where a gateway request spends its time (issue 13): one embeddings request and one
streamed chat, served in this process by Django's WSGI handler (what a gunicorn worker runs,
minus the HTTP parsing), against real runners started as in gateway_bench.py.

1. Steps of the view, timed by wrapping the gateway's functions (key lookup, rate limit,
   body, deployment query, forwarding, usage row), medians over --requests requests.
2. The middleware stack: the same request through a handler built with every middleware,
   and with each one left out in turn (wall clock, medians, alternating).
3. A streamed chat: time to the first chunk in the gateway vs a direct request from the
   same httpx code, and the gateway thread's CPU time per relayed chunk.
4. cProfile of --requests embeddings requests (top functions by own time).

Usage (its own database, as gateway_bench.py):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mh_gateway_bench \
        .venv/bin/python bench/gateway_profile.py [--requests 400] [--no-chat]
"""

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gateway_bench  # noqa: E402 (sets up the path and settings module)


def environ_for(path: str, body: dict | None, secret: str) -> dict:
    raw = json.dumps(body).encode() if body is not None else b""
    return {
        "REQUEST_METHOD": "POST" if body is not None else "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(raw)),
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_AUTHORIZATION": f"Bearer {secret}",
        "HTTP_USER_AGENT": "python-httpx/0.28.1",
        "HTTP_ACCEPT": "*/*",
        "wsgi.input": io.BytesIO(raw),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def call(app, path, body, secret, on_chunk=None) -> int:
    status = []
    result = app(environ_for(path, body, secret), lambda s, h, e=None: status.append(s))
    try:
        for chunk in result:
            if on_chunk is not None and chunk:
                on_chunk(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return int(status[0].split()[0])


class StepTimer:
    """Wraps functions of the gateway modules and adds up their wall time per request."""

    def __init__(self):
        self.current = defaultdict(float)
        self.runs = defaultdict(list)

    def wrap(self, module, name, label=None):
        """Times `module.name` (when the module has it: the profile also runs on older code,
        where the key was looked up by `active_key`)."""
        original = getattr(module, name, None)
        if original is None:
            return None
        label = label or name

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.current[label] += time.perf_counter() - started

        setattr(module, name, timed)
        return original

    def end_request(self, total: float):
        self.current["total"] = total
        for label, seconds in self.current.items():
            self.runs[label].append(seconds * 1000)
        self.current = defaultdict(float)

    def report(self):
        for label, values in self.runs.items():
            print(f"   {label:28s} median {statistics.median(values):7.3f} ms")


def handler_with(middleware):
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()


def profile_steps(embed, secret, requests):
    from models_app.deployments import gateway, gateway_views

    timer = StepTimer()
    timer.wrap(gateway, "key_request", "  key + deployments (one query)")
    timer.wrap(gateway, "active_key", "  key lookup (hash + query)")
    timer.wrap(gateway_views, "authenticate", "authenticate")
    timer.wrap(gateway_views, "take_rate_limit", "rate limit")
    timer.wrap(gateway_views, "_json_body", "request body")
    timer.wrap(gateway_views, "_deployment", "deployment lookup")
    timer.wrap(gateway_views, "forward", "forward (all)")
    timer.wrap(gateway, "record_call", "  usage row")
    timer.wrap(gateway, "_read_bounded", "  read runner answer")
    from django.conf import settings

    app = handler_with(settings.MIDDLEWARE)
    body = {"model": embed.model.repo_id, "input": ["hello world great movie"]}
    for _ in range(30):
        call(app, "/v1/embeddings", body, secret)
    timer.current.clear()
    for _ in range(requests):
        started = time.perf_counter()
        assert call(app, "/v1/embeddings", body, secret) == 200
        timer.end_request(time.perf_counter() - started)
    print(f"\n1. Steps of one embeddings request, in process, {requests} requests, medians")
    timer.report()
    # The direct request from httpx, for scale.
    import httpx

    with httpx.Client(trust_env=False) as client:
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.post(f"{embed.base_url}/v1/embeddings", json=body)
            times.append((time.perf_counter() - started) * 1000)
    print(f"   (direct request to the runner from httpx: median {statistics.median(times):.3f} ms)")


def profile_middleware(embed, secret, requests):
    """On a request the view answers without the database or the runner (GET on a POST
    route: 405), so that what is measured is Django's handler and the middleware."""
    from django.conf import settings

    body = None
    full = list(settings.MIDDLEWARE)
    variants = {"all": full}
    # What the gateway route cannot do without: the session and user (the playground) and
    # the caller; each other one is left out in turn, then all of them.
    needed = {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "models_app.access.caller.CallerMiddleware",
    }
    for name in full:
        if name not in needed:
            variants[f"without {name.rsplit('.', 1)[-1]}"] = [m for m in full if m != name]
    variants["only session, auth, caller"] = [m for m in full if m in needed]
    variants["none (no caller: view fails)"] = []
    apps = {label: handler_with(middleware) for label, middleware in variants.items()}
    times = defaultdict(list)
    for app in apps.values():
        for _ in range(20):
            call(app, "/v1/embeddings", body, secret)
    for _ in range(requests // 4):
        for label, app in apps.items():
            started = time.perf_counter()
            status = call(app, "/v1/embeddings", body, secret)
            times[label].append((time.perf_counter() - started) * 1000)
            if status != 405:
                times[f"{label} (status {status})"].append(0)
    base = statistics.median(times["all"])
    print(
        f"\n2. Middleware, on GET /v1/embeddings (405 at once), {requests // 4} requests per "
        "variant, alternating, medians"
    )
    print(f"   all middleware: {base:.3f} ms per request")
    for label, values in times.items():
        if label != "all":
            median = statistics.median(values) if values else 0
            print(f"   {label:40s} {median:7.3f} ms ({median - base:+.3f})")


def profile_stream(chat, secret, chats):
    """Time to the first content chunk, direct and through the gateway, and where the
    gateway's extra time goes: its view starting, the request to the runner leaving, the
    runner's headers, the runner's first content, the gateway yielding it."""
    import httpx
    from django.conf import settings

    from models_app.deployments import gateway_views

    marks = {}

    def mark(name):
        marks.setdefault(name, time.perf_counter())

    # Local runners are called through runner_client (older code: httpx).
    try:
        from models_app.deployments.runner_client import RunnerAnswer, RunnerConnections

        sender, sender_method, answer_class = RunnerConnections, "post", RunnerAnswer
    except ImportError:
        sender, sender_method, answer_class = httpx.Client, "send", httpx.Response
    original_send = getattr(sender, sender_method)
    original_iter_raw = answer_class.iter_raw
    original_authenticate = gateway_views.authenticate

    def send(self, *args, **kwargs):
        mark("request to the runner sent")
        response = original_send(self, *args, **kwargs)
        mark("runner's headers")
        return response

    def iter_raw(self, *args, **kwargs):
        for piece in original_iter_raw(self, *args, **kwargs):
            if b'"content":"' in piece or b'"content": "' in piece:
                mark("runner's first content")
            yield piece

    def authenticate(*args, **kwargs):
        mark("view starts")
        return original_authenticate(*args, **kwargs)

    app = handler_with(settings.MIDDLEWARE)
    body = {
        "model": chat.model.repo_id,
        "messages": [{"role": "user", "content": "the quick brown fox"}],
        "max_tokens": 64,
        "temperature": 0,
        "stream": True,
    }
    direct_url = f"{chat.base_url}/v1/chat/completions"
    direct_body = {**body, "model": chat.gateway_name()}
    direct, timelines, cpu_per_chunk = [], [], []
    with httpx.Client(timeout=60, trust_env=False) as client:
        for _ in range(3):
            call(app, "/v1/chat/completions", body, secret)
        for _ in range(chats):
            started = time.perf_counter()
            first = None
            with client.stream("POST", direct_url, json=direct_body) as response:
                for piece in response.iter_raw():
                    if first is None and (b'"content":"' in piece or b'"content": "' in piece):
                        first = time.perf_counter()
            direct.append((first - started) * 1000)

            seen = {"chunks": 0}

            def on_chunk(chunk, seen=seen):
                seen["chunks"] += 1
                if b'"content":"' in chunk or b'"content": "' in chunk:
                    mark("gateway yields the first content")

            marks.clear()
            setattr(sender, sender_method, send)
            answer_class.iter_raw = iter_raw
            gateway_views.authenticate = authenticate
            try:
                cpu_started = time.thread_time()
                started = time.perf_counter()
                call(app, "/v1/chat/completions", body, secret, on_chunk)
                cpu = time.thread_time() - cpu_started
            finally:
                setattr(sender, sender_method, original_send)
                answer_class.iter_raw = original_iter_raw
                gateway_views.authenticate = original_authenticate
            timelines.append({name: (at - started) * 1000 for name, at in marks.items()})
            cpu_per_chunk.append(cpu * 1000 / max(1, seen["chunks"]))
    print(f"\n3. Streamed chat, {chats} each way, in process, medians")
    print(f"   direct: first content chunk after {statistics.median(direct):.2f} ms")
    print("   gateway:")
    for name in timelines[0]:
        print(f"     {name:36s} {statistics.median(t[name] for t in timelines):7.2f} ms")
    print(
        "   gateway thread CPU per yielded chunk (whole request / chunks): "
        f"{statistics.median(cpu_per_chunk):.3f} ms"
    )


def cprofile_embeddings(embed, secret, requests):
    from django.conf import settings

    app = handler_with(settings.MIDDLEWARE)
    body = {"model": embed.model.repo_id, "input": ["hello world great movie"]}
    for _ in range(20):
        call(app, "/v1/embeddings", body, secret)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call(app, "/v1/embeddings", body, secret)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
    stats.print_stats(30)
    print(f"\n4. cProfile, {requests} embeddings requests (own time)")
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    print(out.getvalue())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--no-chat", action="store_true")
    parser.add_argument("--only", choices=["steps", "middleware", "stream", "cprofile"])
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.MODELHUB_DEPLOY_CACHE_DIR = Path(tempfile.mkdtemp(prefix="gateway-profile-cache-"))
    print(f"CPU probe {gateway_bench.cpu_probe_ms():.0f} ms")
    chat, embed, chat_key, embed_key = gateway_bench.setup(with_chat=not args.no_chat, minilm=False)
    supervisor = gateway_bench.start_runners([d for d in (chat, embed) if d is not None])
    # As in a gunicorn worker (post_worker_init): usage rows queued, written once a second
    # (older code, without the queue, inserts each row on the request's path).
    from models_app.deployments import usage

    if hasattr(usage, "start_usage_writer"):
        usage.start_usage_writer()
    try:
        if args.only in (None, "steps"):
            profile_steps(embed, embed_key, args.requests)
        if args.only in (None, "middleware"):
            profile_middleware(embed, embed_key, args.requests)
        if chat is not None and args.only in (None, "stream"):
            profile_stream(chat, chat_key, args.chats)
        if args.only in (None, "cprofile"):
            cprofile_embeddings(embed, embed_key, args.requests)
    finally:
        if hasattr(usage, "stop_usage_writer"):
            usage.stop_usage_writer()
        supervisor.shutdown()
    print(f"CPU probe after {gateway_bench.cpu_probe_ms():.0f} ms")


if __name__ == "__main__":
    main()
