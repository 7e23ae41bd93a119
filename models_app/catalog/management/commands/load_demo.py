from django.core.management.base import BaseCommand
from django.db import transaction

from models_app.accounts.models import Tenant, User
from models_app.accounts.services import tenant_create, user_create
from models_app.catalog.models import AIModel
from models_app.catalog.overview import sanitize_overview
from models_app.catalog.parameters import parse_parameter_count
from models_app.catalog.services import model_create

DEMO_TENANT = "Acme AI"
DEMO_DOMAIN = "acme.test"
DEMO_PASSWORD = "modelhub-demo"  # noqa: S105 (printed to the user on purpose)
DEMO_USERS = [
    ("alice@acme.test", "Alice Sato"),
    ("bob@acme.test", "Bob Tanaka"),
    ("carol@acme.test", "Carol Suzuki"),
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
    help = "Create the demo tenant, users and models (safe to run again) and print how to sign in."

    @transaction.atomic
    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(name=DEMO_TENANT).first() or tenant_create(
            DEMO_TENANT, [DEMO_DOMAIN]
        )
        users = []
        for email, name in DEMO_USERS:
            user = User.objects.filter(email=email).first() or user_create(
                email, DEMO_PASSWORD, tenant=tenant, display_name=name
            )
            users.append(user)
        owner = users[0]
        created = 0
        for spec in DEMO_MODELS:
            if AIModel.objects.filter(owner=owner, title=spec["title"]).exists():
                continue
            data = {
                "title": spec["title"],
                "description": spec["description"],
                "base_model": spec["base_model"],
                "parameter_size": parse_parameter_count(spec["parameter_size"]),
                "ip_whitelist": "",
                "overview": sanitize_overview(spec["overview"]),
                "avatar": None,
            }
            model_create(owner, data, spec["tags"])
            created += 1
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} models created)."))
        self.stdout.write(
            f"Sign in at http://127.0.0.1:8000/accounts/login/ as {owner.email} "
            f"with the password {DEMO_PASSWORD!r} (also bob@acme.test, carol@acme.test)."
        )
