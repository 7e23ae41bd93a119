"""Benchmark of the Hugging Face model list `GET /api/models` (issue 12) at N models.

    createdb -h 127.0.0.1 -U postgres mh_bench_hf
    psql -h 127.0.0.1 -U postgres \
        -c "ALTER DATABASE mh_bench_hf SET max_parallel_workers_per_gather = 0"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mh_bench_hf \
        .venv/bin/python bench/hf_list_bench.py --models 100000 --runs 40

The database is filled as bench/list_bench.py fills it (same models, same seed), then each
request is made through Django's test client with a read token (`Authorization: Bearer`:
middleware, token check, SQL, JSON), as `HfApi.list_models` makes it: a few warm-up
requests, then the requests take turns for --runs rounds. The SQL query count of each is
taken from one extra request with query capture on.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import list_bench  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from models_app.api.services import token_create  # noqa: E402
from models_app.catalog.models import AIModel  # noqa: E402

REQUESTS = [
    ("no search (first 100)", {}),
    ("search `classifier`", {"search": "classifier"}),
    ("search `fraud-triage` (rare)", {"search": "fraud-triage"}),
    ("search `画像分類` (Japanese)", {"search": "画像分類"}),
    ("search `classifier`, limit 10", {"search": "classifier", "limit": "10"}),
    ("sort by downloads", {"sort": "downloads"}),
]


def measure(user, runs: int):
    _token, secret = token_create(by=user, user=user, name="bench", scope="read", expires_days=30)
    client = Client(SERVER_NAME="localhost", headers={"Authorization": f"Bearer {secret}"})
    counts, rows, times = {}, {}, {label: [] for label, _ in REQUESTS}
    for label, params in REQUESTS:
        for _ in range(3):
            assert client.get("/api/models", params).status_code == 200
        queries = list_bench.QueryLog()
        with connection.execute_wrapper(queries):
            rows[label] = len(client.get("/api/models", params).json())
        counts[label] = len(queries)
    for _ in range(runs):
        for label, params in REQUESTS:
            started = time.perf_counter()
            response = client.get("/api/models", params)
            times[label].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    for label, _ in REQUESTS:
        taken = sorted(times[label])
        p95 = taken[min(len(taken) - 1, int(round(0.95 * len(taken))) - 1)]
        yield label, rows[label], statistics.median(taken), p95, taken[0], counts[label]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    list_bench.fill(args.models, random.Random(args.seed))
    users, root = list_bench.ensure_people()
    print(f"Python {sys.version.split()[0]} at {os.path.realpath(sys.executable)}")
    print(f"CPU probe before: {list_bench.cpu_probe_ms():.0f} ms (5M-step Python loop)")
    total = AIModel.objects.count()
    member = users[0]
    for who, user in [("superuser", root), ("member", member)]:
        sees = AIModel.objects.visible_to(user).count()
        print(f"\n{total} models; {who} sees {sees}; {args.runs} runs per request\n")
        print("| request | rows | median ms | p95 ms | min ms | queries |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, count, median, p95, fastest, queries in measure(user, args.runs):
            print(f"| {label} | {count} | {median:.1f} | {p95:.1f} | {fastest:.1f} | {queries} |")
        print(f"\nload average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        print(f"CPU probe after: {list_bench.cpu_probe_ms():.0f} ms")


if __name__ == "__main__":
    main()
