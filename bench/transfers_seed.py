"""Helper of bench_transfers.py, run with the benchmark's environment:

seed            → JSON {ref, session, csrf}: a user, a model, versions "big" and "zip"
key REF NAME P  → the storage key of a file
token           → JSON {token, namespace}: a write token of the seeded user (bench_hf.py)
"""

import json
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modelhub.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from models_app.accounts.models import Tenant, User  # noqa: E402
from models_app.catalog.models import AIModel  # noqa: E402
from models_app.catalog.titles import title_key  # noqa: E402
from models_app.versions.models import ModelVersion, VersionFile  # noqa: E402


def seed():
    call_command("migrate", verbosity=0)
    tenant, _ = Tenant.objects.get_or_create(name="Bench")
    user = User.objects.filter(email="bench@bench.test").first()
    if user is None:
        user = User.objects.create_user(email="bench@bench.test", password="x" * 20, tenant=tenant)
    model, _ = AIModel.objects.get_or_create(
        owner=user, title_key=title_key("bench"), defaults={"title": "bench"}
    )
    for number, name in ((1, "big"), (2, "zip")):
        ModelVersion.objects.get_or_create(model=model, name=name, defaults={"number": number})
    client = Client()
    client.force_login(user)
    csrf = "b" * 32
    print(json.dumps({"ref": str(model.uuid), "session": client.cookies["sessionid"].value,
                      "csrf": csrf}))  # fmt: skip


def key(ref, name, path):
    row = VersionFile.objects.get(version__model__uuid=ref, version__name=name, path=path)
    print(row.storage_key)


def token():
    from models_app.api.services import token_create
    from models_app.catalog.repoids import namespace_of

    user = User.objects.get(email="bench@bench.test")
    _row, secret = token_create(by=user, user=user, name="bench", scope="write", expires_days=30)
    print(json.dumps({"token": secret, "namespace": namespace_of(user)}))


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed()
    elif sys.argv[1] == "token":
        token()
    else:
        key(*sys.argv[2:5])
