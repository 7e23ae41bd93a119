"""Demo data for a first look: one tenant, three people, six models shared between them,
with versions holding small real files.

Everything is written through the services, as a user's actions would be (rules, audit).
Safe to run again: what exists already is left as it is, only what is missing is created.
"""

import hashlib
import io
import json

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from models_app.access.caller import Caller
from models_app.accounts.models import Tenant, TenantDomain, User
from models_app.accounts.services import tenant_create, user_create
from models_app.catalog.models import AIModel
from models_app.catalog.parameters import parse_parameter_count
from models_app.catalog.services import model_create
from models_app.catalog.titles import title_key
from models_app.deployments.demo import RUNNING_MODELS
from models_app.deployments.services import deployment_create
from models_app.sharing.models import Role, Share
from models_app.sharing.services import share_add
from models_app.versions import blobs
from models_app.versions.services import Incoming, files_store, version_create

VIA = "load_demo"

DEMO_TENANT = "Acme AI"
DEMO_DOMAIN = "acme.test"
DEMO_PASSWORD = "modelhub-demo"  # noqa: S105 (printed to the user on purpose)
DEMO_USERS = [
    ("alice@acme.test", "Alice Sato"),
    ("bob@acme.test", "Bob Tanaka"),
    ("carol@acme.test", "Carol Suzuki"),
]
# Who else works on Alice's models: bob reads some, carol edits others.
DEMO_SHARES = [
    ("bob@acme.test", "pipeline-demo-0412", Role.VIEWER),
    ("bob@acme.test", "qwen2-finance-qa", Role.VIEWER),
    ("bob@acme.test", "医療画像分類モデル", Role.VIEWER),
    ("carol@acme.test", "pipeline-demo-0412", Role.EDITOR),
    ("carol@acme.test", "distilbert-sentiment-ja", Role.EDITOR),
    ("carol@acme.test", "whisper-callcenter", Role.EDITOR),
]
DEMO_MODELS = [
    {
        "title": "pipeline-demo-0412",
        "description": "Customer-support intent classifier fine-tuned on ticket history.",
        "base_model": "Meta-Llama-3-8B-Instruct",
        "parameter_size": "8B",
        "tags": {
            "framework": ["PyTorch"],
            "architecture": ["Transformer"],
            "task": ["text classification"],
            "domain": ["customer support"],
        },
        "overview": (
            "<h1>Intent classifier</h1><p>Routes tickets to the <strong>right team</strong>.</p>"
            "<ul><li>42 intents</li><li>F1 0.91</li></ul>"
        ),
    },
    {
        "title": "qwen2-finance-qa",
        "description": "Question answering over quarterly reports.",
        "base_model": "Qwen2-72B-Instruct",
        "parameter_size": "72B",
        "tags": {"framework": ["PyTorch"], "domain": ["finance"], "task": ["question answering"]},
        "overview": "<p>Answers questions about <em>financial statements</em>.</p>",
    },
    {
        "title": "医療画像分類モデル",
        "description": "胸部X線画像の分類モデル。",
        "base_model": "EfficientNet-B0",
        "parameter_size": "5.3M",
        "tags": {
            "framework": ["TensorFlow"],
            "architecture": ["EfficientNet"],
            "domain": ["medical"],
            "task": ["image classification"],
        },
        "overview": "<p>胸部X線画像を<strong>5クラス</strong>に分類します。</p>",
    },
    {
        "title": "distilbert-sentiment-ja",
        "description": "Japanese product-review sentiment.",
        "base_model": "BERT-base",
        "parameter_size": "66M",
        "tags": {
            "framework": ["PyTorch"],
            "architecture": ["DistilBERT"],
            "task": ["sentiment analysis"],
            "domain": ["e-commerce"],
        },
        "overview": "<p>Three classes: positive, neutral, negative.</p>",
    },
    {
        "title": "edu-embedding-small",
        "description": "Sentence embeddings for course search.",
        "base_model": "BERT-base",
        "parameter_size": "110M",
        "tags": {
            "framework": ["JAX"],
            "architecture": ["BERT"],
            "domain": ["education"],
            "task": ["embedding"],
        },
        "overview": "<p>384-dimensional embeddings.</p>",
    },
    {
        "title": "whisper-callcenter",
        "description": "Speech recognition tuned for call-centre audio.",
        "base_model": "Whisper-large-v3",
        "parameter_size": "1.5B",
        "tags": {
            "framework": ["PyTorch"],
            "architecture": ["Transformer"],
            "task": ["speech recognition"],
            "other": ["audio"],
        },
        "overview": "<p>Handles noisy <code>8 kHz</code> telephone audio.</p>",
    },
]


class Command(BaseCommand):
    help = (
        "Create the demo tenant (Acme AI), three users (alice, bob, carol @acme.test) and six "
        "models owned by alice, each with a version or two of small real files, shared with "
        "bob (viewer) and carol (editor); then print how to sign in. Models, shares, versions "
        "and files are written through the services as alice's own actions, so the same rules "
        "apply and the audit log records them (via load_demo). Safe to run again: only what is "
        "missing is created."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"Password of demo users created now (default: {DEMO_PASSWORD!r}).",
        )
        parser.add_argument(
            "--without-running-models",
            action="store_true",
            help="Leave out the models that really run (the embedding model, the tiny chat "
            "model) and their deployments.",
        )

    def handle(self, *args, password, without_running_models=False, **options):
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("Password rejected: " + " ".join(exc.messages)) from exc
        problem = demo_tenant_problem()
        if problem:
            raise CommandError(problem)
        with transaction.atomic():
            counts = self._load(password)
        # Files go to storage, so versions are made outside the transaction, each whole or not.
        counts["versions"] = self._load_versions()
        if not without_running_models:
            self._load_running_models()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: {users} users, {models} models, {shares} shares and "
                "{versions} versions created ({existing} already there).".format(**counts)
            )
        )
        self.stdout.write(
            "Sign in at http://127.0.0.1:8000/accounts/login/ as alice@acme.test (owner), "
            "bob@acme.test (viewer) or carol@acme.test (editor), each with the password "
            f"{password!r} unless they existed before."
        )

    def _load(self, password) -> dict:
        counts = {"users": 0, "models": 0, "shares": 0, "existing": 0}
        tenant = Tenant.objects.filter(name=DEMO_TENANT).first()
        if tenant is None:
            try:
                tenant = tenant_create(DEMO_TENANT, [DEMO_DOMAIN])
            except IntegrityError as exc:  # the domain was taken since the check
                raise CommandError(demo_tenant_problem() or str(exc)) from exc
        users = {}
        for email, name in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = user_create(email, password, tenant=tenant, display_name=name)
                counts["users"] += 1
            else:
                counts["existing"] += 1
            users[email] = user
        owner = users[DEMO_USERS[0][0]]
        by = Caller(user=owner, via=VIA)
        models = {}
        for spec in DEMO_MODELS:
            model = AIModel.objects.filter(owner=owner, title_key=title_key(spec["title"])).first()
            if model is None:
                model = model_create(by=by, owner=owner, **_model_values(spec))
                counts["models"] += 1
            else:
                counts["existing"] += 1
            models[spec["title"]] = model
        for email, title, role in DEMO_SHARES:
            model = models[title]
            if Share.objects.filter(model=model, user=users[email]).exists():
                counts["existing"] += 1
                continue
            share_add(model, email, role, by)
            counts["shares"] += 1
        return counts

    def _load_versions(self) -> int:
        created = 0
        owner = User.objects.get(email=DEMO_USERS[0][0])
        by = Caller(user=owner, via=VIA)
        for index, spec in enumerate(DEMO_MODELS):
            model = AIModel.objects.get(owner=owner, title_key=title_key(spec["title"]))
            if model.versions.exists():
                continue
            for number, status in enumerate(DEMO_VERSION_STATUSES[: 2 if index == 0 else 1]):
                version = version_create(model, by=by, name=f"v{number + 1}", status=status)
                files_store(version, _demo_files(spec["title"], number), by=by)
                created += 1
        return created

    def _load_running_models(self) -> None:
        """Models with a deployment that `run_deployments` brings up, each when the packages
        it needs are installed (else a line says how to add it)."""
        owner = User.objects.get(email=DEMO_USERS[0][0])
        by = Caller(user=owner, via=VIA)
        for spec in RUNNING_MODELS:
            model = AIModel.objects.filter(owner=owner, title_key=title_key(spec["title"])).first()
            if model is not None and model.deployments.exists():
                continue
            if not spec["available"]():
                self.stdout.write(f"Skipped the demo model {spec['title']}: {spec['missing']}.")
                continue
            if model is None:
                values = {k: spec[k] for k in ("title", "description", "base_model", "overview")}
                model = model_create(
                    by=by,
                    owner=owner,
                    parameter_count=parse_parameter_count(spec["parameter_size"])
                    if spec["parameter_size"]
                    else None,
                    tags=spec["tags"],
                    **values,
                )
            version = model.versions.order_by("-number").first()
            if version is None:
                version = version_create(model, by=by, name="v1")
                files_store(version, spec["files"](), by=by)
            try:
                deployment = deployment_create(
                    by=by, model=model, version=version, **spec["deployment"]
                )
            except ValidationError as exc:
                self.stdout.write(f"Not deployed: {spec['title']}: " + " ".join(exc.messages))
                continue
            self.stdout.write(
                f"Deployed {deployment.gateway_name()} on {deployment.runtime} "
                "(run_deployments starts it; make run does)."
            )


DEMO_VERSION_STATUSES = ["archived", "deployed"]


def demo_tenant_problem() -> str | None:
    """Why the demo tenant cannot be made, or None: another tenant owns its e-mail domain. The
    demo does not move into that tenant: it may be a real one."""
    if Tenant.objects.filter(name=DEMO_TENANT).exists():
        return None
    owner = TenantDomain.objects.select_related("tenant").filter(domain=DEMO_DOMAIN).first()
    if owner is None:
        return None
    return (
        f"The e-mail domain {DEMO_DOMAIN} belongs to the tenant “{owner.tenant}”, but the demo "
        f"makes its own tenant “{DEMO_TENANT}” with that domain for its users. Nothing was "
        f"loaded. Remove {DEMO_DOMAIN} from “{owner.tenant}” (admin › Tenants) or rename that "
        f"tenant to “{DEMO_TENANT}” to load the demo into it, or use another database."
    )


def _demo_files(title: str, number: int) -> list:
    """Small real files: a config, a model card and some deterministic "weights"."""
    weights = hashlib.sha256(f"{title}/{number}".encode()).digest() * 2048
    readme = (
        f"---\nlicense: apache-2.0\ntags: [demo]\n---\n# {title}\n\nDemo version {number + 1}.\n"
    )
    contents = {
        "config.json": json.dumps({"model": title, "version": number + 1}, indent=2).encode(),
        "README.md": readme.encode(),
        "artifacts/model.safetensors": _safetensors(weights),
        "artifacts/tokenizer.json": json.dumps({"vocab": ["<s>", "</s>"]}).encode(),
    }
    return [
        Incoming(path=path, source=blobs.HashingReader(io.BytesIO(data)))
        for path, data in contents.items()
    ]


def _safetensors(weights: bytes) -> bytes:
    """A real safetensors file holding `weights` as one tensor, so its preview has a table."""
    tensor = {"dtype": "U8", "shape": [len(weights)], "data_offsets": [0, len(weights)]}
    header = json.dumps({"weight": tensor}).encode()
    header += b" " * (-len(header) % 8)
    return len(header).to_bytes(8, "little") + header + weights


def _model_values(spec: dict) -> dict:
    return {
        "title": spec["title"],
        "description": spec["description"],
        "base_model": spec["base_model"],
        "parameter_count": parse_parameter_count(spec["parameter_size"]),
        "overview": spec["overview"],
        "tags": spec["tags"],
    }
