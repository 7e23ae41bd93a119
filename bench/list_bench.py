"""Benchmark of the model list (issue 3): fills PostgreSQL with N models and times the list.

    createdb -h 127.0.0.1 -U postgres modelhub_bench3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/modelhub_bench3 \
        .venv/bin/python bench/list_bench.py --models 10000 --runs 40
    DATABASE_URL=... .venv/bin/python bench/list_bench.py --models 100000 --runs 40

The database is filled up to --models (a second, larger run only adds the missing rows), then
each page is requested through Django's test client (middleware, sessions, templates: the
whole server side, no network): a few warm-up requests, then --runs timed ones. The SQL query
count of each page is taken from one extra request with query capture on.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modelhub.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from models_app.accounts.models import Tenant, User  # noqa: E402
from models_app.accounts.slugs import repo_slug  # noqa: E402
from models_app.catalog.models import AIModel  # noqa: E402
from models_app.catalog.repoids import namespace_of  # noqa: E402
from models_app.catalog.search import search_document  # noqa: E402
from models_app.catalog.titles import title_key  # noqa: E402
from models_app.sharing.models import Share  # noqa: E402
from models_app.tags.models import Tag  # noqa: E402
from models_app.tags.parsing import tag_key  # noqa: E402
from models_app.versions.models import ModelVersion  # noqa: E402

BATCH = 5000
USERS = 200
BASES = [
    "Meta-Llama-3-8B-Instruct",
    "Qwen2-72B-Instruct",
    "Qwen2-7B-Instruct",
    "Mistral-7B-v0.1",
    "GPT-4",
    "BERT-base",
    "RoBERTa-large",
    "T5-base",
    "Whisper-large-v3",
    "ResNet-50",
    "EfficientNet-B0",
    "Gemma-2-9B",
    "Phi-3-mini",
    "Mixtral-8x7B-Instruct",
    "Stable Diffusion XL",
]
TAGS = {
    "framework": ["PyTorch", "TensorFlow", "JAX", "ONNX", "Keras", "MLX"],
    "architecture": ["Transformer", "BERT", "DistilBERT", "EfficientNet", "ResNet", "ViT", "MoE"],
    "domain": [
        "medical",
        "finance",
        "education",
        "legal",
        "retail",
        "customer support",
        "manufacturing",
        "医療",
        "金融",
    ],
    "task": [
        "text classification",
        "image classification",
        "embedding",
        "question answering",
        "summarization",
        "speech recognition",
        "translation",
        "object detection",
    ],
    "other": [f"team-{n}" for n in range(40)] + [f"project-{n}" for n in range(200)],
}
WORDS = [
    "intent",
    "sentiment",
    "router",
    "ranker",
    "classifier",
    "embedder",
    "detector",
    "summarizer",
    "qa",
    "ocr",
    "asr",
    "translator",
    "chat",
    "vision",
    "forecast",
    "churn",
    "fraud",
    "triage",
    "search",
    "review",
]
JA_WORDS = [
    "医療画像分類",
    "契約書要約",
    "問い合わせ分類",
    "音声認識",
    "金融QA",
    "製品レビュー感情",
]
SIZES = [
    None,
    66 * 10**6,
    110 * 10**6,
    350 * 10**6,
    1_500_000_000,
    7 * 10**9,
    8 * 10**9,
    13 * 10**9,
    70 * 10**9,
    72 * 10**9,
]
STATUSES = ["created", "training", "deployed", "failed", "archived"]


def ensure_people():
    tenant, _ = Tenant.objects.get_or_create(name="Bench")
    users = list(User.objects.filter(email__endswith="@bench.test").order_by("pk"))
    for n in range(len(users), USERS):
        users.append(User.objects.create_user(f"user{n}@bench.test", None, tenant=tenant))
    root = User.objects.filter(email="root@bench.test").first() or User.objects.create_superuser(
        "root@bench.test", "bench-pass", tenant=tenant
    )
    return users, root


def ensure_tags():
    tags = []
    for category, names in TAGS.items():
        for name in names:
            tag, _ = Tag.objects.get_or_create(
                category=category, key=tag_key(name), defaults={"name": name}
            )
            tags.append(tag)
    return tags


def fill(target: int, rng: random.Random):
    users, _ = ensure_people()
    tags = ensure_tags()
    by_category = {c: [t for t in tags if t.category == c] for c in TAGS}
    have = AIModel.objects.count()
    now = timezone.now()
    started = time.perf_counter()
    through = AIModel.tags.through
    while have < target:
        count = min(BATCH, target - have)
        models, chosen = [], []
        for n in range(have, have + count):
            if rng.random() < 0.1:
                title = f"{rng.choice(JA_WORDS)}モデル-{n}"
            else:
                base = rng.choice(["llama3", "qwen2", "bert", "whisper", "mistral", "resnet"])
                title = f"{base}-{rng.choice(WORDS)}-{rng.choice(WORDS)}-{n}"
            picked = [rng.choice(by_category["framework"]), rng.choice(by_category["task"])]
            if rng.random() < 0.6:
                picked.append(rng.choice(by_category["domain"]))
            if rng.random() < 0.5:
                picked.append(rng.choice(by_category["other"]))
            description = f"{rng.choice(WORDS).title()} model for {picked[1].name}."
            updated = now - timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
            owner = rng.choice(users)
            models.append(
                AIModel(
                    owner=owner,
                    title=title,
                    title_key=title_key(title),
                    # Every title ends in its unique number, so its slug is free.
                    repo_namespace=namespace_of(owner),
                    repo_name=repo_slug(title),
                    description=description,
                    base_model=rng.choice(BASES),
                    parameter_count=rng.choice(SIZES),
                    storage_bytes=int(10 ** rng.uniform(6, 11.5)),
                    view_count=rng.randrange(0, 500),
                    download_count=rng.randrange(0, 200),
                    search_text=search_document(title, description, [t.name for t in picked]),
                    created_at=updated - timedelta(days=rng.randrange(0, 200)),
                    updated_at=updated,
                )
            )
            chosen.append(picked)
        with transaction.atomic():
            AIModel.objects.bulk_create(models, batch_size=BATCH)
            through.objects.bulk_create(
                [
                    through(aimodel_id=m.pk, tag_id=t.pk)
                    for m, picked in zip(models, chosen, strict=True)
                    for t in {t.pk: t for t in picked}.values()
                ],
                batch_size=BATCH,
            )
            versions, shares = [], []
            for m in models:
                for number in range(1, rng.randrange(1, 5)):
                    versions.append(
                        ModelVersion(
                            model_id=m.pk,
                            number=number,
                            name=f"v{number}",
                            status=rng.choice(STATUSES),
                            created_at=m.created_at + timedelta(days=number),
                        )
                    )
                for reader in rng.sample(users, rng.randrange(0, 4)):
                    if reader.pk != m.owner_id:
                        shares.append(Share(model_id=m.pk, user=reader, role="viewer"))
            ModelVersion.objects.bulk_create(versions, batch_size=BATCH)
            Share.objects.bulk_create(shares, batch_size=BATCH)
        have += count
        print(f"  {have} models ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


PAGES = [
    ("default list (page size 8)", {"page_size": 8}),
    ("page size 48", {"page_size": 48}),
    ("search `classifier`", {"q": "classifier", "page_size": 8}),
    ("search `fraud-triage` (rare)", {"q": "fraud-triage", "page_size": 8}),
    ("search `画像分類` (Japanese)", {"q": "画像分類", "page_size": 8}),
    ("tag filter framework=JAX", {"framework": "JAX", "page_size": 8}),
    ("sort by size, largest first", {"sort": "-storage", "page_size": 8}),
    ("sort by views, most first", {"sort": "-views", "page_size": 8}),
    ("sort by downloads, most first", {"sort": "-downloads", "page_size": 8}),
    ("table view, page size 48", {"view": "table", "page_size": 48}),
    ("search `classifier` as typed (htmx)", {"q": "classifier", "page_size": 8, "htmx": "1"}),
]
# How htmx asks for the results alone (the search box and the filters do).
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-results"}


def fetch(client, params):
    params = dict(params)
    headers = HTMX if params.pop("htmx", None) else {}
    return client.get("/models/", params, **headers)


class QueryLog(list):
    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def measure(user, runs: int):
    """Median, p95 and fastest time and the query count of each page. The pages take turns
    (one request each per round) so that a slow spell of a shared machine hits all alike."""
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    counts, times = {}, {label: [] for label, _ in PAGES}
    for label, params in PAGES:
        for _ in range(3):
            assert fetch(client, params).status_code == 200
        queries = QueryLog()
        with connection.execute_wrapper(queries):
            fetch(client, params)
        counts[label] = len(queries)
    for _ in range(runs):
        for label, params in PAGES:
            started = time.perf_counter()
            response = fetch(client, params)
            times[label].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    rows = []
    for label, _ in PAGES:
        taken = sorted(times[label])
        p95 = taken[min(len(taken) - 1, int(round(0.95 * len(taken))) - 1)]
        rows.append((label, statistics.median(taken), p95, taken[0], counts[label]))
    return rows


def cpu_probe_ms() -> float:
    """A fixed pure-Python loop: how fast this machine's CPU is right now (it varies)."""
    started = time.perf_counter()
    total = 0
    for number in range(5_000_000):
        total += number
    return (time.perf_counter() - started) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fill(args.models, random.Random(args.seed))
    users, root = ensure_people()
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        print(f"max_parallel_workers_per_gather = {cursor.fetchone()[0]}")
    print(f"Python {sys.version.split()[0]} at {os.path.realpath(sys.executable)}")
    print(f"CPU probe before: {cpu_probe_ms():.0f} ms (5M-step Python loop)")
    total = AIModel.objects.count()
    member = users[0]
    visible = AIModel.objects.visible_to(member).count()
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": static,
        }
    ):
        for who, user, sees in [("superuser", root, total), ("member", member, visible)]:
            print(f"\n{total} models; {who} sees {sees}; {args.runs} runs per page\n")
            print("| page | median ms | p95 ms | min ms | queries |")
            print("|---|---:|---:|---:|---:|")
            for label, median, p95, fastest, queries in measure(user, args.runs):
                print(f"| {label} | {median:.1f} | {p95:.1f} | {fastest:.1f} | {queries} |")
            print(f"\nload average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
            print(f"CPU probe after: {cpu_probe_ms():.0f} ms")


if __name__ == "__main__":
    main()
