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

The filling ends with `VACUUM ANALYZE`, whose sample decides PostgreSQL's estimate of a
search's matches and so its plan: after the timings, each search's page query is run once
more under `EXPLAIN ANALYZE` and the step that tests the search is printed (which index,
estimated against real matches, rows read and thrown away), so a run says which plan it
measured.
"""

import argparse
import json
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


class PageQuery(list):
    """The SQL and parameters of the page query (the one that reads models with a LIMIT)."""

    def __call__(self, execute, sql, params, many, context):
        if 'FROM "catalog_aimodel"' in sql and " LIMIT " in sql:
            self.append((sql, params))
        return execute(sql, params, many, context)


def search_step(plan: dict) -> dict | None:
    """The plan node that tests `search_text LIKE …`: a filter, a recheck or an index
    condition."""
    conditions = " ".join(str(plan.get(k, "")) for k in ("Filter", "Recheck Cond", "Index Cond"))
    if "~~" in conditions:
        return plan
    for child in plan.get("Plans", []):
        found = search_step(child)
        if found:
            return found
    return None


def explain_searches(user) -> list[tuple]:
    """One `EXPLAIN (ANALYZE, FORMAT JSON)` of each search's page query as `user`."""
    _token, secret = token_create(by=user, user=user, name="plan", scope="read", expires_days=30)
    client = Client(SERVER_NAME="localhost", headers={"Authorization": f"Bearer {secret}"})
    rows = []
    for label, params in REQUESTS:
        if "search" not in params:
            continue
        page = PageQuery()
        with connection.execute_wrapper(page):
            client.get("/api/models", params)
        sql, values = page[0]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", values)
            (explained,) = cursor.fetchone()
        matches = AIModel.objects.visible_to(user).search(params["search"]).count()
        explained = json.loads(explained) if isinstance(explained, str) else explained
        step = search_step(explained[0]["Plan"])
        # A bitmap heap scan's index is named by its bitmap index scan below it.
        where = step.get("Index Name") or step.get("Plans", [{}])[0].get("Index Name", "")
        # EXPLAIN gives a node's rows as a rounded average per loop: with many loops (the
        # member's plan probes once per visible id) the totals are not known.
        loops = step["Actual Loops"]
        dropped = step.get("Rows Removed by Filter", 0) + step.get(
            "Rows Removed by Index Recheck", 0
        )
        out, dropped = (step["Actual Rows"], dropped) if loops == 1 else ("—", "—")
        rows.append(
            (
                label,
                f"{step['Node Type']} ({where})",
                loops,
                step["Plan Rows"],
                matches,
                out,
                dropped,
                explained[0]["Planning Time"],
                explained[0]["Execution Time"],
            )
        )
    return rows


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
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget, current_setting('default_statistics_target') FROM pg_attribute"
            " WHERE attrelid = 'catalog_aimodel'::regclass AND attname = 'search_text'"
        )
        own, default = cursor.fetchone()
    own = default if own in (None, -1) else own
    print(f"statistics target of search_text: {own} (server default {default})")
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
        print(f"\nThe search step of each page query ({who}, EXPLAIN ANALYZE):\n")
        print(
            "| request | plan step | loops | estimated rows a loop | matches it may see | rows out "
            "| rows read and dropped | planning ms | execution ms |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, step, loops, estimated, matches, out, dropped, planning, ms in explain_searches(
            user
        ):
            print(
                f"| {label} | {step} | {loops} | {estimated} | {matches} | {out} | {dropped} "
                f"| {planning:.2f} | {ms:.2f} |"
            )


if __name__ == "__main__":
    main()
