"""The migrations that give existing tenants, users and models their slugs and ids."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0001_initial"), ("catalog", "0009_parameter_count_from_files")]
AFTER = [("accounts", "0002_tenant_slug_user_handle"), ("catalog", "0010_repo_ids")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_get_slugs_handles_and_repo_ids():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Tenant, User = old.get_model("accounts", "Tenant"), old.get_model("accounts", "User")
    AIModel = old.get_model("catalog", "AIModel")
    acme = Tenant.objects.create(name="Acme Research")
    Tenant.objects.create(name="ACME research!")
    member = User.objects.create(email="ann.lee@acme.test", tenant=acme)
    loner = User.objects.create(email="ann.lee@else.test")
    for owner, title, created in [
        (member, "Llama", "2024-01-01T00:00Z"),
        (loner, "Llama", "2024-01-02T00:00Z"),
        (member, "llama!", "2024-01-03T00:00Z"),
        (member, "日本語", "2024-01-04T00:00Z"),
    ]:
        AIModel.objects.create(owner=owner, title=title, title_key=title, created_at=created)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Tenant, User = new.get_model("accounts", "Tenant"), new.get_model("accounts", "User")
    AIModel = new.get_model("catalog", "AIModel")
    assert list(Tenant.objects.order_by("id").values_list("slug", flat=True)) == [
        "acme-research",
        "acme-research-2",
    ]
    assert list(User.objects.order_by("id").values_list("handle", flat=True)) == [
        "annlee",
        "annlee-2",
    ]
    ids = [f"{m.repo_namespace}/{m.repo_name}" for m in AIModel.objects.order_by("created_at")]
    assert ids[:3] == ["acme-research/llama", "annlee-2/llama", "acme-research/llama-2"]
    assert re.fullmatch(r"acme-research/model-[0-9a-f]{8}", ids[3])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
