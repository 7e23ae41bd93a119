"""The gateway against the runners it fronts (issue 13, "Speed"): the same requests sent to a
runner directly and through the gateway (gunicorn, modelhub/gunicorn.conf.py), taking turns.

1. Streamed chat on a llama.cpp runner (the tiny random-weights GGUF of tests/tinymodels.py):
   time to first token and tokens per second, direct vs gateway.
2. Embeddings on an ONNX runner (tests/tinymodels.py's embedding model) at concurrency 8:
   requests per second, direct vs gateway.
3. 50 concurrent streamed chats through the gateway for --soak seconds: errors, and the
   resident memory of the gunicorn workers sampled along the way.

Usage (a database of its own; the script migrates it and writes a few rows):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mh_gateway_bench \
        .venv/bin/python bench/gateway_bench.py [--chats 40] [--embed-seconds 20] [--soak 60]

--runner-cpu N pins the runners to core N and the gateway, the client and the bench database's
PostgreSQL backends to the other cores: the runner has a core of its own, as on a machine of
the supervisor's (or a GPU box) in production, instead of sharing two cores with everything.
"""

import argparse
import io
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import django
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modelhub.settings")
os.environ.setdefault("MODELHUB_DATA_DIR", tempfile.mkdtemp(prefix="gateway-bench-"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup(with_chat: bool, minilm: bool):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from models_app.accounts.models import User
    from models_app.catalog.services import model_create
    from models_app.deployments.keys import key_create
    from models_app.deployments.models import Deployment, Runtime, Task
    from models_app.deployments.services import deployment_create
    from models_app.versions.blobs import HashingReader
    from models_app.versions.services import Incoming, files_store, version_create
    from tests import tinymodels

    # The bench's own database: deployments of an earlier run would count against the limit.
    Deployment.objects.all().delete()
    owner = User.objects.filter(email="bench@bench.test").first() or User.objects.create_user(
        email="bench@bench.test", password="bench-password-1"
    )

    def model_with(title, files):
        model = model_create(by=owner, owner=owner, title=f"{title}-{int(time.time())}")
        version = version_create(model, by=owner, name="v1")
        items = [Incoming(path=p, source=HashingReader(io.BytesIO(b))) for p, b in files.items()]
        files_store(version, items, by=owner)
        return model, version

    chat = chat_key = None
    if with_chat:
        files = {"tiny.gguf": tinymodels.gguf_chat_model()}
        chat_model, chat_version = model_with("bench-chat", files)
        chat = deployment_create(
            by=owner, model=chat_model, version=chat_version, runtime=Runtime.LLAMA_CPP, threads=1
        )
        _k, chat_key = key_create(
            by=owner, model=chat_model, name="bench", rate_limit_rpm=100_000, expires_days=None
        )
    if minilm:
        from models_app.deployments import demo

        embed_model = model_create(by=owner, owner=owner, title=f"bench-minilm-{int(time.time())}")
        embed_version = version_create(embed_model, by=owner, name="v1")
        files_store(embed_version, demo.embedding_files(), by=owner)
    else:
        embed_model, embed_version = model_with("bench-embed", tinymodels.embedding_files())
    embed = deployment_create(
        by=owner,
        model=embed_model,
        version=embed_version,
        runtime=Runtime.ONNXRUNTIME,
        task=Task.FEATURE_EXTRACTION,
        threads=1,
        max_concurrency=8,
    )
    _k, embed_key = key_create(
        by=owner, model=embed_model, name="bench", rate_limit_rpm=100_000, expires_days=None
    )
    return chat, embed, chat_key, embed_key


def start_runners(deployments):
    from models_app.deployments.supervisor import Supervisor

    supervisor = Supervisor(name="gateway-bench", capacity=4, start_timeout=180)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        supervisor.tick()
        for deployment in deployments:
            deployment.refresh_from_db()
        if all(d.state == "ready" for d in deployments):
            return supervisor
        failed = [d for d in deployments if d.state == "failed"]
        if failed:
            raise SystemExit(f"runner failed: {failed[0].error}\n{failed[0].log_tail}")
        time.sleep(0.5)
    raise SystemExit("runners did not become ready")


def pin(pid: int, cpus: set[int]) -> None:
    """Every thread of `pid` onto `cpus` (sched_setaffinity of a pid moves one thread)."""
    for task in (Path("/proc") / str(pid) / "task").iterdir():
        try:
            os.sched_setaffinity(int(task.name), cpus)
        except ProcessLookupError:
            continue


def pin_database_backends(cpus: set[int]) -> None:
    """The bench database's PostgreSQL backends (opened by the gateway's workers as they
    came) onto `cpus`, off the runner's core."""
    database = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1]
    if not database:
        return
    for pid in processes_where(
        lambda entry: (
            (entry / "cmdline").read_bytes().startswith(b"postgres: ")
            and f" {database} ".encode() in (entry / "cmdline").read_bytes()
        )
    ):
        pin(pid, cpus)


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "MODELHUB_BIND": f"127.0.0.1:{port}",
        "MODELHUB_WEB_WORKERS": str(workers),
        "MODELHUB_WEB_THREADS": str(threads),
        "MODELHUB_LOG_LEVEL": "warning",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "modelhub/gunicorn.conf.py",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        # The access log is written as in production (gunicorn.conf.py's logging config
        # sends it to stdout whatever --access-logfile says), but not onto the report.
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def worker_rss_kib(master_pid: int) -> int:
    """The resident memory of the gunicorn workers (children of the master), in KiB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU time of one process (all its threads), in seconds; with
    `children`, that of its children that exited and were waited for instead."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    first = 13 if children else 11
    return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")


def processes_where(test) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if test(entry):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_by_part(web_pid: int, runner_pid: int) -> dict:
    """CPU seconds so far of each part of the bench: the gunicorn workers, the runner, the
    PostgreSQL backends of the bench's database, and this process (the client threads)."""
    database = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1]

    def worker(entry):
        return (entry / "stat").read_text().rpartition(")")[2].split()[1] == str(web_pid)

    def backend(entry):
        return bool(database) and f" {database} ".encode() in (entry / "cmdline").read_bytes()

    # Workers recycled by max_requests meanwhile count through the master (it reaps them).
    return {
        "gateway workers": sum(cpu_seconds(p) for p in processes_where(worker))
        + cpu_seconds(web_pid, children=True),
        "runner": cpu_seconds(runner_pid),
        "postgres": sum(cpu_seconds(p) for p in processes_where(backend)),
        "client": cpu_seconds(os.getpid()),
    }


def streamed_chat(client: httpx.Client, url: str, key: str, model: str, max_tokens: int):
    """(seconds to the first content chunk, content chunks, seconds from first to last)."""
    body = {
        "model": model,
        "messages": [{"role": "user", "content": "the quick brown fox"}],
        "max_tokens": max_tokens,
        "temperature": 0,
        "stream": True,
    }
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    started = time.perf_counter()
    first = last = None
    chunks = 0
    with client.stream("POST", url, json=body, headers=headers) as response:
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code}: {response.read()[:200]!r}")
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            payload = line[5:].strip()
            if payload == "[DONE]":
                break
            chunk = json.loads(payload)
            if any((c.get("delta") or {}).get("content") for c in chunk.get("choices", [])):
                now = time.perf_counter()
                first = first or now
                last = now
                chunks += 1
    if first is None:
        raise RuntimeError("no content chunk")
    return first - started, chunks, last - first


def bench_streaming(
    direct_url, gateway_url, key, direct_model, gateway_model, chats, max_tokens, cpu_now
):
    """Medians per side (TTFT, tokens/s, chunks) and the CPU each part spent per content
    chunk on that side (`cpu_now()` read around each chat)."""
    results = {"direct": [], "gateway": []}
    spent = {"direct": defaultdict(float), "gateway": defaultdict(float)}
    sides = {
        "direct": (direct_url, "", direct_model),
        "gateway": (gateway_url, key, gateway_model),
    }
    with httpx.Client(timeout=120, trust_env=False) as client:
        for _ in range(3):  # warm-up: connections, caches
            for url, secret, model in sides.values():
                streamed_chat(client, url, secret, model, max_tokens)
        for _ in range(chats):
            for side, (url, secret, model) in sides.items():
                before = cpu_now()
                results[side].append(streamed_chat(client, url, secret, model, max_tokens))
                after = cpu_now()
                for part in after:
                    spent[side][part] += after[part] - before[part]
    summary, cpu = {}, {}
    for side, runs in results.items():
        ttft = statistics.median(r[0] for r in runs) * 1000
        rates = [(r[1] - 1) / r[2] for r in runs if r[1] > 1 and r[2] > 0]
        summary[side] = (ttft, statistics.median(rates), statistics.mean(r[1] for r in runs))
        chunks = sum(r[1] for r in runs)
        cpu[side] = {part: 1000 * seconds / chunks for part, seconds in spent[side].items()}
    return summary, cpu


def bench_embeddings(url, key, model, seconds, concurrency=8):
    done, errors = [0], [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def work():
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        with httpx.Client(timeout=60, trust_env=False) as client:
            while time.monotonic() < stop:
                response = client.post(
                    url,
                    json={"model": model, "input": ["hello world great movie"]},
                    headers=headers,
                )
                with lock:
                    if response.status_code == 200:
                        done[0] += 1
                    else:
                        errors[0] += 1

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.monotonic() - started), errors[0]


def bench_soak(url, key, model, seconds, master_pid, concurrency=50):
    stop = time.monotonic() + seconds
    counts = {"ok": 0, "errors": 0}
    failures = []
    lock = threading.Lock()

    def work():
        with httpx.Client(timeout=180, trust_env=False) as client:
            while time.monotonic() < stop:
                try:
                    streamed_chat(client, url, key, model, 16)
                    outcome = "ok"
                except Exception as exc:  # noqa: BLE001 -- every failure counts
                    outcome = "errors"
                    failures.append(repr(exc)[:200])
                with lock:
                    counts[outcome] += 1

    samples = [(0.0, worker_rss_kib(master_pid))]
    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        time.sleep(5)
        samples.append((time.monotonic() - started, worker_rss_kib(master_pid)))
    for thread in threads:
        thread.join()
    return counts, failures[:3], samples


def cpu_probe_ms() -> float:
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


def report_streaming(chat, chat_key, gateway, web, runner_pid, args):
    summary, cpu = bench_streaming(
        f"{chat.base_url}/v1/chat/completions",
        f"{gateway}/chat/completions",
        chat_key,
        chat.gateway_name(),
        chat.model.repo_id,
        args.chats,
        args.max_tokens,
        lambda: cpu_by_part(web.pid, runner_pid),
    )
    print(f"\n1. Streamed chat, llama.cpp, {args.chats} chats each way, taking turns")
    for side, (ttft, rate, chunks) in summary.items():
        print(
            f"   {side:8s} TTFT median {ttft:7.2f} ms   "
            f"tokens/s median {rate:8.1f}   chunks {chunks:.0f}"
        )
    d, g = summary["direct"], summary["gateway"]
    print(f"   gateway TTFT {g[0] - d[0]:+.2f} ms, tokens/s {100 * g[1] / d[1]:.1f} % of direct")
    print(
        "   CPU per content chunk (ms, whole chats): "
        + "; ".join(
            f"{side}: " + ", ".join(f"{part} {ms:.3f}" for part, ms in parts.items())
            for side, parts in cpu.items()
        )
    )


def report_embeddings(embed, embed_key, gateway, web, runner_pid, args):
    print(f"\n2. Embeddings, ONNX runner, concurrency 8, {args.embed_seconds:.0f} s each")
    cpu = {}
    if args.runner_cpu is not None:
        # A second through the gateway first: its workers open their database connections,
        # whose backends are then moved off the runner's core too.
        bench_embeddings(f"{gateway}/embeddings", embed_key, embed.model.repo_id, 1)
        pin_database_backends(set(os.sched_getaffinity(0)))
    started = cpu_by_part(web.pid, runner_pid)
    direct_rps, direct_err = bench_embeddings(
        f"{embed.base_url}/v1/embeddings", "", embed.gateway_name(), args.embed_seconds
    )
    middle = cpu_by_part(web.pid, runner_pid)
    gateway_rps, gateway_err = bench_embeddings(
        f"{gateway}/embeddings", embed_key, embed.model.repo_id, args.embed_seconds
    )
    ended = cpu_by_part(web.pid, runner_pid)
    for side, before, after, rps in (
        ("direct", started, middle, direct_rps),
        ("gateway", middle, ended, gateway_rps),
    ):
        requests = rps * args.embed_seconds
        cpu[side] = {part: 1000 * (after[part] - before[part]) / requests for part in after}
    print(f"   direct  {direct_rps:8.1f} req/s ({direct_err} errors)")
    print(
        f"   gateway {gateway_rps:8.1f} req/s ({gateway_err} errors): "
        f"{100 * gateway_rps / direct_rps:.1f} %"
    )
    print(
        "   CPU per request (ms): "
        + "; ".join(
            f"{side}: " + ", ".join(f"{part} {ms:.2f}" for part, ms in parts.items())
            for side, parts in cpu.items()
        )
    )


def report_soak(chat, chat_key, gateway, web, args):
    print(f"\n3. 50 concurrent streamed chats through the gateway for {args.soak:.0f} s")
    counts, failures, samples = bench_soak(
        f"{gateway}/chat/completions", chat_key, chat.model.repo_id, args.soak, web.pid
    )
    print(f"   chats {counts['ok']}, errors {counts['errors']} {failures}")
    print(
        "   worker RSS (MiB) at s: " + ", ".join(f"{t:.0f}:{kib / 1024:.0f}" for t, kib in samples)
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=40)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--embed-seconds", type=float, default=20)
    parser.add_argument("--soak", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--no-chat", action="store_true", help="embeddings only (no llama.cpp)")
    parser.add_argument(
        "--minilm", action="store_true", help="embeddings on all-MiniLM-L6-v2 (the demo extra)"
    )
    parser.add_argument(
        "--runner-cpu", type=int, help="pin the runners to this core, everything else off it"
    )
    args = parser.parse_args()

    django.setup()
    from django.conf import settings

    settings.MODELHUB_DEPLOY_CACHE_DIR = Path(tempfile.mkdtemp(prefix="gateway-bench-cache-"))
    print(
        f"Python {platform.python_version()} ({sys.executable}); CPU probe {cpu_probe_ms():.0f} ms"
    )
    chat, embed, chat_key, embed_key = setup(with_chat=not args.no_chat, minilm=args.minilm)
    supervisor = start_runners([d for d in (chat, embed) if d is not None])
    other_cpus = set()
    if args.runner_cpu is not None:
        runner_cpus = {args.runner_cpu}
        other_cpus = set(os.sched_getaffinity(0)) - runner_cpus
        if not other_cpus:
            raise SystemExit("--runner-cpu needs a second core for the gateway and the client")
        for runner in supervisor.runners.values():
            pin(runner.process.pid, runner_cpus)
        # gunicorn and the client threads start after this: they inherit it.
        pin(os.getpid(), other_cpus)
        pin_database_backends(other_cpus)
        print(f"Runners on core {args.runner_cpu}; gateway, client, PostgreSQL on {other_cpus}")
    port = free_port()
    web = start_gunicorn(port, args.workers, args.threads)
    gateway = f"http://127.0.0.1:{port}/v1"
    try:
        if chat is not None:
            chat_runner = supervisor.runners[chat.pk].process.pid
            report_streaming(chat, chat_key, gateway, web, chat_runner, args)
        runner_pid = supervisor.runners[embed.pk].process.pid
        report_embeddings(embed, embed_key, gateway, web, runner_pid, args)
        if chat is not None:
            report_soak(chat, chat_key, gateway, web, args)
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=30)
        supervisor.shutdown()
    print(f"\nCPU probe after: {cpu_probe_ms():.0f} ms")


if __name__ == "__main__":
    main()
